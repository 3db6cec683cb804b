import { describe, expect, it } from "vitest";
import { testApp } from "../support/app.ts";

const t = testApp();

describe("health and metrics", () => {
  it.each(["/healthz", "/readyz", "/livez"])("%s answers ok", async (path) => {
    const res = await t.app.request(path);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok");
  });

  it("counts requests by surface in /metrics", async () => {
    await t.app.request("/healthz");
    const text = await (await t.app.request("/metrics")).text();
    expect(text).toMatch(/kubesandbox_http_requests_total\{surface="other",method="GET",code="200"\} \d+/);
  });
});
