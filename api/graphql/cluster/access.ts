import { GraphQLError } from "graphql";
import {
  forbiddenRequest,
  permits,
  type RequestAttributes,
  type TokenScope,
} from "../../../accounts/permissions.ts";
import { type GraphQLContext, requireUser } from "../context.ts";

function notFound(id: string): GraphQLError {
  return new GraphQLError(`sandbox "${id}" not found`, { extensions: { code: "NOT_FOUND" } });
}

/**
 * The caller's scope in a sandbox they may read (their own, or their student's); NOT_FOUND for
 * any other, missing or someone else's alike, so nothing leaks.
 */
export async function readableSandbox(ctx: GraphQLContext, sandboxId: string): Promise<TokenScope> {
  requireUser(ctx);
  const scope = await ctx.loaders.scope.load(sandboxId);
  if (!scope) throw notFound(sandboxId);
  return scope;
}

/**
 * Refuses a request the caller's scope does not allow, with the API server's Forbidden: the
 * same rule (accounts/permissions.ts) the Kubernetes API enforces on their kubeconfig.
 */
export async function authorize(
  ctx: GraphQLContext,
  sandboxId: string,
  attrs: Omit<RequestAttributes, "subresource"> & { subresource?: string },
): Promise<TokenScope> {
  const scope = await readableSandbox(ctx, sandboxId);
  const full = { subresource: "", ...attrs };
  if (!permits(scope, full)) throw forbiddenRequest(requireUser(ctx).id, full);
  return scope;
}
