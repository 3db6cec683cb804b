/**
 * Objects' served JSON texts as lists printed them, kept in the process by sandbox, resource and
 * resourceVersion, so the next list of the same objects asks Postgres for their versions only:
 * printing a hundred pods' jsonb was most of a list's time there. A resourceVersion names one
 * write of one object in its sandbox (every write takes the next revision), so a text kept under
 * it is that object at that version for good (committed revisions are never reused, nor sandbox
 * ids): nothing is ever invalidated, only forgotten — a resource's texts least recently listed
 * first, past `maxBytes` in all, and a resource's oldest past `maxPerResource` or its share of
 * the bytes.
 */

// Small enough for a Worker isolate (128 MB in all) beside the app.
const maxBytes = 16 * 1024 * 1024;
const maxPerResource = 2048;
/** A resource's share of them, and the largest text kept (a list of big objects is printed each time). */
const maxResourceBytes = maxBytes / 4;
const maxTextBytes = 64 * 1024;

/** Texts by resourceVersion, per "sandbox resource", least recently listed first, and their bytes. */
const kept = new Map<string, Map<number, string>>();
const resourceBytes = new Map<string, number>();
let bytes = 0;

const keyOf = (sandboxId: string, resource: string) => `${sandboxId} ${resource}`;

/**
 * The texts kept for a resource of a sandbox: what a list may leave Postgres to skip. A copy,
 * so what the list then reads stays there whatever is forgotten meanwhile.
 */
export function keptTexts(sandboxId: string, resource: string): Map<number, string> {
  const key = keyOf(sandboxId, resource);
  const texts = kept.get(key);
  if (!texts) return new Map();
  kept.delete(key);
  kept.set(key, texts);
  return new Map(texts);
}

/** Keeps the texts a list printed, by resourceVersion. */
export function keepTexts(sandboxId: string, resource: string, printed: [number, string][]): void {
  if (!printed.length) return;
  const key = keyOf(sandboxId, resource);
  let texts = kept.get(key);
  if (!texts) {
    texts = new Map();
    kept.set(key, texts);
  }
  let mine = resourceBytes.get(key) ?? 0;
  for (const [rv, text] of printed) {
    if (texts.has(rv) || text.length > maxTextBytes) continue;
    texts.set(rv, text);
    mine += text.length;
  }
  while (texts.size > maxPerResource || mine > maxResourceBytes) {
    const [oldest, text] = texts.entries().next().value as [number, string];
    texts.delete(oldest);
    mine -= text.length;
  }
  bytes += mine - (resourceBytes.get(key) ?? 0);
  resourceBytes.set(key, mine);
  for (const k of kept.keys()) {
    if (bytes <= maxBytes || k === key) break;
    bytes -= resourceBytes.get(k) ?? 0;
    resourceBytes.delete(k);
    kept.delete(k);
  }
}
