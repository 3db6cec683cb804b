import { integrationSuitesOn } from "../support/integration-on.ts";
import { startWorkerd } from "../support/serverless.ts";

// The integration files that drive the app over HTTP, against the worker bundle in workerd
// (miniflare). In workerd each request opens a Postgres connection of its own (Hyperdrive's pool
// is not there locally), so some files run through the Lambda handler only, on the same app, to
// keep the suite's time: the three with fast-check properties (their thousands of requests take
// 27, 27 and 6 s here) and sandbox-limits (its limits need an instance of their own).
integrationSuitesOn("workerd", startWorkerd, {
  except: ["no-500", "bad-input", "delete-options", "sandbox-limits"],
});
