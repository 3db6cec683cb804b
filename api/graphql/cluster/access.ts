import { GraphQLError } from "graphql";
import { permissionsOf, type TokenScope } from "../../../accounts/permissions.ts";
import { forbiddenByRbac, rulesAllow } from "../../../kube/reviews/rules.ts";
import type { ResourceAttributes } from "../../../kube/types/authorization-v1.ts";
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
  attrs: ResourceAttributes,
): Promise<TokenScope> {
  const scope = await readableSandbox(ctx, sandboxId);
  // A user's GraphQL request acts as their login token would on the Kubernetes API.
  if (!rulesAllow(permissionsOf({ kind: "login", scope }), { resource: attrs }))
    throw forbiddenByRbac(requireUser(ctx).email, attrs);
  return scope;
}
