import { startWorkerd } from "../support/serverless.ts";
import { serverlessSuite } from "../support/serverless-suite.ts";

// The worker bundle in workerd (miniflare), one for the whole file.
serverlessSuite("workerd", startWorkerd);
