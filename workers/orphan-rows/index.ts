import { sweepSomeSandboxes } from "../../db/pods/rows.ts";
import type { Controller } from "../queue/controller.ts";

/**
 * Rows of pods and nodes that are gone (db/pods/rows.ts: a write that raced its owner's delete)
 * removed, hourly, a few hundred sandboxes a run, each in a statement of its own: such rows are
 * rare.
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
        await sweepSomeSandboxes(ctx.database.sql);
      },
    },
  ],
};
