import "reflect-metadata";
import { X509Certificate as NodeX509 } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ensureTls } from "../../server/certs.ts";

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function dataDir() {
  const d = await mkdtemp(join(tmpdir(), "kubesandbox-tls-"));
  dirs.push(d);
  return d;
}

describe("the CA and serving certificate", () => {
  it("are made once, kept, and the serving certificate is signed by the CA for the local names", async () => {
    const dir = await dataDir();
    const first = await ensureTls(dir, []);
    expect(first.created).toBe(true);
    const ca = new NodeX509(first.caPem);
    const cert = new NodeX509(first.certPem);
    expect(ca.ca).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.subjectAltName).toContain("IP Address:127.0.0.1");
    expect(cert.subjectAltName).toContain("DNS:localhost");
    expect((await stat(join(dir, "tls", "ca.key"))).mode & 0o777).toBe(0o600);
    const again = await ensureTls(dir, []);
    expect(again.created).toBe(false);
    expect(again.caPem).toBe(first.caPem);
    expect(again.certPem).toBe(first.certPem);
  });

  it("remakes the serving certificate (same CA) when PUBLIC_URL names a new host", async () => {
    const dir = await dataDir();
    const first = await ensureTls(dir, []);
    const withHost = await ensureTls(dir, ["sandboxes.example.com"]);
    expect(withHost.caPem).toBe(first.caPem);
    const cert = new NodeX509(withHost.certPem);
    expect(cert.subjectAltName).toContain("DNS:sandboxes.example.com");
    expect(cert.verify(new NodeX509(first.caPem).publicKey)).toBe(true);
    expect(await readFile(join(dir, "tls", "server.crt"), "utf8")).toBe(withHost.certPem);
  });
});
