import { integrationSuitesOn } from "../support/integration-on.ts";
import { startLambda } from "../support/serverless.ts";

// The integration files that drive the app over HTTP, through the Lambda package's streaming handler.
integrationSuitesOn("Lambda", startLambda);
