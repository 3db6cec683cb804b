import pino from "pino";

/**
 * An error as logged: pino's own serializer, less what a failed query carried. drizzle writes a
 * query's parameters into its error's message ("Failed query: …\nparams: …"), and so into the
 * stack, and keeps them as `params`; postgres.js keeps them as `parameters`. They hold what was
 * written — emails, password hashes, object bodies — and stay out of the log.
 */
function serializeError(err: unknown): unknown {
  const out = pino.stdSerializers.err(err as Error) as unknown as Record<string, unknown>;
  if (!out || typeof out !== "object") return out;
  if (err instanceof Error && "params" in err) {
    const cut = err.message.indexOf("\nparams: ");
    if (cut >= 0) {
      const safe = err.message.slice(0, cut);
      for (const key of ["message", "stack"])
        if (typeof out[key] === "string") out[key] = (out[key] as string).split(err.message).join(safe);
    }
  }
  delete out.params;
  delete out.parameters;
  return out;
}

/**
 * How the service logs: nothing that can hold a credential or user data. A password or token
 * anywhere a caller puts one is censored, and a failed query's parameters are dropped
 * (serializeError).
 */
export const logOptions: pino.LoggerOptions = {
  level: process.env.LOG_LEVEL ?? "info",
  base: undefined,
  serializers: { err: serializeError },
  redact: {
    paths: [
      "password",
      "token",
      "*.password",
      "*.token",
      "headers.authorization",
      "err.cause.params",
      "err.cause.parameters",
    ],
    censor: "[redacted]",
  },
};

/** The service's structured logger; every line about a sandbox carries `sandbox` first. */
export const log = pino(logOptions);
