import { describe, expect, it } from "vitest";
import { curl } from "../../../kube/network/commands/curl.ts";
import { dig } from "../../../kube/network/commands/dig.ts";
import { nc } from "../../../kube/network/commands/nc.ts";
import { nslookup } from "../../../kube/network/commands/nslookup.ts";
import { ping } from "../../../kube/network/commands/ping.ts";
import { redisCli } from "../../../kube/network/commands/redis-cli.ts";
import type { CommandIO } from "../../../kube/network/commands/types.ts";
import { wget } from "../../../kube/network/commands/wget.ts";
import { networkFrom, tutorialWorld } from "./world-fixture.ts";

const world = tutorialWorld();
const io: CommandIO = { stdin: "", cwd: "/", flavor: "gnu" };
const busybox: CommandIO = { ...io, flavor: "busybox" };

describe("curl", () => {
  it("gets nginx's welcome page through the service's DNS name, and nginx logs the request", async () => {
    const { net, logs } = networkFrom(world, "client");
    const r = await curl(["-s", "http://websvc:8000/"], io, net);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("<title>Welcome to nginx!</title>");
    expect(r.stderr).toBe("");
    expect(logs).toHaveLength(1);
    expect(logs[0]?.target).toEqual({ namespace: "default", pod: "web1", container: "web1" });
    expect(logs[0]?.line).toMatch(
      /^10\.244\.1\.9 - - \[07\/Dec\/2026:06:00:00 \+0000\] "GET \/ HTTP\/1\.1" 200 615 "-" "curl\/8\.5\.0" "-"$/,
    );
  });

  it("reaches each replica in turn", async () => {
    const { net, logs } = networkFrom(world, "client");
    for (let i = 0; i < 4; i++) await curl(["-s", "websvc.default.svc.cluster.local:8000"], io, net);
    expect(logs.map((l) => l.target.pod)).toEqual(["web1", "web2", "web1", "web2"]);
  });

  it("shows the progress meter on stderr when not silent", async () => {
    const { net } = networkFrom(world, "client");
    const r = await curl(["http://10.96.100.10:8000/"], io, net);
    expect(r.stderr).toContain("% Total    % Received % Xferd");
    expect(r.stderr).toMatch(/100 {3}615 {2}100 {3}615/);
  });

  it.each([
    [["-s", "http://nosuch/"], 6, ""],
    [["http://nosuch/"], 6, "curl: (6) Could not resolve host: nosuch"],
    [
      ["-sS", "http://empty/"],
      7,
      "curl: (7) Failed to connect to empty port 80 after 0 ms: Couldn't connect to server",
    ],
    [["-sS", "--connect-timeout", "5", "http://10.244.9.9/"], 28, "after 5000 ms: Timeout was reached"],
    [["-sS", "-m", "3", "http://10.244.9.9/"], 28, "Connection timed out after 3000 milliseconds"],
    [["-sSf", "http://websvc:8000/nope"], 22, "curl: (22) The requested URL returned error: 404"],
    [["-sS", "https://websvc:8000/"], 35, "wrong version number"],
    [["-sS", "ftp://websvc/"], 1, 'Protocol "ftp" not supported'],
    [["-sS", "http://redis:6379/"], 1, "Received HTTP/0.9 when not allowed"],
    [["--bogus", "x"], 2, "curl: option --bogus: is unknown"],
    [[], 2, "curl: no URL specified"],
  ])("curl %j exits %d", async (args, code, message) => {
    const { net } = networkFrom(world, "client");
    const r = await curl(args, io, net);
    expect(r.exitCode).toBe(code);
    if (message) expect(r.stderr).toContain(message);
    else expect(r.stderr).toBe("");
  });

  it("a timeout waits on the virtual clock", async () => {
    const { net } = networkFrom(world, "client");
    const before = net.clock.now();
    await curl(["-s", "--connect-timeout", "5", "http://10.244.9.9/"], io, net);
    expect(net.clock.now() - before).toBe(5000);
  });

  it("-I prints the response head, -i head and body, -v the exchange on stderr", async () => {
    const { net } = networkFrom(world, "client");
    const head = await curl(["-sI", "http://websvc:8000/"], io, net);
    expect(head.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\nServer: nginx\/1\.27\.3\r\n/);
    expect(head.stdout).toContain("Content-Length: 615\r\n");
    expect(head.stdout).not.toContain("Welcome");
    const inc = await curl(["-si", "http://websvc:8000/"], io, net);
    expect(inc.stdout).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*\r\n\r\n<!DOCTYPE html>/);
    const v = await curl(["-sv", "http://websvc:8000/"], io, net);
    expect(v.stderr).toContain(
      "*   Trying 10.96.100.10:8000...\n* Connected to websvc (10.96.100.10) port 8000\n> GET / HTTP/1.1\n> Host: websvc:8000\n",
    );
    expect(v.stderr).toContain("< HTTP/1.1 200 OK\n");
  });

  it("-w writes the transfer's variables, -o writes the body to a file", async () => {
    const { net } = networkFrom(world, "client");
    const written: Record<string, string> = {};
    const r = await curl(
      [
        "-s",
        "-o",
        "page.html",
        "-w",
        "%{http_code} %{size_download} %{remote_ip}:%{remote_port}\\n",
        "http://websvc:8000/",
      ],
      {
        ...io,
        cwd: "/tmp",
        writeFile: async (p, d) => {
          written[p] = d;
        },
      },
      net,
    );
    expect(r.stdout).toBe("200 615 10.96.100.10:8000\n");
    expect(written["/tmp/page.html"]).toContain("Welcome to nginx!");
    const refused = await curl(["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://empty/"], io, net);
    expect(refused.stdout).toBe("000");
  });

  it("-X, -H and -d shape the request (nginx refuses POST to a static file with 405)", async () => {
    const { net, logs } = networkFrom(world, "client");
    const r = await curl(
      ["-s", "-X", "POST", "-H", "X-Forwarded-For: 1.2.3.4", "-d", "a=1", "http://websvc:8000/"],
      io,
      net,
    );
    expect(r.stdout).toContain("405 Not Allowed");
    expect(logs[0]?.line).toContain('"POST / HTTP/1.1" 405');
    expect(logs[0]?.line).toContain('"1.2.3.4"');
  });

  it("NodePort at a node's IP", async () => {
    const { net } = networkFrom(world, "client");
    const r = await curl(["-s", "http://192.168.49.4:30080/"], io, net);
    expect(r.stdout).toContain("Welcome to nginx!");
  });
});

describe("wget (BusyBox)", () => {
  it("-qO- prints the page", async () => {
    const { net } = networkFrom(world, "client");
    const r = await wget(["-qO-", "http://websvc:8000"], busybox, net);
    expect(r).toMatchObject({ exitCode: 0, stderr: "" });
    expect(r.stdout).toContain("Welcome to nginx!");
  });

  it.each([
    [["-qO-", "http://nosuch/"], "wget: bad address 'nosuch'"],
    [["-O-", "http://empty/"], "wget: can't connect to remote host (10.96.100.30): Connection refused"],
    [["-qO-", "http://websvc:8000/x"], "wget: server returned error: HTTP/1.1 404 Not Found"],
  ])("wget %j fails with %s", async (args, message) => {
    const { net } = networkFrom(world, "client");
    const r = await wget(args, busybox, net);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(message);
  });
});

describe("nslookup, dig", () => {
  it("nslookup answers through the search path", async () => {
    const { net } = networkFrom(world, "client");
    const r = await nslookup(["websvc"], io, net);
    expect(r.stdout).toBe(
      "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\twebsvc.default.svc.cluster.local\nAddress: 10.96.100.10\n\n",
    );
    const missing = await nslookup(["nosuch"], io, net);
    expect(missing.exitCode).toBe(1);
    expect(missing.stdout).toContain("** server can't find nosuch: NXDOMAIN");
  });

  it("dig +short gives the address; dig without +search does not use the search path", async () => {
    const { net } = networkFrom(world, "client");
    expect((await dig(["+short", "websvc.default.svc.cluster.local"], io, net)).stdout).toBe(
      "10.96.100.10\n",
    );
    expect((await dig(["+short", "websvc"], io, net)).stdout).toBe("");
    expect((await dig(["+short", "+search", "websvc"], io, net)).stdout).toBe("10.96.100.10\n");
    expect((await dig(["websvc"], io, net)).stdout).toContain("status: NXDOMAIN");
  });
});

describe("ping", () => {
  it("pods answer, a packet a second on the virtual clock", async () => {
    const { net } = networkFrom(world, "client");
    const start = net.clock.now();
    const r = await ping(["-c", "3", "10.244.2.7"], busybox, net);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(
      /^PING 10\.244\.2\.7 \(10\.244\.2\.7\): 56 data bytes\n64 bytes from 10\.244\.2\.7: seq=0 ttl=64/,
    );
    expect(r.stdout).toContain("3 packets transmitted, 3 packets received, 0% packet loss");
    expect(net.clock.now() - start).toBe(2000);
  });

  it("a ClusterIP does not answer", async () => {
    const { net } = networkFrom(world, "client");
    const r = await ping(["-c", "2", "websvc"], io, net);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain("2 packets transmitted, 0 received, 100% packet loss");
  });

  it("an unknown name", async () => {
    const { net } = networkFrom(world, "client");
    expect(await ping(["nosuch"], io, net)).toEqual({
      stdout: "",
      stderr: "ping: nosuch: Name or service not known\n",
      exitCode: 2,
    });
  });
});

describe("nc and redis-cli", () => {
  it("nc -zv probes a port", async () => {
    const { net } = networkFrom(world, "client");
    expect(await nc(["-zv", "websvc", "8000"], busybox, net)).toEqual({
      stdout: "",
      stderr: "websvc (10.96.100.10:8000) open\n",
      exitCode: 0,
    });
    const refused = await nc(["-zv", "empty", "80"], io, net);
    expect(refused).toMatchObject({
      exitCode: 1,
      stderr: "nc: connect to empty port 80 (tcp) failed: Connection refused\n",
    });
  });

  it("nc sends stdin and prints the answer (redis PING, raw HTTP to nginx)", async () => {
    const { net } = networkFrom(world, "client");
    expect((await nc(["redis", "6379"], { ...io, stdin: "PING\r\n" }, net)).stdout).toBe("+PONG\r\n");
    const http = await nc(["websvc", "8000"], { ...io, stdin: "GET / HTTP/1.0\r\n\r\n" }, net);
    expect(http.stdout).toMatch(/^HTTP\/1\.1 200 OK/);
  });

  it("redis-cli ping → PONG", async () => {
    const { net } = networkFrom(world, "redis");
    expect(await redisCli(["ping"], io, net)).toEqual({ stdout: "PONG\n", stderr: "", exitCode: 0 });
    const { net: fromClient } = networkFrom(world, "client");
    expect((await redisCli(["-h", "redis", "set", "k", "v"], io, fromClient)).stdout).toBe("OK\n");
    expect(await redisCli(["ping"], io, fromClient)).toEqual({
      stdout: "",
      stderr: "Could not connect to Redis at 127.0.0.1:6379: Connection refused\n",
      exitCode: 1,
    });
  });
});
