import { decodeDeleteOptions } from "../../kube/decode/decode-delete-options.ts";
import { badRequest } from "../../kube/errors.ts";
import { parseInt64 } from "../../kube/go/strconv.ts";
import {
  checkDeleteOptions,
  type DeleteOptions,
  type RequestedDeleteOptions,
} from "../../kube/meta/deletion.ts";
import { readBytes } from "./body.ts";

/**
 * The DeleteOptions of a DELETE (of one object or of a collection), as the API server's delete
 * handler reads them: from the body when there is one (decoded into metav1.DeleteOptions, the query
 * then ignored), else from the query parameters; then validated. Bad input is a 400 with the
 * decoder's or strconv's message, a bad policy a 422, never a 500.
 */
export async function readDeleteOptions(req: Request, url: URL): Promise<DeleteOptions> {
  const text = new TextDecoder().decode(await readBytes(req));
  return checkDeleteOptions(text.trim() ? decodeDeleteOptions(text) : deleteOptionsFromQuery(url));
}

/**
 * metav1.DeleteOptions from query parameters (Convert_url_Values_To_v1_DeleteOptions): the first
 * value of each; gracePeriodSeconds through strconv.ParseInt, its error a 400 as DecodeParameters'
 * caller makes it; orphanDependents true unless "0" or "false".
 */
export function deleteOptionsFromQuery(url: URL): RequestedDeleteOptions {
  const q = url.searchParams;
  const options: RequestedDeleteOptions = {};
  const grace = q.get("gracePeriodSeconds");
  if (grace !== null) {
    const parsed = parseInt64(grace);
    if (!parsed.ok) throw badRequest(parsed.message);
    options.gracePeriodSeconds = parsed.value;
  }
  const policy = q.get("propagationPolicy");
  if (policy !== null) options.propagationPolicy = policy;
  const orphan = q.get("orphanDependents");
  if (orphan !== null) options.orphanDependents = orphan !== "0" && orphan.toLowerCase() !== "false";
  if (q.has("dryRun")) options.dryRun = q.getAll("dryRun");
  return options;
}
