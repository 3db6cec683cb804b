import { parse } from "yaml";
import { type JsonBody, parseJsonBody } from "../../kube/decode/json-node.ts";
import { badRequest, StatusError, unsupportedMediaType } from "../../kube/errors.ts";
import { decodeProtobufObject, isProtobufContentType } from "../../kube/protobuf/decode.ts";
import { readCappedBody } from "../request-body.ts";

/** The API server's request body limit (3 MiB). */
export const maxBodyBytes = 3 * 1024 * 1024;

/**
 * A request body as decoded: its value, and for a JSON body the text it was parsed from (which the
 * typed decoding reads for duplicate keys and number literals: pass it on as DecodeOptions.sourceText).
 */
export interface RequestBody {
  value: unknown;
  text?: string;
}

/**
 * Reads a request body as JSON, YAML or Kubernetes protobuf (by Content-Type), within the size limit. Malformed
 * input is a 400 BadRequest, as the API server's decoder answers it.
 */
export async function readBody(req: Request): Promise<RequestBody> {
  const bytes = await readBytes(req);
  const contentType = req.headers.get("content-type") ?? "application/json";
  if (isProtobufContentType(contentType)) {
    try {
      return { value: decodeProtobufObject(bytes) };
    } catch (err) {
      throw badRequest((err as Error).message);
    }
  }
  const text = new TextDecoder().decode(bytes);
  if (text.trim() === "") throw badRequest("the body of the request was empty");
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (type.endsWith("yaml")) {
    try {
      return { value: parse(text, { maxAliasCount: 100 }) };
    } catch (err) {
      throw badRequest(`error converting YAML to JSON: ${(err as Error).message.split("\n")[0]}`);
    }
  }
  if (type.endsWith("json") || type === "" || type === "*/*") {
    try {
      return parseJsonBody(text);
    } catch (err) {
      throw badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
    }
  }
  throw unsupportedMediaType();
}

/** A patch body (JSON, whatever the patch type but apply), within the size limit. */
export async function readPatchBody(req: Request): Promise<JsonBody> {
  const text = new TextDecoder().decode(await readBytes(req));
  try {
    return parseJsonBody(text);
  } catch (err) {
    throw badRequest(`error decoding patch: ${(err as Error).message}`);
  }
}

/** The body's bytes, or 413 past the API server's limit (read as request-body.ts reads bodies). */
export async function readBytes(req: Request): Promise<Uint8Array> {
  const bytes = await readCappedBody(req, maxBodyBytes);
  if (!bytes) throw tooLarge();
  return bytes;
}

function tooLarge(): StatusError {
  return new StatusError(413, "RequestEntityTooLarge", `Request entity too large: limit is ${maxBodyBytes}`);
}
