import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rm, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { connect } from "../../db/connection.ts";
import { newKekText } from "../../db/crypto/kek.ts";
import { freePort } from "../../db/embedded.ts";
import { suiteDatabaseUrl } from "../support/db.ts";
import { rowsContaining } from "../support/plaintext-scan.ts";
import { nodeFlags } from "../support/process.ts";
import {
  kubectl,
  removeDataDir,
  type Service,
  sandboxKubeconfig,
  startService,
  tutorialManifests,
  useSandbox,
} from "../support/service.ts";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "..", "..");
const cluster = useSandbox("secrets");
const k = cluster.kubectl;
const marker = randomBytes(6).toString("hex");
const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("Secrets with the real kubectl", () => {
  it("creates the tutorial's secret from YAML; describe shows byte counts, jsonpath the value", async () => {
    expect((await k("create", "-f", `${tutorialManifests}/secret.yaml`)).stdout.trim()).toBe(
      "secret/mysecret created",
    );
    const described = await k("describe", "secret", "mysecret");
    expect(described.stdout).toMatch(/^Type:\s+Opaque$/m);
    expect(described.stdout).toMatch(/^password:\s{2}12 bytes$/m);
    expect(described.stdout).toMatch(/^username:\s{2}5 bytes$/m);
    expect(described.stdout).not.toContain("1f2d1e2e67df");
    const username = await k("get", "secret", "mysecret", "-o", "jsonpath={.data.username}");
    expect(Buffer.from(username.stdout, "base64").toString()).toBe("admin");
    const got = await k("get", "secrets");
    expect(got.stdout).toMatch(/^NAME\s+TYPE\s+DATA\s+AGE\n/);
    expect(got.stdout).toMatch(/^mysecret\s+Opaque\s+2\s+\d+s$/m);
  });

  it("creates generic, docker-registry and tls secrets (kubectl posts protobuf)", async () => {
    const generic = await k(
      "create",
      "secret",
      "generic",
      "s",
      "--from-literal=a=b",
      `--from-literal=m=lit-${marker}`,
    );
    expect(generic.stdout.trim()).toBe("secret/s created");
    expect((await k("get", "secret", "s", "-o", "jsonpath={.data.a}")).stdout).toBe(b64("b"));

    const registry = await k(
      "create",
      "secret",
      "docker-registry",
      "reg",
      "--docker-server=registry.example.com",
      "--docker-username=u",
      `--docker-password=reg-${marker}`,
      "--docker-email=u@example.com",
    );
    expect(registry.stdout.trim()).toBe("secret/reg created");
    const reg = JSON.parse((await k("get", "secret", "reg", "-o", "json")).stdout);
    expect(reg.type).toBe("kubernetes.io/dockerconfigjson");
    const config = JSON.parse(Buffer.from(reg.data[".dockerconfigjson"], "base64").toString());
    expect(config.auths["registry.example.com"].password).toBe(`reg-${marker}`);

    const cert = join(cluster.service.dataDir, "tls.crt");
    const key = join(cluster.service.dataDir, "tls.key");
    await run("openssl", [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "1",
      "-subj",
      "/CN=secrets.test",
    ]);
    expect((await k("create", "secret", "tls", "t", `--cert=${cert}`, `--key=${key}`)).stdout.trim()).toBe(
      "secret/t created",
    );
    const described = await k("describe", "secret", "t");
    expect(described.stdout).toMatch(/^Type:\s+kubernetes\.io\/tls$/m);
    expect(described.stdout).toMatch(/^tls\.crt:\s+\d+ bytes$/m);
    expect(described.stdout).toMatch(/^tls\.key:\s+\d+ bytes$/m);
    expect(
      (await k("get", "secrets", "--field-selector=type=kubernetes.io/tls", "-o", "name")).stdout.trim(),
    ).toBe("secret/t");
  });

  it("refuses a manifest whose data is not base64, and stores nothing", async () => {
    const bad = join(cluster.service.dataDir, "bad-secret.yaml");
    await writeFile(
      bad,
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: bad\ndata:\n  password: abc$def\n",
    );
    const created = await k("create", "-f", bad);
    expect(created.code).toBe(1);
    expect(created.stderr.trim()).toBe(
      `Error from server (BadRequest): error when creating "${bad}": Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3`,
    );
    expect((await k("get", "secret", "bad")).stderr.trim()).toBe(
      'Error from server (NotFound): secrets "bad" not found',
    );
  });

  it("keeps kubectl apply's copy of the manifest encrypted too: no value in any table", async () => {
    const applied = join(cluster.service.dataDir, "applied.yaml");
    await writeFile(
      applied,
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: applied\nstringData:\n  token: applied-${marker}\n`,
    );
    expect((await k("apply", "-f", applied)).stdout.trim()).toBe("secret/applied created");
    // Applied again, changed: kubectl reads its last-applied copy back (decrypted) to compute the patch.
    await writeFile(
      applied,
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: applied\nstringData:\n  token: applied-${marker}\n  more: more-${marker}\n`,
    );
    expect((await k("apply", "-f", applied)).stdout.trim()).toBe("secret/applied configured");
    const got = JSON.parse((await k("get", "secret", "applied", "-o", "json")).stdout);
    const lastApplied = got.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"];
    expect(lastApplied).toContain(`more-${marker}`);
    expect(Buffer.from(got.data.more, "base64").toString()).toBe(`more-${marker}`);
    const database = connect(suiteDatabaseUrl(), 1);
    try {
      const values = [
        `lit-${marker}`,
        `reg-${marker}`,
        `applied-${marker}`,
        `more-${marker}`,
        "1f2d1e2e67df",
      ];
      const needles = [...values, ...values.map(b64), "MWYyZDFlMmU2N2Rm"];
      expect(await rowsContaining(database.sql, needles)).toEqual([]);
    } finally {
      await database.close();
    }
  });
});

describe("the key-encryption key of a service", () => {
  it("stops start-up loudly when the KEK is not the database's", async () => {
    const env = {
      ...process.env,
      DATABASE_URL: suiteDatabaseUrl(),
      KUBESANDBOX_KEK: newKekText(),
      PORT: String(await freePort()),
      HTTPS_PORT: String(await freePort()),
      DATA_DIR: cluster.service.dataDir,
      WORKERS: "0",
    };
    const child = spawn(process.execPath, [...nodeFlags, join(root, "main.ts")], {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const code = await new Promise((done) => child.once("exit", done));
    expect(code).toBe(1);
    expect(out).toContain("failed to start");
    expect(out).toContain("wrong or missing key-encryption key: the database uses KEK");
    expect(out).not.toContain(env.KUBESANDBOX_KEK);
  });

  it("on its own embedded Postgres: makes a KEK (0600) on first start, keeps Secrets across a restart, refuses to start without it", async () => {
    let own: Service | null = await startService(null);
    const dataDir = own.dataDir;
    try {
      expect((await stat(join(dataDir, "kek"))).mode & 0o777).toBe(0o600);
      const sb = await sandboxKubeconfig(own, "own-kek");
      expect((await kubectl(sb.path, ["create", "-f", `${tutorialManifests}/secret.yaml`])).code).toBe(0);
      const first = own;
      expect(await own.stop()).toBe(0);
      own = await startService(null, first);
      const password = await kubectl(sb.path, [
        "get",
        "secret",
        "mysecret",
        "-o",
        "jsonpath={.data.password}",
      ]);
      expect(Buffer.from(password.stdout, "base64").toString()).toBe("1f2d1e2e67df");
      expect(await own.stop(), own.output()).toBe(0);
      own = null;
      await rm(join(dataDir, "kek"));
      const error = await startService(null, first).then(
        async (s) => {
          own = s;
          return "started";
        },
        (err: Error) => err.message,
      );
      expect(error).toMatch(
        /missing key-encryption key: set KUBESANDBOX_KEK or KUBESANDBOX_KEK_FILE, or restore .*kek \(the database uses KEK /,
      );
    } finally {
      await (own as Service | null)?.stop();
      await removeDataDir(dataDir);
    }
  });
});
