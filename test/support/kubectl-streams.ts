import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, expect } from "vitest";

/** The kubectl processes a test file started; each killed after its tests. */
const started = new Set<ChildProcess>();
let cleanup = false;

function track(child: ChildProcess): ChildProcess {
  if (!cleanup) {
    cleanup = true;
    afterAll(() => {
      for (const c of started) c.kill("SIGKILL");
    });
  }
  started.add(child);
  child.on("close", () => started.delete(child));
  return child;
}

/**
 * Runs a kubectl binary with `kubeconfig` and `input` on its stdin; through script(1), a terminal,
 * for `tty`, the keystrokes sent once the shell's prompt is there, as a person types them. Its exit
 * code and output.
 */
export function kubectlWithInput(
  binary: string,
  kubeconfig: string,
  args: string[],
  input: string,
  tty = false,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { ...process.env, KUBECONFIG: kubeconfig };
  const child = track(
    tty
      ? spawn("script", ["-qec", [binary, ...args].join(" "), "/dev/null"], { env })
      : spawn(binary, args, { env }),
  );
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => {
    stdout += d;
  });
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  if (tty) {
    const typed = setInterval(() => {
      if (stdout.includes("# ")) {
        clearInterval(typed);
        child.stdin?.end(input);
      }
    }, 100);
  } else child.stdin?.end(input);
  return new Promise((done) => child.on("close", (code) => done({ code, stdout, stderr })));
}

/**
 * Holds `kubectl exec -i POD -- cat` open (its stdin never ends, so the session lasts), then
 * `revoke`s the kubeconfig's token: the session must end within `withinMs`, kubectl exiting 1 and
 * saying why (Unauthorized).
 */
export async function expectExecEndedByRevocation(
  binary: string,
  kubeconfig: string,
  pod: string,
  revoke: () => Promise<{ errors?: unknown[] }>,
  withinMs: number,
): Promise<void> {
  const child = track(
    spawn(binary, ["exec", "-i", pod, "--", "cat"], { env: { ...process.env, KUBECONFIG: kubeconfig } }),
  );
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((done) => child.on("close", done));
  await new Promise((r) => setTimeout(r, 2_000));
  expect(child.exitCode, stderr).toBeNull();
  expect((await revoke()).errors).toBeUndefined();
  const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r("still open"), withinMs))]);
  expect(code, stderr).toBe(1);
  expect(stderr).toContain("Unauthorized");
}

/**
 * `kubectl exec -it POD -- sh` through a terminal: a `cd` the next line sees, then `exit 4`, which
 * kubectl exits with.
 */
export async function expectInteractiveShell(binary: string, kubeconfig: string, pod: string): Promise<void> {
  const shell = await kubectlWithInput(
    binary,
    kubeconfig,
    ["exec", "-it", pod, "--", "sh"],
    "cd /etc\necho here-$(pwd)\nexit 4\n",
    true,
  );
  expect(shell.stdout).toContain("here-/etc");
  expect(shell.code).toBe(4);
}

/** `kubectl run -i --rm NAME --image=busybox -- sh`: the attached shell runs its stdin, then the pod is deleted. */
export async function expectAttachedRun(binary: string, kubeconfig: string, name: string): Promise<void> {
  const attached = await kubectlWithInput(
    binary,
    kubeconfig,
    ["run", "-i", "--rm", name, "--image=busybox", "--restart=Never", "--", "sh"],
    "echo attached-$HOSTNAME\n",
  );
  expect(attached.stdout).toContain(`attached-${name}`);
  expect(attached.stdout).toContain(`pod "${name}" deleted`);
  expect(attached.code).toBe(0);
}

/** `kubectl exec POD -- …`: the output, and a command's exit code carried through to kubectl's. */
export async function expectExecExitCodes(
  k: (...args: string[]) => Promise<{ code: number; stdout: string; stderr: string }>,
  pod: string,
): Promise<void> {
  expect(await k("exec", pod, "--", "cat", "/etc/hostname")).toMatchObject({
    code: 0,
    stdout: `${pod}\n`,
    stderr: "",
  });
  const failed = await k("exec", pod, "--", "sh", "-c", "echo out; echo err >&2; exit 3");
  expect(failed.code).toBe(3);
  expect(failed.stdout).toBe("out\n");
  expect(failed.stderr).toContain("err\n");
  expect(failed.stderr).toContain("command terminated with exit code 3");
}

/** `kubectl exec -i POD -- cat` and `wc -l`: stdin reaches the command, to its end. */
export async function expectExecStdin(
  binary: string,
  kubeconfig: string,
  pod: string,
  text: string,
): Promise<void> {
  const echoed = await kubectlWithInput(binary, kubeconfig, ["exec", "-i", pod, "--", "cat"], text);
  expect(echoed).toMatchObject({ code: 0, stdout: text });
  const counted = await kubectlWithInput(
    binary,
    kubeconfig,
    ["exec", "-i", pod, "--", "wc", "-l"],
    "a\nb\nc\n",
  );
  expect(counted.stdout.trim()).toBe("3");
}
