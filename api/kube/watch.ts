import { onRevocation } from "../../accounts/access-cache.ts";
import type { ObjectFilter } from "../../db/filters.ts";
import { type ChangeBatch, Notices, sharedChangesAfter } from "../../db/store/changes.ts";
import { concatBytes } from "../../kube/bytes.ts";
import { gone } from "../../kube/errors.ts";
import { apiVersionOf, storageResource } from "../../kube/kinds/kind.ts";
import type { KubeObject } from "../../kube/object.ts";
import { toTable } from "../../kube/printing/table.ts";
import { fieldsMatch } from "../../kube/selectors/field-selectors.ts";
import { labelsMatch } from "../../kube/selectors/parse.ts";
import { listKind } from "../../registry/read.ts";
import { coalesced } from "../coalesced.ts";
import type { KubeRequestContext } from "./context.ts";
import { listResourceVersion, watchTimeoutMs } from "./list-options.ts";
import { includeObject, queryBool, wantsTable } from "./negotiate.ts";
import type { ResourcePath } from "./resource-path.ts";

/** How often an idle watch with allowWatchBookmarks gets a BOOKMARK. */
const bookmarkEveryMs = 15_000;
/**
 * Bytes of events a watch holds for a client that reads slowly. Past them it reads no further
 * into the change log until the client catches up (the log keeps what it has not sent), so a
 * slow reader costs the server this much memory at most; one too slow for the log's retention
 * gets 410 Expired, as from the API server.
 */
const bufferedBytes = 256 * 1024;
/** Changes read from the log at once. */
const batchSize = 500;

/**
 * Events as sent, by the object they carry: watches woken by one commit share its change-log
 * read (db/store/changes.ts, sharedChangesAfter), hence its objects, and each event is encoded once between them.
 */
const encoded = new WeakMap<KubeObject, { type: string; bytes: Uint8Array }>();

function encodeEvent(type: string, object: KubeObject): Uint8Array {
  const hit = encoded.get(object);
  if (hit?.type === type) return hit.bytes;
  const bytes = new TextEncoder().encode(`${JSON.stringify({ type, object })}\n`);
  encoded.set(object, { type, bytes });
  return bytes;
}

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
 *
 * A watch holds one of its token's watch slots while open (429 when none is free), ends at its
 * timeout (clamped to the service's limit), and ends within moments when its token is revoked or
 * its sandbox deleted, in any process (the revocation notices of accounts/access-cache.ts).
 */
export async function watchResponse(
  ctx: KubeRequestContext,
  req: Request,
  url: URL,
  path: ResourcePath,
  filter: ObjectFilter,
): Promise<Response> {
  const from = listResourceVersion(url);
  const timeoutMs = watchTimeoutMs(url, ctx.limits.watchTimeoutSeconds);
  const bookmarks = queryBool(url, "allowWatchBookmarks");
  const table = wantsTable(req);
  const include = includeObject(url);
  const kind = path.kind;
  const resource = storageResource(kind);
  const encoder = new TextEncoder();
  const release = ctx.watches.take(ctx.caller.tokenId);

  const render = (type: string, object: unknown): Uint8Array =>
    encoder.encode(`${JSON.stringify({ type, object })}\n`);

  let revision = from ?? -1;
  let initial: KubeObject[] = [];
  if (revision < 0) {
    try {
      const listed = await listKind(ctx.database, ctx.sandboxId, kind, path.namespace, filter);
      initial = listed.items;
      revision = listed.revision;
    } catch (err) {
      release();
      throw err;
    }
  }

  let stop = () => {};
  let resume = () => {};
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        let closed = false;
        /** Reading stopped for a slow client; `pull` resumes it. */
        let paused = false;
        const full = () => (controller.desiredSize ?? 1) <= 0;
        const eventOf = (type: string, obj: KubeObject) =>
          table
            ? render(type, toTable(kind.printer, [obj], obj.metadata.resourceVersion ?? "", include))
            : encodeEvent(type, obj);
        // The events of one read go as one chunk: one write (and one TLS record) for a commit
        // that changed many objects, not one each.
        const sendAll = (events: Uint8Array[]) => {
          if (events.length)
            controller.enqueue(events.length === 1 ? (events[0] as Uint8Array) : concatBytes(events));
        };
        const finish = () => {
          if (closed) return;
          closed = true;
          release();
          unsubscribe();
          unrevoke();
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
        const notices = new Notices();
        // Reads the log on from the revision held until caught up; pauses (false) while the
        // client has a buffer's worth unread, and stops (false) once the watch ended.
        const catchUp = coalesced(async () => {
          try {
            let batch: ChangeBatch | null;
            let upTo = notices.next(revision);
            if (upTo === false) return !closed;
            do {
              if (full()) {
                paused = true;
                // What it has not read is read when it resumes.
                notices.note();
                return false;
              }
              batch = await sharedChangesAfter(
                ctx.database,
                ctx.sandboxId,
                resource,
                path.namespace,
                revision,
                upTo,
              );
              upTo = null;
              if (closed) return false;
              if (!batch) {
                finish();
                return false;
              }
              if (revision < batch.compacted) {
                // As the API server does: an ERROR event with 410 Expired, then the end.
                controller.enqueue(
                  render(
                    "ERROR",
                    gone(`too old resource version: ${revision} (${batch.compacted})`).toStatus(),
                  ),
                );
                finish();
                return false;
              }
              const events: Uint8Array[] = [];
              for (const change of batch.changes) {
                revision = change.revision;
                if (matches(filter, change.object)) events.push(eventOf(change.type, change.object));
              }
              sendAll(events);
            } while (batch.changes.length === batchSize && !closed);
            return !closed;
          } catch {
            finish();
            return false;
          }
        });
        resume = () => {
          if (!paused || closed) return;
          paused = false;
          void catchUp();
        };
        const unsubscribe = ctx.feed.subscribe(ctx.sandboxId, (reached) => {
          notices.note(reached);
          void catchUp();
        });
        const unrevoke = onRevocation(ctx.database, {
          revoked: ({ what, id }) => {
            if (
              (what === "token" && id === ctx.caller.tokenId) ||
              (what === "sandbox" && id === ctx.sandboxId)
            )
              finish();
          },
          lost: () => {
            void ctx.stillAllowed().then((ok) => ok || finish());
          },
        });
        const timer = setTimeout(finish, timeoutMs);
        const bookmarkTimer = setInterval(() => {
          if (bookmarks && !closed && !catchUp.running && !full())
            controller.enqueue(
              render("BOOKMARK", {
                kind: kind.kind,
                apiVersion: apiVersionOf(kind),
                metadata: { resourceVersion: String(revision) },
              }),
            );
        }, bookmarkEveryMs);
        req.signal?.addEventListener("abort", finish);
        sendAll(initial.map((obj) => eventOf("ADDED", obj)));
        void catchUp();
      },
      pull() {
        resume();
      },
      cancel() {
        stop();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: bufferedBytes }),
  );
  return new Response(stream, {
    status: 200,
    headers: {
      "content-type": "application/json",
      "transfer-encoding": "chunked",
      "cache-control": "no-cache",
      // workerd (as Cloudflare's edge) gzips application/json, which would hold every event back
      // until a compressed block fills: a watch's events go as they come.
      "content-encoding": "identity",
    },
  });
}
