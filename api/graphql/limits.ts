/**
 * What one GraphQL request may ask for. The defaults fit a web client and a classroom's
 * overview; config.ts reads the GRAPHQL_* variables that change them. A request past a limit is
 * refused before any resolver runs: a 200-alias query costs its parse and validation, no more.
 */
export interface GraphQLLimits {
  /** Bytes of a request body (POST) or query string (GET). */
  maxBodyBytes: number;
  /** Nesting of selections. */
  maxDepth: number;
  /** Aliases in one operation (an alias is how one field is asked for many times). */
  maxAliases: number;
  /** Lexical tokens of the document, counted while parsing: a 50k-deep selection stops here. */
  maxTokens: number;
  /** graphql-armor's static cost (objects 2, scalars 1, times 1.5 per level). */
  maxCost: number;
  /** Directives in one operation. */
  maxDirectives: number;
  /** Documents one caller may have refused in a minute before its requests get 429 (refusals.ts). */
  maxRefusalsPerMinute: number;
}

/** The limits when none are configured. */
export const defaultGraphQLLimits: GraphQLLimits = {
  maxBodyBytes: 64 * 1024,
  maxDepth: 12,
  maxAliases: 15,
  maxTokens: 3000,
  maxCost: 20_000,
  maxDirectives: 20,
  maxRefusalsPerMinute: 60,
};
