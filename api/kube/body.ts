import { parse } from "yaml";
import { parseJsonBody } from "../../kube/decode/json-node.ts";
import { badRequest, StatusError, unsupportedMediaType } from "../../kube/errors.ts";
import { decodeProtobufObject, isProtobufContentType } from "../../kube/protobuf/decode.ts";

/** The API server's request body limit (3 MiB). */
export const maxBodyBytes = 3 * 1024 * 1024;

/**
 * Reads a request body as JSON, YAML or Kubernetes protobuf (by Content-Type), within the size limit. Malformed
 * input is a 400 BadRequest, as the API server's decoder answers it.
 */
export async function readBody(req: Request): Promise<unknown> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBodyBytes) throw tooLarge();
  const bytes = new Uint8Array(await req.arrayBuffer());
  if (bytes.byteLength > maxBodyBytes) throw tooLarge();
  const contentType = req.headers.get("content-type") ?? "application/json";
  if (isProtobufContentType(contentType)) {
    try {
      return decodeProtobufObject(bytes);
    } catch (err) {
      throw badRequest((err as Error).message);
    }
  }
  const text = new TextDecoder().decode(bytes);
  if (text.trim() === "") throw badRequest("the body of the request was empty");
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (type.endsWith("yaml")) {
    try {
      return parse(text, { maxAliasCount: 100 });
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

function tooLarge(): StatusError {
  return new StatusError(413, "RequestEntityTooLarge", `Request entity too large: limit is ${maxBodyBytes}`);
}
