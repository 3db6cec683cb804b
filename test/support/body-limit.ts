import { expect } from "vitest";

/** The API server's request body limit: 3 MiB. */
export const bodyLimit = 3 * 1024 * 1024;

/** Expects the API server's refusal of a body past its limit: 413 with its Status and message. */
export async function expectTooLarge(res: Response): Promise<void> {
  expect(res.status).toBe(413);
  expect(await res.json()).toMatchObject({
    kind: "Status",
    reason: "RequestEntityTooLarge",
    message: `Request entity too large: limit is ${bodyLimit}`,
    code: 413,
  });
}
