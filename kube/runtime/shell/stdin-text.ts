import type { ByteString } from "just-bash";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A command's stdin as text: just-bash's `decodeBytesToUtf8`, which its browser build (the one
 * the Workers bundle resolves) does not export. Pipes carry bytes as a latin1 string (just-bash's
 * encoding.d.ts); UTF-8 is decoded, and bytes that are not UTF-8 stay their latin1 view, as there.
 */
export function stdinText(stdin: ByteString): string {
  const latin1 = stdin as unknown as string;
  if (!/[\u0080-\u00ff]/.test(latin1)) return latin1;
  try {
    return utf8.decode(Uint8Array.from(latin1, (c) => c.charCodeAt(0)));
  } catch {
    return latin1;
  }
}
