import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { suiteDatabaseUrl } from "../support/db.ts";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "..", "..");

// The bench never runs in the suite; this only checks that `npm run bench` still works end to
// end (BENCH_QUICK=1: a handful of samples, a small scale run) and writes every figure.
describe("npm run bench, as a smoke run", () => {
  it("runs and writes its figures", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kubesandbox-bench-smoke-"));
    const results = join(dir, "results.json");
    try {
      await run(process.execPath, [join(root, "bench", "run.ts")], {
        cwd: root,
        env: {
          ...process.env,
          BENCH_QUICK: "1",
          SCALE_SANDBOXES: "20",
          BENCH_RESULTS: results,
          DATABASE_URL: suiteDatabaseUrl(),
        },
        timeout: 360_000,
      });
      const figures = JSON.parse(await readFile(results, "utf8"));
      for (const path of [
        "sandbox.createToFirstGetNodes",
        "api1.getPod",
        "api1.watchDelivery100Watches",
        "controlPlane.podCreateToRunning_100perSecond_10sandboxes",
        "controlPlane.rcOf3Ready",
        "apiMany.createPod",
        "classroom.forkTemplate50Objects",
        "classroom.sandboxOverviewQuery",
        "classroom.subscriptionDelivery100Subscribers",
        "noisyNeighbour.quiet.get",
        "noisyNeighbour.all.create",
        "insidePods.logsTail10AfterADay",
        "insidePods.execCatWebSocket",
      ]) {
        const summary = path.split(".").reduce((o, k) => o?.[k], figures);
        expect(summary, path).toMatchObject({ p50: expect.any(Number), p99: expect.any(Number) });
        expect(summary.p50, path).toBeGreaterThan(0);
      }
      expect(figures.limit.rawInsertCommitPerSecond).toBeGreaterThan(0);
      expect(figures.limit.podCreatesPerSecond).toBeGreaterThan(0);
      expect(figures.limit.podCreatesPerSecondApiAlone).toBeGreaterThan(0);
      expect(figures.limit.httpEchoPerSecond).toBeGreaterThan(0);
      expect(figures.scaleRatioP50.getPod).toBeGreaterThan(0);
      expect(figures.scaleSetup.sandboxes).toBe(20);
      expect(figures.insidePods.layerBytesForOneSmallFile).toBeGreaterThan(0);
      expect(figures.classroom.classAtOnce.runs[0].failures).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // As long as the run it waits for may take on a busy machine.
  }, 360_000);
});
