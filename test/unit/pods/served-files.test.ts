import { describe, expect, it } from "vitest";
import type { StoredFile } from "../../../db/pods/files.ts";
import { pullImage } from "../../../kube/runtime/images.ts";
import { pathInContainer, volumeAt } from "../../../kube/runtime/mount-at.ts";
import { mainProcess } from "../../../kube/runtime/shell/container.ts";
import { evaluate } from "../../../kube/runtime/shell/evaluate.ts";
import { mayWriteFiles } from "../../../kube/runtime/shell/program.ts";
import type { ReadObjects } from "../../../kube/runtime/shell/world.ts";
import type { Container, Pod } from "../../../kube/types/core-v1.ts";
import { fromLayers } from "../../../pods/served-files.ts";
import { layerOf } from "../../../pods/trees.ts";
import { nodes, pod } from "../network/world-fixture.ts";

/**
 * The pieces servers read a container's files with: which volume holds a path, a file through
 * stacked layers and their whiteouts, what a layer leaves out, which main processes may write;
 * and, in the pod's shell, a server of the process's own container serving what it just wrote.
 */

const file = (path: string, text: string): StoredFile => ({
  path,
  kind: "file",
  mode: 0o644,
  content: new TextEncoder().encode(text),
});
const whiteout = (path: string): StoredFile => ({
  path,
  kind: "whiteout",
  mode: 0,
  content: new Uint8Array(),
});

describe("volumeAt and pathInContainer", () => {
  const web: Container = {
    name: "web",
    image: "nginx",
    volumeMounts: [
      { name: "html", mountPath: "/usr/share/nginx/html/" },
      { name: "deep", mountPath: "/usr/share/nginx/html/img" },
      { name: "sub", mountPath: "/srv", subPath: "x" },
    ],
  };
  it("finds the deepest mount holding a path, and the path inside it", () => {
    expect(volumeAt(web, "/usr/share/nginx/html/index.html")).toEqual({
      volume: "html",
      mountPath: "/usr/share/nginx/html",
      inside: "/index.html",
    });
    expect(volumeAt(web, "/usr/share/nginx/html/img/a.png")?.volume).toBe("deep");
    expect(volumeAt(web, "/usr/share/nginx/html")?.inside).toBe("/");
    expect(volumeAt(web, "/usr/share/nginx/htmlx/index.html")).toBeNull();
    // A subPath mount is not one the shell mounts either.
    expect(volumeAt(web, "/srv/a")).toBeNull();
  });
  it("maps a volume's path into another container that mounts it", () => {
    const writer: Container = {
      name: "w",
      image: "centos",
      volumeMounts: [{ name: "html", mountPath: "/data" }],
    };
    expect(pathInContainer(writer, "html", "/index.html")).toBe("/data/index.html");
    expect(pathInContainer(writer, "deep", "/a.png")).toBeNull();
  });
});

describe("fromLayers", () => {
  it("takes a path's entry from the top layer that has one, stopping at a removed directory", () => {
    const own = [file("/html/index.html", "exec")];
    const main = [file("/html/index.html", "main"), file("/html/other.html", "other")];
    expect(fromLayers([own, main], "/html/index.html")).toBe("exec");
    expect(fromLayers([own, main], "/html/other.html")).toBe("other");
    expect(fromLayers([[whiteout("/html/other.html")], main], "/html/other.html")).toBeNull();
    expect(fromLayers([[whiteout("/html")], main], "/html/other.html")).toBeNull();
    expect(fromLayers([own, main], "/html/none.html")).toBeUndefined();
  });
});

describe("layerOf", () => {
  it("leaves out just-bash's command stubs, /proc and /dev", () => {
    const now = [
      file("/tmp/x", "x"),
      file("/bin/cat", "#!/bin/bash\n# Built-in command: cat\n"),
      file("/usr/bin/curl", "#!/bin/bash\n# Built-in command: curl\n"),
      file("/usr/bin/tool", "#!/bin/sh\necho a script someone wrote\n"),
      file("/proc/self/status", "Name: sh"),
      file("/dev/stdout", ""),
    ];
    expect(layerOf([], now).map((e) => e.path)).toEqual(["/tmp/x", "/usr/bin/tool"]);
  });
});

describe("mayWriteFiles", () => {
  const info = (image: string) => {
    const pull = pullImage(image);
    if (!pull.ok) throw new Error(pull.message);
    return pull.info;
  };
  it("is true for a shell or a program that writes, false for servers and sleep", () => {
    expect(
      mayWriteFiles({ name: "c", image: "busybox", command: ["sh", "-c", "echo > /x"] }, info("busybox")),
    ).toBe(true);
    expect(mayWriteFiles({ name: "c", image: "busybox", command: ["touch", "/x"] }, info("busybox"))).toBe(
      true,
    );
    expect(mayWriteFiles({ name: "c", image: "nginx" }, info("nginx"))).toBe(false);
    expect(mayWriteFiles({ name: "c", image: "busybox", args: ["sleep", "3600"] }, info("busybox"))).toBe(
      false,
    );
  });

  it("is true for a script the image does not ship as its own program, false for the image's own", () => {
    expect(
      mayWriteFiles({ name: "c", image: "busybox", command: ["/scripts/start.sh"] }, info("busybox")),
    ).toBe(true);
    expect(
      mayWriteFiles({ name: "c", image: "nginx", command: ["nginx", "-g", "daemon off;"] }, info("nginx")),
    ).toBe(false);
    expect(mayWriteFiles({ name: "c", image: "redis" }, info("redis"))).toBe(false);
  });
});

describe("a server in the process's own container", () => {
  /** What a shell in an nginx pod's container prints, running `script` at the start. */
  async function printed(script: string): Promise<string> {
    const p = pod("web", "10.244.1.5", ["nginx"]) as Pod;
    const objects: ReadObjects = {
      get: async () => null,
      list: async (resource) => ({ pods: [p], nodes })[resource] ?? [],
    };
    const container = (p.spec?.containers ?? [])[0] as Container;
    const pull = pullImage("nginx");
    if (!pull.ok) throw new Error(pull.message);
    const start = Date.UTC(2026, 11, 7, 6, 0, 0);
    const r = await evaluate({
      ...mainProcess({ sandbox: "s1", pod: p, container, info: pull.info, objects }, start, start + 1000),
      script,
    });
    return r.writes.map((w) => w.text).join("");
  }

  it("serves what the process wrote a moment before, and 404 for what it removed", async () => {
    expect(
      await printed(
        "curl -s localhost | head -c 14; echo; echo hello > /usr/share/nginx/html/index.html; curl -s localhost; " +
          "rm /usr/share/nginx/html/50x.html; curl -s -o /dev/null -w '%{http_code}\\n' localhost/50x.html",
      ),
    ).toBe("<!DOCTYPE html\nhello\n404\n");
  });

  it("redirects a directory asked for without its slash, as nginx does, and serves its index", async () => {
    expect(
      await printed(
        "mkdir /usr/share/nginx/html/docs; echo docs > /usr/share/nginx/html/docs/index.html; " +
          "curl -si localhost/docs | grep -E '^(HTTP|Location)'; curl -sL localhost/docs; " +
          "curl -s -o /dev/null -w '%{http_code}\\n' localhost/nothing",
      ),
    ).toBe("HTTP/1.1 301 Moved Permanently\r\nLocation: http://localhost/docs/\r\ndocs\n404\n");
  });
});
