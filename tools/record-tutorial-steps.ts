/**
 * Records the tutorial's requests as the real kubectl sends them, for the classroom bench
 * (bench/tutorial-steps.ts reads bench/tutorial-steps.json): each command of the tutorial is run
 * with `-v=9` against a fresh sandbox, and every request kubectl logs is kept — method, path under
 * the sandbox, Accept, Content-Type and body — except the discovery, OpenAPI and version reads a
 * warm kubectl cache skips, and the watches `kubectl delete` waits on (their length is the pod's
 * grace period, not the API's latency).
 *
 *   KUBECONFIG=<a fresh sandbox's kubeconfig> node tools/record-tutorial-steps.ts [kubectl]
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TutorialStep } from "../bench/tutorial-steps.ts";

/** The tutorial's commands (shared/seed), in order, run where its manifests are. */
export const tutorialCommands: string[][] = [
  ["get", "pods"],
  ["create", "-f", "my-first.pod.yaml"],
  ["get", "pod", "my-first-pod"],
  ["label", "pod", "my-first-pod", "env=dev"],
  ["get", "pods", "-l", "env=dev"],
  ["create", "-f", "rc.yaml"],
  ["get", "rc"],
  ["scale", "rc", "nginx", "--replicas=2"],
  ["expose", "rc", "nginx", "--port=80"],
  ["get", "services"],
  ["describe", "pod", "my-first-pod"],
  ["delete", "pod", "my-first-pod"],
  ["delete", "rc", "nginx"],
  ["delete", "service", "nginx"],
];

/** One request kubectl sent, as the bench replays it. */
export type RecordedRequest = TutorialStep;

/** A klog value as Go quotes it (strconv.Quote): JSON's string syntax, for what kubectl logs. */
function unquote(quoted: string): string {
  return JSON.parse(quoted) as string;
}

/** Paths a warm kubectl cache does not ask for again, and the /version the dispatcher asks. */
const skipped = /^\/(api|apis|version|openapi\/v2|openapi\/v3)(\/[^/]+\/[^/?]+)?(\?|$)|^\/openapi\//;

/** The lines of kubectl's `-v=9` log, with the bodies it logs: one line quoted, or several between `<` and `>`. */
function* loggedLines(
  log: string,
): Generator<{ line: string; body?: { kind: "Request" | "Response"; text: string } }> {
  const lines = log.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const logged = /"(Request|Response) Body" body=(<|"(?:[^"\\]|\\.)*")$/.exec(line);
    if (!logged?.[1] || !logged[2]) {
      yield { line };
      continue;
    }
    const kind = logged[1] as "Request" | "Response";
    if (logged[2] !== "<") {
      yield { line, body: { kind, text: unquote(logged[2]) } };
      continue;
    }
    const text: string[] = [];
    // klog's multi-line value: each line after a tab, then " >".
    while (i + 1 < lines.length && lines[i + 1]?.trim() !== ">")
      text.push((lines[++i] as string).replace(/^\t/, ""));
    i++;
    yield { line, body: { kind, text: text.join("\n") } };
  }
}

/**
 * The requests in kubectl's `-v=9` log: each `curl` line names the method, headers and URL, and
 * the `"Request Body"` logged just before it the body. The uid of an object created earlier
 * (read from the create's response) is written `{{uid:<name>}}`, for the replay to fill in with
 * its own object's: `kubectl describe` selects a pod's events by its uid.
 */
export function requestsOf(
  log: string,
  command: string,
  prefix: string,
  uids: Map<string, string>,
): RecordedRequest[] {
  const out: RecordedRequest[] = [];
  let body = "";
  /** The request whose answer is logged next. */
  let pending: RecordedRequest | null = null;
  const named = (text: string) => {
    let out = text;
    for (const [uid, name] of uids) out = out.replaceAll(uid, `{{uid:${name}}}`);
    return out;
  };
  for (const { line, body: logged } of loggedLines(log)) {
    if (logged?.kind === "Request") {
      body = logged.text;
      continue;
    }
    if (logged?.kind === "Response") {
      try {
        const object = JSON.parse(logged.text) as { metadata?: { uid?: string; name?: string } };
        if (object.metadata?.uid && object.metadata.name) uids.set(object.metadata.uid, object.metadata.name);
      } catch {
        // Not JSON (a protobuf or a cut body): it names nothing the recording needs.
      }
      continue;
    }
    const answered = /round_trippers\.go:\d+\] [A-Z]+ \S+ (\d{3}) /.exec(line);
    if (answered?.[1] && pending) {
      pending.status = Number(answered[1]);
      pending = null;
      continue;
    }
    const curl = /round_trippers\.go:\d+\] curl -v -X(\w+) (.*) '([^']+)'$/.exec(line);
    if (!curl?.[1] || !curl[2] || !curl[3]) continue;
    const url = new URL(curl[3]);
    const path = `${url.pathname}${url.search}`;
    if (!path.startsWith(prefix)) throw new Error(`${command}: ${path} is not under ${prefix}`);
    const under = path.slice(prefix.length);
    const headers = new Map(
      [...curl[2].matchAll(/-H "([^:"]+): ((?:[^"\\]|\\.)*)"/g)].map((h) => [
        (h[1] as string).toLowerCase(),
        h[2] as string,
      ]),
    );
    const sent = body;
    body = "";
    pending = null;
    if (skipped.test(under) || url.searchParams.get("watch") === "true") continue;
    const accept = headers.get("accept");
    const contentType = headers.get("content-type");
    pending = {
      command,
      method: curl[1],
      path: named(under),
      ...(accept ? { accept } : {}),
      ...(contentType ? { contentType } : {}),
      ...(sent ? { body: named(sent) } : {}),
      status: 0,
    };
    out.push(pending);
  }
  return out;
}

if (import.meta.main) {
  const kubectl = process.argv[2] ?? "kubectl";
  const kubeconfig = process.env.KUBECONFIG;
  if (!kubeconfig) throw new Error("KUBECONFIG: the kubeconfig of a fresh sandbox");
  const server = execFileSync(
    kubectl,
    ["config", "view", "--minify", "-o", "jsonpath={.clusters[0].cluster.server}"],
    {
      encoding: "utf8",
    },
  );
  const prefix = new URL(server).pathname;
  const fixtures = join(import.meta.dirname, "..", "test", "fixtures", "tutorial");
  // A cache of its own, warmed first: the recording holds what a learner's warm kubectl sends.
  const cache = mkdtempSync(join(tmpdir(), "kubectl-cache-"));
  spawnSync(kubectl, ["--cache-dir", cache, "api-resources"], { cwd: fixtures });
  const requests: RecordedRequest[] = [];
  const uids = new Map<string, string>();
  for (const args of tutorialCommands) {
    const run = spawnSync(kubectl, ["--cache-dir", cache, "-v=9", ...args], {
      cwd: fixtures,
      encoding: "utf8",
    });
    if (run.status !== 0) throw new Error(`kubectl ${args.join(" ")}: ${run.stderr.slice(-2000)}`);
    requests.push(...requestsOf(run.stderr, `kubectl ${args.join(" ")}`, prefix, uids));
  }
  const version = execFileSync(kubectl, ["version", "--client", "-o", "json"], { encoding: "utf8" });
  const file = join(import.meta.dirname, "..", "bench", "tutorial-steps.json");
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        $comment: `Recorded by tools/record-tutorial-steps.ts from kubectl ${JSON.parse(version).clientVersion.gitVersion} -v=9. Do not edit.`,
        requests,
      },
      null,
      1,
    )}\n`,
  );
  console.log(`${requests.length} requests of ${tutorialCommands.length} commands → ${file}`);
}
