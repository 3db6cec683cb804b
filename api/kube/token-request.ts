import { issueServiceAccountToken } from "../../accounts/service-account-tokens.ts";
import { getObject } from "../../db/store/reads.ts";
import { decodeObject } from "../../kube/decode/decode-object.ts";
import { conflict, invalid, methodNotAllowed, notFound } from "../../kube/errors.ts";
import {
  boundResource,
  defaultTokenRequest,
  tokenRequestKind,
  validateTokenRequest,
} from "../../kube/kinds/serviceaccount/token-request.ts";
import { timestamp } from "../../kube/object.ts";
import type { TokenRequest } from "../../kube/types/authentication-v1.ts";
import { readObject } from "../../registry/read.ts";
import { readBody } from "./body.ts";
import type { KubeRequestContext } from "./context.ts";
import { withWarnings, writeDecodeOptions } from "./field-validation.ts";
import type { ResourcePath } from "./resource-path.ts";
import { json } from "./response.ts";

/**
 * POST serviceaccounts/<name>/token (`kubectl create token <sa>`): a token for that service
 * account, usable against the sandbox while the account exists and until it expires, answered
 * as the TokenRequest with its status (token and expiry). Nothing but the token's id is stored.
 */
export async function handleTokenRequest(
  ctx: KubeRequestContext,
  req: Request,
  url: URL,
  path: ResourcePath,
): Promise<Response> {
  if (req.method.toUpperCase() !== "POST" || !path.name) throw methodNotAllowed();
  const namespace = path.namespace ?? "";
  const account = await readObject(ctx.database, ctx.sandboxId, path.kind, { namespace, name: path.name });
  const decode = writeDecodeOptions(url, "CreateOptions");
  const body = await readBody(req);
  const request = decodeObject(tokenRequestKind, body.value, {
    ...decode,
    sourceText: body.text,
  }) as TokenRequest;
  defaultTokenRequest(request);
  const errors = validateTokenRequest(request);
  if (errors.length) throw invalid(tokenRequestKind.group, tokenRequestKind.kind, "", errors);
  const ref = request.spec?.boundObjectRef;
  if (ref) {
    const resource = boundResource(ref);
    const bound = await getObject(ctx.database, ctx.sandboxId, { resource, namespace, name: ref.name ?? "" });
    if (!bound) throw notFound("", resource, ref.name ?? "");
    if (ref.uid && ref.uid !== bound.metadata.uid) throw conflict("", resource, ref.name ?? "");
  }
  const issuedAt = new Date();
  const expiresAt = new Date(issuedAt.getTime() + (request.spec?.expirationSeconds ?? 3600) * 1000);
  const token = await issueServiceAccountToken(ctx.database, ctx.signingKey, {
    userId: ctx.caller.userId,
    sandboxId: ctx.sandboxId,
    serviceAccount: { namespace, name: path.name, uid: account.metadata.uid ?? "" },
    audiences: request.spec?.audiences ?? [],
    issuedAt,
    expiresAt,
  });
  const answer: TokenRequest = {
    ...request,
    metadata: { ...request.metadata, name: path.name, namespace, creationTimestamp: timestamp(issuedAt) },
    status: { token, expirationTimestamp: timestamp(expiresAt) },
  };
  return withWarnings(json(answer, 201), decode.warnings);
}
