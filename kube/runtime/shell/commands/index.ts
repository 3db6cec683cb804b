import { busyboxWordedTools } from "./busybox-words.ts";
import { date } from "./date.ts";
import type { PodCommand } from "./define.ts";
import { env } from "./env.ts";
import { hostname, id, uname, whoami } from "./identity.ts";
import { df, mount } from "./mounts.ts";
import { networkPodCommands } from "./network.ts";
import { programs } from "./programs.ts";
import { ps } from "./ps.ts";
import { servers } from "./servers.ts";
import { sleep } from "./sleep.ts";

/**
 * Every command of the pod's world, added to just-bash's own (which they replace where the
 * names meet: `sleep`, `date`, `hostname`…). To add one: a file here with `definePodCommand`,
 * then one entry in this list. The network's commands (curl, wget, nslookup, dig, ping, nc)
 * join this list the same way.
 */
export const podCommands: PodCommand[] = [
  sleep,
  date,
  hostname,
  env,
  whoami,
  id,
  uname,
  ps,
  df,
  mount,
  ...servers,
  ...programs,
  ...networkPodCommands,
  ...busyboxWordedTools,
];
