import "reflect-metadata";
import { webcrypto } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { isIP } from "node:net";
import { join } from "node:path";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/** The PEM material the HTTPS listener serves and kubeconfigs trust. */
export interface TlsMaterial {
  caPem: string;
  certPem: string;
  keyPem: string;
}

const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der)
    .toString("base64")
    .replace(/(.{64})/g, "$1\n");
  return `-----BEGIN ${label}-----\n${b64.trim()}\n-----END ${label}-----\n`;
}

async function importKey(keyPem: string): Promise<CryptoKey> {
  const der = Buffer.from(keyPem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
  return webcrypto.subtle.importKey("pkcs8", der, alg, true, ["sign"]) as Promise<CryptoKey>;
}

function years(n: number): Date {
  const d = new Date();
  d.setFullYear(d.getFullYear() + n);
  return d;
}

async function makeCa(): Promise<{ caPem: string; caKeyPem: string }> {
  const keys = (await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: "CN=kubesandbox-ca",
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: years(10),
    signingAlgorithm: alg,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const keyDer = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey);
  return { caPem: cert.toString("pem"), caKeyPem: pem("PRIVATE KEY", keyDer) };
}

async function makeServingCert(caPem: string, caKeyPem: string, hosts: string[]) {
  const ca = new x509.X509Certificate(caPem);
  const keys = (await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    subject: "CN=kubesandbox",
    issuer: ca.subject,
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: years(2),
    signingAlgorithm: alg,
    publicKey: keys.publicKey,
    signingKey: await importKey(caKeyPem),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        hosts.map((h) => ({ type: isIP(h) ? ("ip" as const) : ("dns" as const), value: h })),
      ),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
    ],
  });
  const keyDer = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey);
  return { certPem: cert.toString("pem"), keyPem: pem("PRIVATE KEY", keyDer) };
}

/** The names a serving certificate must cover, per its SAN extension. */
function sanNames(certPem: string): string[] {
  const san = new x509.X509Certificate(certPem).getExtension(x509.SubjectAlternativeNameExtension);
  return san?.names.items.map((n) => n.value) ?? [];
}

/**
 * The CA and serving certificate under `<dataDir>/tls`, made on first start and kept. The
 * serving certificate is remade (by the same CA, so kubeconfigs stay valid) when a host it must
 * name is missing: 127.0.0.1, localhost, and the host of PUBLIC_URL.
 */
export async function ensureTls(
  dataDir: string,
  extraHosts: string[],
): Promise<TlsMaterial & { created: boolean }> {
  const dir = join(dataDir, "tls");
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const files = {
    ca: join(dir, "ca.crt"),
    caKey: join(dir, "ca.key"),
    cert: join(dir, "server.crt"),
    key: join(dir, "server.key"),
  };
  const hosts = [...new Set(["127.0.0.1", "localhost", "::1", ...extraHosts])];
  let created = false;
  if (!existsSync(files.ca) || !existsSync(files.caKey)) {
    const { caPem, caKeyPem } = await makeCa();
    await writeFile(files.caKey, caKeyPem, { mode: 0o600 });
    await writeFile(files.ca, caPem);
    created = true;
  }
  const caPem = await readFile(files.ca, "utf8");
  const stale =
    !existsSync(files.cert) ||
    !existsSync(files.key) ||
    hosts.some((h) => !sanNames(readFileSyncSafe(files.cert)).includes(h));
  if (created || stale) {
    const { certPem, keyPem } = await makeServingCert(caPem, await readFile(files.caKey, "utf8"), hosts);
    await writeFile(files.key, keyPem, { mode: 0o600 });
    await writeFile(files.cert, certPem);
  }
  return {
    caPem,
    certPem: await readFile(files.cert, "utf8"),
    keyPem: await readFile(files.key, "utf8"),
    created,
  };
}

function readFileSyncSafe(path: string): string {
  return existsSync(path) ? readFileSync(path, "utf8") : "";
}
