import { parseSeconds } from "../clock.ts";
import { definePodCommand, fail, ok } from "./define.ts";

/** `sleep N…` on the virtual clock: adds up its durations; `infinity` sleeps past any horizon. */
export const sleep = definePodCommand("sleep", async (args, _ctx, world) => {
  const operands = args.filter((a) => a !== "--");
  if (!operands.length) return fail("sleep: missing operand\nTry 'sleep --help' for more information.\n");
  let seconds = 0;
  for (const a of operands) {
    if (a === "infinity" || a === "inf") {
      world.clock.sleepForever();
      return ok();
    }
    const s = parseSeconds(a);
    if (s === null)
      return fail(`sleep: invalid time interval '${a}'\nTry 'sleep --help' for more information.\n`);
    seconds += s;
  }
  world.clock.sleep(Math.round(seconds * 1000));
  return ok();
});
