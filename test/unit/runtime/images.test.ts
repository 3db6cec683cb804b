import { describe, expect, it } from "vitest";
import { goDuration } from "../../../kube/go/duration.ts";
import { backoffMs, crashRestartDelayMs } from "../../../kube/runtime/backoff.ts";
import { normalizeImage } from "../../../kube/runtime/image-ref.ts";
import { pullImage } from "../../../kube/runtime/images.ts";

describe("image references, normalized as containerd reports them", () => {
  const cases: [string, string][] = [
    ["nginx", "docker.io/library/nginx:latest"],
    ["nginx:1.25", "docker.io/library/nginx:1.25"],
    ["bitnami/redis", "docker.io/bitnami/redis:latest"],
    ["registry.k8s.io/pause:3.9", "registry.k8s.io/pause:3.9"],
    ["localhost:5000/app", "localhost:5000/app:latest"],
    ["index.docker.io/library/busybox:1.36", "docker.io/library/busybox:1.36"],
  ];
  it.each(cases)("%s → %s", (image, normalized) => expect(normalizeImage(image)).toBe(normalized));
});

describe("pulling from the simulated registries", () => {
  it("finds official images at any tag, with an image ID and a size", () => {
    const pull = pullImage("nginx:1.25");
    expect(pull).toMatchObject({ ok: true, image: "docker.io/library/nginx:1.25" });
    if (!pull.ok) return;
    expect(pull.imageID).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    expect(pull.info.size).toBeGreaterThan(70_000_000);
  });

  const failures: [string, string, string, string][] = [
    [
      "a tag that does not exist",
      "nginx:doesnotexist",
      "ErrImagePull",
      'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:doesnotexist": failed to resolve reference "docker.io/library/nginx:doesnotexist": docker.io/library/nginx:doesnotexist: not found',
    ],
    [
      "a typo of an official image",
      "ngnix",
      "ErrImagePull",
      'rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/library/ngnix:latest": failed to resolve reference "docker.io/library/ngnix:latest": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
    ],
    [
      "a registry that does not exist",
      "registry.example.com/app:1",
      "ErrImagePull",
      'rpc error: code = Unknown desc = failed to pull and unpack image "registry.example.com/app:1": failed to resolve reference "registry.example.com/app:1": failed to do request: Head "https://registry.example.com/v2/app/manifests/1": dial tcp: lookup registry.example.com: no such host',
    ],
    [
      "a local registry nobody runs",
      "localhost:5000/app",
      "ErrImagePull",
      'rpc error: code = Unknown desc = failed to pull and unpack image "localhost:5000/app:latest": failed to resolve reference "localhost:5000/app:latest": failed to do request: Head "https://localhost:5000/v2/app/manifests/latest": dial tcp 127.0.0.1:5000: connect: connection refused',
    ],
    [
      "an upper-case name",
      "Nginx",
      "InvalidImageName",
      'Failed to apply default image tag "Nginx": couldn\'t parse image name "Nginx": invalid reference format: repository name (library/Nginx) must be lowercase',
    ],
    [
      "a reference that does not parse",
      "nginx:",
      "InvalidImageName",
      'Failed to apply default image tag "nginx:": couldn\'t parse image name "nginx:": invalid reference format',
    ],
  ];
  it.each(failures)("%s fails", (_name, image, reason, message) => {
    expect(pullImage(image)).toEqual({ ok: false, reason, message });
  });
});

describe("the kubelet's back-off", () => {
  it("doubles from 10 s and stops at 5 min", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(backoffMs)).toEqual([
      10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000,
    ]);
  });
  const restarts: [string, number, number, number][] = [
    ["the first exit restarts at once", 0, 0, 0],
    ["the second waits 10 s", 1, 0, 10_000],
    ["the fourth waits 40 s", 3, 1000, 40_000],
    ["a container stable for over 10 min starts over", 5, 11 * 60_000, 0],
  ];
  it.each(restarts)("%s", (_name, restartCount, ranMs, delay) =>
    expect(crashRestartDelayMs(restartCount, ranMs)).toBe(delay),
  );
});

describe("Go's duration format", () => {
  const cases: [number, string][] = [
    [0, "0s"],
    [313, "313ms"],
    [1393, "1.393s"],
    [10_000, "10s"],
    [80_000, "1m20s"],
    [300_000, "5m0s"],
    [3_600_000, "1h0m0s"],
    [61_500, "1m1.5s"],
  ];
  it.each(cases)("%d ms → %s", (ms, text) => expect(goDuration(ms)).toBe(text));
});
