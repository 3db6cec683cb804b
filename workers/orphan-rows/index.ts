import { sweepOrphanRows } from "../../db/pods/rows.ts";
import type { Controller } from "../queue/controller.ts";

/**
 * Rows of pods and nodes that are gone (db/pods/rows.ts: a write that raced its owner's delete)
 * removed, for every sandbox, hourly: such rows are rare, and a run reads every owner once.
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
        await sweepOrphanRows(ctx.database.sql);
      },
    },
  ],
};
