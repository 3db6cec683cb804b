import { describe, expect, it } from "vitest";
import { useSandbox } from "../support/service.ts";

const cluster = useSandbox("service-traffic");
const k = cluster.kubectl;

async function waitFor(check: () => Promise<boolean>, seconds: number): Promise<boolean> {
  for (let i = 0; i < seconds * 4; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

const running = (name: string) => async () =>
  (await k("get", "pod", name, "--no-headers")).stdout.includes("Running");
const endpointsOf = async (svc: string) =>
  (await k("get", "endpoints", svc, "-o", "jsonpath={.subsets[*].addresses[*].ip}")).stdout.trim();

describe("the API's proxy to services and pods, with the real kubectl", () => {
  it("serves what nginx serves through services/NAME:PORT/proxy/ and pods/NAME/proxy/", async () => {
    for (const name of ["web1", "web2"])
      expect((await k("run", name, "--image=nginx", "--labels=app=web", "--port=80")).code).toBe(0);
    expect(
      (
        await k(
          "expose",
          "pod",
          "web1",
          "--name=websvc",
          "--port=8000",
          "--target-port=80",
          "--selector=app=web",
        )
      ).code,
    ).toBe(0);
    expect(await waitFor(async () => (await running("web1")()) && (await running("web2")()), 30)).toBe(true);
    expect(await waitFor(async () => (await endpointsOf("websvc")).split(" ").length === 2, 30)).toBe(true);

    const svc = await k("get", "--raw", "/api/v1/namespaces/default/services/websvc:8000/proxy/");
    expect(svc.code).toBe(0);
    expect(svc.stdout).toContain("<title>Welcome to nginx!</title>");
    const byScheme = await k("get", "--raw", "/api/v1/namespaces/default/services/http:websvc:8000/proxy/");
    expect(byScheme.stdout).toContain("Welcome to nginx!");
    const pod = await k("get", "--raw", "/api/v1/namespaces/default/pods/web2:80/proxy/");
    expect(pod.stdout).toContain("Welcome to nginx!");
    const podDefault = await k("get", "--raw", "/api/v1/namespaces/default/pods/web2/proxy/");
    expect(podDefault.stdout).toContain("Welcome to nginx!");
  });

  it("answers the API server's errors", async () => {
    const missingPage = await k("get", "--raw", "/api/v1/namespaces/default/services/websvc:8000/proxy/nope");
    expect(missingPage.code).toBe(1);
    expect(missingPage.stderr).toContain("NotFound");
    const noPort = await k("get", "--raw", "/api/v1/namespaces/default/services/websvc:9999/proxy/");
    expect(noPort.stderr).toContain('no service port 9999 found for service "websvc"');
    const noService = await k("get", "--raw", "/api/v1/namespaces/default/services/nosuch:80/proxy/");
    expect(noService.stderr).toContain('services "nosuch" not found');
    expect((await k("create", "service", "clusterip", "lonely", "--tcp=80:80")).code).toBe(0);
    expect(await waitFor(async () => (await k("get", "endpoints", "lonely")).code === 0, 20)).toBe(true);
    const lonely = await k("get", "--raw", "/api/v1/namespaces/default/services/lonely:80/proxy/");
    expect(lonely.stderr).toContain(
      'Error from server (ServiceUnavailable): no endpoints available for service "lonely"',
    );
    const refused = await k("get", "--raw", "/api/v1/namespaces/default/pods/web1:8080/proxy/");
    expect(refused.stderr).toContain("error trying to reach service: dial tcp");
    expect(refused.stderr).toContain(":8080: connect: connection refused");
  });
});
