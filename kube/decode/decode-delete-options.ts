/**
 * A DELETE's body decoded as the API server's delete handlers decode it into metav1.DeleteOptions:
 * the scanner, then Interpret (apiVersion and kind must be strings), then encoding/json into the Go
 * type. Whatever fails is a 400 with the decoder's own message, as kube-apiserver answers since 1.35
 * (earlier versions sent the same message as a 500). The decoder is not strict: unknown and duplicate
 * fields pass, and the body's apiVersion and kind are not checked against DeleteOptions.
 */
import { badRequest } from "../errors.ts";
import { goJsonSyntaxError } from "../go/json-syntax.ts";
import type { RequestedDeleteOptions } from "../meta/deletion.ts";
import { interpretProblem } from "./decode-typed.ts";
import { typecheck } from "./go-json-decoder.ts";
import { messageType } from "./go-model.ts";
import { DepthError, parseJsonNodes, withinStack } from "./json-node.ts";

/** Decodes a non-empty DeleteOptions body (JSON), or throws the API server's 400. */
export function decodeDeleteOptions(text: string): RequestedDeleteOptions {
  const syntax = goJsonSyntaxError(new TextEncoder().encode(text));
  if (syntax !== null) throw badRequest(`couldn't get version/kind; json parse error: ${syntax}`);
  try {
    const nodes = parseJsonNodes(text);
    const problem = interpretProblem(nodes);
    if (problem !== undefined) throw badRequest(problem);
    const type = messageType("k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions");
    const result = withinStack(() => typecheck(nodes, type, "json"));
    if (result.error !== undefined) throw badRequest(result.error);
    return result.value as RequestedDeleteOptions;
  } catch (err) {
    // Nesting the scanner allows but this process's stack does not.
    if (err instanceof DepthError)
      throw badRequest(`couldn't get version/kind; json parse error: ${err.message}`);
    throw err;
  }
}
