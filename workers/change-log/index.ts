import type { Controller } from "../queue/controller.ts";
import { compactChanges } from "./compact.ts";

/** The change log's compaction, as etcd compacts its history: for every sandbox, every 5 minutes. */
export const changeLogCompaction: Controller = {
  name: "change-log",
  handlers: [],
  triggers: {},
  scheduled: [
    {
      name: "compact_changes",
      schedule: "*/5 * * * * ?max=1",
      run: async (ctx) => {
        await compactChanges(ctx.database, ctx.changeLogRetentionSeconds);
      },
    },
  ],
};
