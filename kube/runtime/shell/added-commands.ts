import type { CustomCommand } from "just-bash";

/**
 * just-bash commands that the build of just-bash a runtime resolves leaves out, added by that
 * runtime's entry point: the Workers bundle resolves just-bash's browser build, which has no
 * `tar` (the one `kubectl cp` runs), and serverless/worker.ts adds the Node build's own tar here.
 * Node resolves the Node build, which has it: nothing is added there.
 */
const added: CustomCommand[] = [];

/** Adds commands to every container's shell from now on (an entry point, at load). */
export function addShellCommands(...commands: CustomCommand[]): void {
  added.push(...commands);
}

/** The commands an entry point added. */
export function addedShellCommands(): readonly CustomCommand[] {
  return added;
}
