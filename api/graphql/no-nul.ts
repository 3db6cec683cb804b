import { type DocumentNode, GraphQLError, Kind, visit } from "graphql";
import type { Plugin } from "graphql-yoga";

/** Whether a value (a variable's, however deep) holds a NUL character. */
function hasNul(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  if (depth > 64 || value === null || typeof value !== "object") return false;
  return Object.entries(value).some(([k, v]) => k.includes("\u0000") || hasNul(v, depth + 1));
}

/** Whether a string literal of the document holds a NUL character. */
function documentHasNul(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.STRING]: (node) => {
      if (node.value.includes("\u0000")) found = true;
    },
  });
  return found;
}

const refusal = () => ({
  errors: [
    new GraphQLError("a string argument holds a NUL character (\\u0000), which no field accepts", {
      extensions: { code: "BAD_USER_INPUT" },
    }),
  ],
});

/**
 * Refuses an operation whose arguments hold a NUL character before any resolver runs: no name,
 * label, selector, email or manifest may hold one, and Postgres's text refuses it (a 500 that
 * would say nothing). One check for every field, every transport.
 */
export const noNulPlugin: Plugin = {
  onExecute({ args, setResultAndStopExecution }) {
    if (hasNul(args.variableValues) || documentHasNul(args.document)) setResultAndStopExecution(refusal());
  },
  onSubscribe({ args, setResultAndStopExecution }) {
    if (hasNul(args.variableValues) || documentHasNul(args.document)) setResultAndStopExecution(refusal());
  },
};
