import type { ObjectFilter } from "../../db/filters.ts";
import { type ChangeBatch, changesAfter } from "../../db/store/changes.ts";
import { badRequest, gone } from "../../kube/errors.ts";
import { apiVersionOf, storageResource } from "../../kube/kinds/kind.ts";
import type { KubeObject } from "../../kube/object.ts";
import { toTable } from "../../kube/printing/table.ts";
import { fieldsMatch } from "../../kube/selectors/field-selectors.ts";
import { labelsMatch } from "../../kube/selectors/parse.ts";
import { listKind } from "../../registry/read.ts";
import type { KubeRequestContext } from "./context.ts";
import { includeObject, queryBool, wantsTable } from "./negotiate.ts";
import type { ResourcePath } from "./resource-path.ts";

/** How often an idle watch with allowWatchBookmarks gets a BOOKMARK. */
const bookmarkEveryMs = 15_000;
/** The longest a watch stays open when the client names no timeout (the API server's default range). */
const defaultTimeoutSeconds = 1800;

function matches(filter: ObjectFilter, obj: KubeObject): boolean {
  return (
    labelsMatch(filter.labels, obj.metadata.labels) &&
    fieldsMatch(
      obj,
      filter.fields.map((f) => f.requirement),
      filter.fields.map((f) => f.path),
    )
  );
}

/**
 * Serves `?watch=1`: one JSON event per line, kept open. Without a resourceVersion (or with
 * "0") it first sends the current objects as ADDED; then it replays the change log after the
 * revision it holds, woken by the change feed. Events are Table rows when a Table was asked for.
 */
export async function watchResponse(
  ctx: KubeRequestContext,
  req: Request,
  url: URL,
  path: ResourcePath,
  filter: ObjectFilter,
): Promise<Response> {
  const rvParam = url.searchParams.get("resourceVersion") ?? "";
  if (rvParam !== "" && !/^\d+$/.test(rvParam))
    throw badRequest(`resourceVersion: Invalid value: "${rvParam}": must be a number`);
  const timeoutParam = Number(url.searchParams.get("timeoutSeconds") ?? defaultTimeoutSeconds);
  const timeoutMs =
    (Number.isFinite(timeoutParam) && timeoutParam > 0 ? timeoutParam : defaultTimeoutSeconds) * 1000;
  const bookmarks = queryBool(url, "allowWatchBookmarks");
  const table = wantsTable(req);
  const include = includeObject(url);
  const kind = path.kind;
  const resource = storageResource(kind);
  const encoder = new TextEncoder();

  const render = (type: string, object: unknown): Uint8Array =>
    encoder.encode(`${JSON.stringify({ type, object })}\n`);

  let revision = rvParam === "" || rvParam === "0" ? -1 : Number(rvParam);
  let initial: KubeObject[] = [];
  if (revision < 0) {
    const listed = await listKind(ctx.database, ctx.sandboxId, kind, path.namespace, filter);
    initial = listed.items;
    revision = listed.revision;
  }

  let stop = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      let busy = false;
      let again = false;
      const send = (type: string, obj: KubeObject) =>
        controller.enqueue(
          render(
            type,
            table ? toTable(kind.printer, [obj], obj.metadata.resourceVersion ?? "", include) : obj,
          ),
        );
      const finish = () => {
        if (closed) return;
        closed = true;
        unsubscribe();
        clearTimeout(timer);
        clearInterval(bookmarkTimer);
        req.signal?.removeEventListener("abort", finish);
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      stop = finish;
      const catchUp = async () => {
        if (busy) {
          again = true;
          return;
        }
        busy = true;
        try {
          do {
            again = false;
            let batch: ChangeBatch | null;
            do {
              batch = await changesAfter(ctx.database, ctx.sandboxId, resource, path.namespace, revision);
              if (!batch) return finish();
              if (revision < batch.compacted) {
                // As the API server does: an ERROR event with 410 Expired, then the end.
                controller.enqueue(
                  render(
                    "ERROR",
                    gone(`too old resource version: ${revision} (${batch.compacted})`).toStatus(),
                  ),
                );
                return finish();
              }
              for (const change of batch.changes) {
                revision = change.revision;
                if (!closed && matches(filter, change.object)) send(change.type, change.object);
              }
            } while (batch.changes.length === 500 && !closed);
          } while (again && !closed);
        } catch {
          finish();
        } finally {
          busy = false;
        }
      };
      const unsubscribe = ctx.feed.subscribe(ctx.sandboxId, () => void catchUp());
      const timer = setTimeout(finish, timeoutMs);
      const bookmarkTimer = setInterval(() => {
        if (bookmarks && !closed && !busy)
          controller.enqueue(
            render("BOOKMARK", {
              kind: kind.kind,
              apiVersion: apiVersionOf(kind),
              metadata: { resourceVersion: String(revision) },
            }),
          );
      }, bookmarkEveryMs);
      req.signal?.addEventListener("abort", finish);
      for (const obj of initial) send("ADDED", obj);
      void catchUp();
    },
    cancel() {
      stop();
    },
  });
  return new Response(stream, {
    status: 200,
    headers: {
      "content-type": "application/json",
      "transfer-encoding": "chunked",
      "cache-control": "no-cache",
    },
  });
}
