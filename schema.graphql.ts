// Generated from schema.graphql by tools/gen-graphql-schema.ts. Do not edit: edit schema.graphql and
// run `node tools/gen-graphql-schema.ts`.

/** The GraphQL contract (schema.graphql), SDL first. */
export const typeDefs = `"""
kubesandbox: Kubernetes sandboxes as a service. Sign up or log in for a token, send it as
\`Authorization: Bearer <token>\`, create a sandbox, and use its kubeconfig with kubectl.
"""
type Query {
  "The signed-in user."
  me: User
  "The signed-in user's sandboxes, oldest first."
  sandboxes: [Sandbox!]!
  "One of the signed-in user's sandboxes."
  sandbox(id: ID!): Sandbox
}

type Mutation {
  "Creates an account and signs it in."
  signUp(email: String!, password: String!): AuthPayload!
  "Signs in with email and password."
  logIn(email: String!, password: String!): AuthPayload!
  "Revokes the token this request was made with; it stops working at once."
  logOut: Boolean!
  "Creates a sandbox: a new cluster with three Ready nodes and the system namespaces."
  createSandbox(name: String!): Sandbox!
  "Deletes a sandbox and everything in it; its kubeconfig stops working."
  deleteSandbox(id: ID!): Boolean!
}

"A signed-in user and the token that proves it (a JWT; send it as a bearer token)."
type AuthPayload {
  token: String!
  user: User!
}

type User {
  id: ID!
  email: String!
}

"A simulated Kubernetes cluster of one's own."
type Sandbox {
  id: ID!
  "DNS-1123 label, unique per owner."
  name: String!
  "The Kubernetes API server URL of this sandbox."
  server: String!
  "A complete kubeconfig (YAML) for kubectl, with a token valid for this sandbox only."
  kubeconfig: String!
  "When the sandbox was created (RFC 3339)."
  createdAt: String!
}
`;
