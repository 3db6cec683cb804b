import { GraphQLError } from "graphql";
import type { TokenScope } from "../../../accounts/permissions.ts";
import type { Database } from "../../../db/connection.ts";
import { noFilter } from "../../../db/filters.ts";
import type { Kind } from "../../../kube/kinds/kind.ts";
import { parseLabelSelector } from "../../../kube/selectors/parse.ts";
import { listKind } from "../../../registry/read.ts";
import { type ObjectRef, refs } from "./refs.ts";

/** The arguments of every list field: kubectl's namespace and label selector, and a Relay page. */
export interface ListArgs {
  namespace?: string | null;
  labelSelector?: string | null;
  first?: number | null;
  after?: string | null;
}

/** A Relay connection of objects. */
export interface Connection {
  edges: { cursor: string; node: ObjectRef }[];
  nodes: ObjectRef[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const defaultPage = 100;
const maxPage = 500;

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT" } });
}

/** A cursor: the (namespace, name) an item is listed at, as the store pages. */
function cursorOf(namespace: string, name: string): string {
  return Buffer.from(JSON.stringify([namespace, name])).toString("base64url");
}

function afterOf(cursor: string): { namespace: string; name: string } {
  try {
    const [namespace, name] = JSON.parse(Buffer.from(cursor, "base64url").toString()) as unknown[];
    if (typeof namespace === "string" && typeof name === "string") return { namespace, name };
  } catch {}
  throw badInput(`after: not a cursor of this list: "${cursor.slice(0, 100)}"`);
}

/**
 * A page of one kind's objects, filtered in SQL by namespace and label selector (kubectl's
 * grammar: a malformed selector is the API server's 400), in the store's (namespace, name) order.
 */
export async function listConnection(
  database: Database,
  sandboxId: string,
  scope: TokenScope,
  kind: Kind,
  args: ListArgs,
): Promise<Connection> {
  const first = args.first ?? defaultPage;
  if (!Number.isInteger(first) || first < 1 || first > maxPage)
    throw badInput(`first: must be from 1 to ${maxPage}`);
  const labels = parseLabelSelector(args.labelSelector ?? "");
  const filter = labels.length ? { labels, fields: [] } : noFilter;
  const namespace = kind.namespaced ? (args.namespace ?? null) : null;
  const page = { limit: first, ...(args.after ? { after: afterOf(args.after) } : {}) };
  const { items, next } = await listKind(database, sandboxId, kind, namespace, filter, page);
  const nodes = refs(sandboxId, scope, items);
  const edges = nodes.map((node) => ({
    cursor: cursorOf(node.obj.metadata.namespace ?? "", node.obj.metadata.name ?? ""),
    node,
  }));
  return {
    edges,
    nodes,
    pageInfo: { hasNextPage: next !== null, endCursor: edges[edges.length - 1]?.cursor ?? null },
  };
}
