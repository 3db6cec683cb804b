import { sweepSomeSandboxes } from "../../db/pods/rows.ts";
import { logFileMaxLines } from "../../pods/logs.ts";
import type { Controller } from "../queue/controller.ts";

/**
 * Rows of pods and nodes that are gone (db/pods/rows.ts: a write that raced its owner's delete)
 * removed, hourly, a few hundred sandboxes a run, each in a statement of its own: such rows are
 * rare. Each container run's journal is rotated on the way, to the lines a kubelet's log file
 * holds at most (pods/logs.ts): what its log serves, and no more, is kept.
 */
export const orphanRows: Controller = {
  name: "orphan-rows",
  handlers: [],
  triggers: {},
  scheduled: [
    {
      name: "sweep_orphan_rows",
      schedule: "17 * * * * ?max=1",
      run: async (ctx) => {
        await sweepSomeSandboxes(ctx.database.sql, 500, logFileMaxLines);
      },
    },
  ],
};
