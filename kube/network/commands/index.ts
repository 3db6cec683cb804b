import { curl } from "./curl.ts";
import { dig } from "./dig.ts";
import { nc } from "./nc.ts";
import { nslookup } from "./nslookup.ts";
import { ping } from "./ping.ts";
import { redisCli } from "./redis-cli.ts";
import type { NetworkCommand } from "./types.ts";
import { wget } from "./wget.ts";

/**
 * The commands that reach the sandbox's network from inside a pod, by program name: what the
 * shell's custom commands register (each needs the pod's PodNetwork, read for the request).
 */
export const networkCommands: Record<string, NetworkCommand> = {
  curl,
  wget,
  nslookup,
  dig,
  host: nslookup,
  ping,
  nc,
  netcat: nc,
  "redis-cli": redisCli,
};

export type { CommandIO, CommandResult, NetworkCommand } from "./types.ts";
