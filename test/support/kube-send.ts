import { expect } from "vitest";
import type { TestApp } from "./app.ts";

/**
 * A Kubernetes API request of a sandbox's owner that must succeed (below 300; the body is the
 * failure's message): its JSON answer, or null for an empty one.
 */
export function kubeSender(t: TestApp) {
  return async (
    sb: { sandboxId: string; sandboxToken: string },
    method: string,
    path: string,
    body?: unknown,
  ) => {
    const res = await t.kube(sb.sandboxId, sb.sandboxToken, path, {
      method,
      headers: { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    expect(res.status, text).toBeLessThan(300);
    return text ? JSON.parse(text) : null;
  };
}
