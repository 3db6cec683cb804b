import type { Controller } from "../queue/controller.ts";
import { sweepExpiredEvents } from "./sweep.ts";

/** Events past the API server's --event-ttl removed, for every sandbox, every 5 minutes. */
export const eventExpiry: Controller = {
  name: "event-expiry",
  handlers: [],
  triggers: {},
  scheduled: [
    {
      name: "sweep_expired_events",
      schedule: "*/5 * * * * ?max=1",
      run: async (ctx) => {
        await sweepExpiredEvents(ctx.database);
      },
    },
  ],
};
