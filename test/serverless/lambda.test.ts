import { startLambda } from "../support/serverless.ts";
import { serverlessSuite } from "../support/serverless-suite.ts";

// The Lambda package's streaming handler behind a local Function URL, one for the whole file.
serverlessSuite("Lambda", startLambda);
