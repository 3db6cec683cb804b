import { integrationSuitesOn } from "../support/integration-on.ts";
import { startWorkerd } from "../support/serverless.ts";

// The integration files that drive the app over HTTP, against the worker bundle in workerd
// (miniflare). But the two fuzzers: in workerd each request opens a Postgres connection of its
// own (Hyperdrive's pool is not there locally), which makes their thousands of requests take
// some 27 s each here; they run through the Lambda handler, on the same app.
integrationSuitesOn("workerd", startWorkerd, { except: ["no-500", "bad-input"] });
