import { integrationSuitesOn } from "../support/integration-on.ts";
import { startWorkerd } from "../support/serverless.ts";

// The integration files that drive the app over HTTP, against the worker bundle in workerd (miniflare).
integrationSuitesOn("workerd", startWorkerd);
