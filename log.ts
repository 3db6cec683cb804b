import pino from "pino";

/** The service's structured logger; every line about a sandbox carries `sandbox` first. */
export const log = pino({
  level: process.env.LOG_LEVEL ?? "info",
  base: undefined,
  redact: {
    paths: ["password", "token", "*.password", "*.token", "headers.authorization"],
    censor: "[redacted]",
  },
});
