// Generated from schema.graphql by tools/gen-graphql-schema.ts. Do not edit: edit schema.graphql and
// run `node tools/gen-graphql-schema.ts`.

/** The GraphQL contract (schema.graphql), SDL first. */
export const typeDefs = `"""
kubesandbox: Kubernetes sandboxes as a service. Sign up or log in for a token, send it as
\`Authorization: Bearer <token>\`, create a sandbox, and use its kubeconfig with kubectl — or read
and change its cluster here. Classrooms: an instructor creates one, students join with its code
and each gets a sandbox forked from the class's template; the instructor reads them (read-only),
resets them and watches an overview.

Errors carry \`extensions.code\`: UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, BAD_USER_INPUT, CONFLICT,
ALREADY_EXISTS, INVALID (with \`extensions.causes\`, each naming its field), GONE, RATE_LIMITED,
PAYLOAD_TOO_LARGE; anything unexpected is INTERNAL_SERVER_ERROR with a masked message.
"""
type Query {
  "The signed-in user."
  me: User
  "The signed-in user's own sandboxes, oldest first."
  sandboxes: [Sandbox!]!
  "A sandbox the signed-in user may see: their own, or (read-only) a student's of a class they teach."
  sandbox(id: ID!): Sandbox
  "The classes the signed-in user teaches or attends, oldest first."
  classrooms: [Classroom!]!
  "One class the signed-in user teaches or attends."
  classroom(id: ID!): Classroom
}

type Mutation {
  "Creates an account and signs it in. An email that has one signs in to it with its password (another: logIn's refusal), so that sign-up tells no one which emails have accounts."
  signUp(email: String!, password: String!): AuthPayload!
  "Signs in with email and password."
  logIn(email: String!, password: String!): AuthPayload!
  "Revokes the token this request was made with; it stops working at once."
  logOut: Boolean!
  "Creates a sandbox: a new cluster with three Ready nodes and the system namespaces."
  createSandbox(name: String!): Sandbox!
  "Deletes a sandbox and everything in it; its kubeconfigs stop working and its streams end."
  deleteSandbox(id: ID!): Boolean!
  """
  A new sandbox holding a copy of every object of one of yours, as restoring a snapshot of it
  would give it (the same uids, resourceVersions and revision), its history starting at that
  revision: read it, then subscribe from its revision (an earlier one is GONE).
  """
  forkSandbox(id: ID!, name: String!): Sandbox!
  "Puts a sandbox back as its template left it (a student's: the class's template), or empty."
  resetSandbox(id: ID!): Sandbox!
  "A new kubeconfig token for one of your sandboxes, revocable on its own."
  issueKubeconfig(sandboxId: ID!, label: String!): IssuedKubeconfig!
  "Revokes one kubeconfig token: requests and watches with it stop at once."
  revokeKubeconfig(tokenId: ID!): Boolean!

  """
  Applies a manifest (YAML or JSON; several documents separated by ---) as \`kubectl apply
  --server-side\` does: each object created or updated through the API's own path. One result per
  document; a document that fails does not stop the others.
  """
  applyManifest(sandboxId: ID!, manifest: String!, namespace: String, dryRun: Boolean): ApplyResult!
  "Deletes one object, as \`kubectl delete\` (dependents go in the background)."
  deleteObject(sandboxId: ID!, object: ObjectRef!): KubeObject!
  "Sets the replicas of a deployment, replica set or replication controller, as \`kubectl scale\`."
  scale(sandboxId: ID!, object: ObjectRef!, replicas: Int!): KubeObject!
  "Sets (value) or removes (no value) labels, as \`kubectl label --overwrite\`."
  label(sandboxId: ID!, object: ObjectRef!, labels: [LabelInput!]!): KubeObject!
  "Restarts a deployment's pods, as \`kubectl rollout restart\`."
  restartRollout(sandboxId: ID!, object: ObjectRef!): KubeObject!

  "Creates a class you teach; students join with its code. Their sandboxes fork \`templateSandboxId\` (one of yours), or start empty."
  createClassroom(name: String!, seats: Int!, templateSandboxId: ID): Classroom!
  "Joins the class a code names: your own sandbox, forked from its template. Joining again gives the same one."
  joinClassroom(code: String!): Sandbox!
  "Gives a class you teach a new join code; the old one stops working."
  rotateJoinCode(classroomId: ID!): Classroom!
  "Removes a student from a class you teach; their sandbox stays theirs, your read access ends."
  removeStudent(classroomId: ID!, userId: ID!): Boolean!
  "Resets a student's sandbox to the class's template."
  resetStudentSandbox(classroomId: ID!, userId: ID!): Sandbox!
  "Sets a student's limits (null: the service's default)."
  setStudentLimits(classroomId: ID!, userId: ID!, limits: StudentLimitsInput!): Student!
}

type Subscription {
  """
  A sandbox's changes, in revision order, from the same change log kubectl's watches read:
  after \`fromRevision\` (a resourceVersion), or from now. Ends when the caller's token is revoked
  or the sandbox deleted; a revision older than the log keeps ends it with a GONE error.
  """
  sandboxChanges(sandboxId: ID!, fromRevision: String): SandboxChange!
  "A class's overview, sent at once and again after its students' sandboxes change (at most 4 times a second)."
  classroomOverview(classroomId: ID!): [StudentOverview!]!
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

"What the caller may do in a sandbox."
enum SandboxAccess {
  OWNER
  "get, list, watch, logs; no writes, exec, port-forward or Secret values (an instructor's view of a student's sandbox)."
  READ_ONLY
}

"A simulated Kubernetes cluster of one's own."
type Sandbox {
  id: ID!
  "DNS-1123 label, unique per owner."
  name: String!
  "The Kubernetes API server URL of this sandbox."
  server: String!
  "A complete kubeconfig (YAML) for kubectl, with a token for this sandbox only (read-only for an instructor)."
  kubeconfig: String!
  "When the sandbox was created (RFC 3339)."
  createdAt: String!
  access: SandboxAccess!
  "The cluster's current resourceVersion."
  revision: String!
  "The kubeconfig tokens issued by hand (issueKubeconfig), live ones first. Owner only."
  kubeconfigTokens: [KubeconfigToken!]!
  "The kinds the API serves, as discovery lists them."
  resourceTypes: [ResourceType!]!

  namespaces(labelSelector: String, first: Int, after: String): NamespaceConnection!
  nodes(labelSelector: String, first: Int, after: String): NodeConnection!
  pods(namespace: String, labelSelector: String, first: Int, after: String): PodConnection!
  replicationControllers(
    namespace: String
    labelSelector: String
    first: Int
    after: String
  ): ReplicationControllerConnection!
  replicaSets(namespace: String, labelSelector: String, first: Int, after: String): ReplicaSetConnection!
  deployments(namespace: String, labelSelector: String, first: Int, after: String): DeploymentConnection!
  services(namespace: String, labelSelector: String, first: Int, after: String): ServiceConnection!
  "Metadata and key names only; values through Secret.values, for the owner."
  secrets(namespace: String, labelSelector: String, first: Int, after: String): SecretConnection!
  configMaps(namespace: String, labelSelector: String, first: Int, after: String): ConfigMapConnection!
  limitRanges(namespace: String, labelSelector: String, first: Int, after: String): GenericConnection!
  resourceQuotas(namespace: String, labelSelector: String, first: Int, after: String): GenericConnection!
  events(namespace: String, labelSelector: String, first: Int, after: String): EventConnection!
  "Any kind the API serves, by resource name (\`pods\`, \`deployments\`, \`deployments.apps\`) or kind (\`Deployment\`)."
  objects(
    resource: String!
    namespace: String
    labelSelector: String
    first: Int
    after: String
  ): GenericConnection!
  "One object of any kind, or null."
  object(resource: String!, namespace: String, name: String!): KubeObject
}

"A kubeconfig token issued by hand."
type KubeconfigToken {
  id: ID!
  label: String!
  createdAt: String!
  expiresAt: String!
  revoked: Boolean!
}

"A token just issued, and the kubeconfig that carries it (shown once)."
type IssuedKubeconfig {
  token: KubeconfigToken!
  kubeconfig: String!
}

"A kind the API serves."
type ResourceType {
  group: String!
  version: String!
  kind: String!
  resource: String!
  namespaced: Boolean!
  shortNames: [String!]!
}

"Names one object: its kind (or resource name), namespace (default: default; none for cluster-scoped kinds) and name."
input ObjectRef {
  kind: String!
  namespace: String
  name: String!
}

"A label to set (with a value) or remove (without)."
input LabelInput {
  key: String!
  value: String
}

type Label {
  key: String!
  value: String!
}

"What the Kubernetes API said about one object (a Status, kubectl's words)."
type KubeError {
  code: String!
  message: String!
  reason: String!
  "For an invalid object: each problem and the field it is in."
  causes: [FieldCause!]!
}

"One problem of an invalid object."
type FieldCause {
  field: String!
  reason: String!
  message: String!
}

enum ApplyAction {
  CREATED
  CONFIGURED
  UNCHANGED
  FAILED
}

"The outcome of one document of a manifest."
type ApplyObjectResult {
  "The document's position, from 0."
  index: Int!
  kind: String
  namespace: String
  name: String
  action: ApplyAction!
  object: KubeObject
  error: KubeError
}

type ApplyResult {
  results: [ApplyObjectResult!]!
  "Whether every document applied."
  ok: Boolean!
}

enum ChangeType {
  ADDED
  MODIFIED
  DELETED
}

"One change of a sandbox: the object after it (before it, for DELETED)."
type SandboxChange {
  type: ChangeType!
  revision: String!
  object: KubeObject!
}

type PageInfo {
  hasNextPage: Boolean!
  endCursor: String
}

"What every object has: identity, metadata, and the object itself as YAML and JSON (a Secret's values left out)."
interface KubeObject {
  id: ID!
  apiVersion: String!
  kind: String!
  name: String!
  namespace: String
  uid: String!
  resourceVersion: String!
  createdAt: String
  labels: [Label!]!
  annotations: [Label!]!
  "The controller that owns it (ownerReferences with controller: true), if any and still there."
  owner: KubeObject
  "Events about it, oldest first."
  events: [Event!]!
  yaml: String!
  json: String!
}

"An object of a kind with no type of its own here."
type GenericObject implements KubeObject {
  id: ID!
  apiVersion: String!
  kind: String!
  name: String!
  namespace: String
  uid: String!
  resourceVersion: String!
  createdAt: String
  labels: [Label!]!
  annotations: [Label!]!
  owner: KubeObject
  events: [Event!]!
  yaml: String!
  json: String!
}

type Namespace implements KubeObject {
  id: ID!
  apiVersion: String!
  kind: String!
  name: String!
  namespace: String
  uid: String!
  resourceVersion: String!
  createdAt: String
  labels: [Label!]!
  annotations: [Label!]!
  owner: KubeObject
  events: [Event!]!
  yaml: String!
  json: String!
  phase: String
}

type Node implements KubeObject {
  id: ID!
  apiVersion: String!
  kind: String!
  name: String!
  namespace: String
  uid: String!
  resourceVersion: String!
  createdAt: String
  labels: [Label!]!
  annotations: [Label!]!
  owner: KubeObject
  events: [Event!]!
  yaml: String!
  json: String!
  ready: Boolean!
  internalIP: String
  "Pods bound to it."
  pods: [Pod!]!
}

type ContainerStatus {
  name: String!
  image: String!
  ready: Boolean!
  restartCount: Int!
  "waiting, running or terminated"
  state: String
  reason: String
}

type Container {
  name: String!
  image: String!
  ports: [Int!]!
}

type Pod implements KubeObject {
  id: ID!
  apiVersion: String!
  kind: String!
  name: String!
  namespace: String
  uid: String!
  resourceVersion: String!
  createdAt: String
  labels: [Label!]!
  annotations: [Label!]!
  owner: KubeObject
  events: [Event!]!
  yaml: String!
  json: String!
  phase: String
  "What \`kubectl get pods\` shows as STATUS."
  status: String!
  podIP: String
  nodeName: String
  node: Node
  containers: [Container!]!
  containerStatuses: [ContainerStatus!]!
  restarts: Int!
}

type ReplicationController implements KubeObject {
  id: ID!
  apiVersion: String!
  kind: String!
  name: String!
  namespace: String
  uid: String!
  resourceVersion: String!
  createdAt: String
  labels: [Label!]!
  annotations: [Label!]!
  owner: KubeObject
  events: [Event!]!
  yaml: String!
  json: String!
  replicas: Int!
  readyReplicas: Int!
  selector: [Label!]!
  "The pods it owns."
  pods: [Pod!]!
}

type ReplicaSet implements KubeObject {
  id: ID!
  apiVersion: String!
  kind: String!
  name: String!
  namespace: String
  uid: String!
  resourceVersion: String!
  createdAt: String
  labels: [Label!]!
  annotations: [Label!]!
  owner: KubeObject
  events: [Event!]!
  yaml: String!
  json: String!
  replicas: Int!
  readyReplicas: Int!
  pods: [Pod!]!
}

type Deployment implements KubeObject {
  id: ID!
  apiVersion: String!
  kind: String!
  name: String!
  namespace: String
  uid: String!
  resourceVersion: String!
  createdAt: String
  labels: [Label!]!
  annotations: [Label!]!
  owner: KubeObject
  events: [Event!]!
  yaml: String!
  json: String!
  replicas: Int!
  readyReplicas: Int!
  updatedReplicas: Int!
  availableReplicas: Int!
  "Its replica sets, newest first."
  replicaSets: [ReplicaSet!]!
}

type ServicePort {
  name: String
  protocol: String!
  port: Int!
  targetPort: String
  nodePort: Int
}

type EndpointAddress {
  ip: String!
  ready: Boolean!
  "The pod behind the address."
  pod: Pod
}

type Service implements KubeObject {
  id: ID!
  apiVersion: String!
  kind: String!
  name: String!
  namespace: String
  uid: String!
  resourceVersion: String!
  createdAt: String
  labels: [Label!]!
  annotations: [Label!]!
  owner: KubeObject
  events: [Event!]!
  yaml: String!
  json: String!
  type: String!
  clusterIP: String
  ports: [ServicePort!]!
  selector: [Label!]!
  "The addresses of its Endpoints."
  endpoints: [EndpointAddress!]!
  "The pods its selector picks."
  pods: [Pod!]!
}

type SecretValue {
  key: String!
  "Decoded as UTF-8 (base64 in the API)."
  value: String!
}

type Secret implements KubeObject {
  id: ID!
  apiVersion: String!
  kind: String!
  name: String!
  namespace: String
  uid: String!
  resourceVersion: String!
  createdAt: String
  labels: [Label!]!
  annotations: [Label!]!
  owner: KubeObject
  events: [Event!]!
  yaml: String!
  json: String!
  type: String!
  keys: [String!]!
  "The values: the sandbox's owner only (FORBIDDEN to anyone else)."
  values: [SecretValue!]!
}

type ConfigMap implements KubeObject {
  id: ID!
  apiVersion: String!
  kind: String!
  name: String!
  namespace: String
  uid: String!
  resourceVersion: String!
  createdAt: String
  labels: [Label!]!
  annotations: [Label!]!
  owner: KubeObject
  events: [Event!]!
  yaml: String!
  json: String!
  data: [Label!]!
}

type Event implements KubeObject {
  id: ID!
  apiVersion: String!
  kind: String!
  name: String!
  namespace: String
  uid: String!
  resourceVersion: String!
  createdAt: String
  labels: [Label!]!
  annotations: [Label!]!
  owner: KubeObject
  events: [Event!]!
  yaml: String!
  json: String!
  "Normal or Warning."
  type: String!
  reason: String!
  message: String!
  count: Int!
  lastSeen: String
  involvedKind: String
  involvedName: String
}

type NamespaceEdge {
  cursor: String!
  node: Namespace!
}
type NamespaceConnection {
  edges: [NamespaceEdge!]!
  nodes: [Namespace!]!
  pageInfo: PageInfo!
}
type NodeEdge {
  cursor: String!
  node: Node!
}
type NodeConnection {
  edges: [NodeEdge!]!
  nodes: [Node!]!
  pageInfo: PageInfo!
}
type PodEdge {
  cursor: String!
  node: Pod!
}
type PodConnection {
  edges: [PodEdge!]!
  nodes: [Pod!]!
  pageInfo: PageInfo!
}
type ReplicationControllerEdge {
  cursor: String!
  node: ReplicationController!
}
type ReplicationControllerConnection {
  edges: [ReplicationControllerEdge!]!
  nodes: [ReplicationController!]!
  pageInfo: PageInfo!
}
type ReplicaSetEdge {
  cursor: String!
  node: ReplicaSet!
}
type ReplicaSetConnection {
  edges: [ReplicaSetEdge!]!
  nodes: [ReplicaSet!]!
  pageInfo: PageInfo!
}
type DeploymentEdge {
  cursor: String!
  node: Deployment!
}
type DeploymentConnection {
  edges: [DeploymentEdge!]!
  nodes: [Deployment!]!
  pageInfo: PageInfo!
}
type ServiceEdge {
  cursor: String!
  node: Service!
}
type ServiceConnection {
  edges: [ServiceEdge!]!
  nodes: [Service!]!
  pageInfo: PageInfo!
}
type SecretEdge {
  cursor: String!
  node: Secret!
}
type SecretConnection {
  edges: [SecretEdge!]!
  nodes: [Secret!]!
  pageInfo: PageInfo!
}
type ConfigMapEdge {
  cursor: String!
  node: ConfigMap!
}
type ConfigMapConnection {
  edges: [ConfigMapEdge!]!
  nodes: [ConfigMap!]!
  pageInfo: PageInfo!
}
type EventEdge {
  cursor: String!
  node: Event!
}
type EventConnection {
  edges: [EventEdge!]!
  nodes: [Event!]!
  pageInfo: PageInfo!
}
type GenericEdge {
  cursor: String!
  node: KubeObject!
}
type GenericConnection {
  edges: [GenericEdge!]!
  nodes: [KubeObject!]!
  pageInfo: PageInfo!
}

"A class."
type Classroom {
  id: ID!
  name: String!
  seats: Int!
  "The code students join with: the instructor's to see (null to students)."
  joinCode: String
  instructor: User!
  "The sandbox students' sandboxes are forked from (the instructor's to see)."
  template: Sandbox
  "Every student, for the instructor; only yourself, for a student."
  students: [Student!]!
  "Per student: pods by phase, recent events and warnings, last activity. The instructor's."
  overview: [StudentOverview!]!
  createdAt: String!
}

type Student {
  user: User!
  "Their sandbox (read-only for the instructor)."
  sandbox: Sandbox
  limits: StudentLimits!
  joinedAt: String!
}

type StudentLimits {
  maxSandboxes: Int
  maxObjects: Int
  maxPods: Int
}

"What a student may hold; null: the service's default. In several classes, the smallest holds."
input StudentLimitsInput {
  "Sandboxes the student may own."
  maxSandboxes: Int
  "Objects (events included) each of the student's sandboxes may hold."
  maxObjects: Int
  "Pods not yet Succeeded or Failed each of the student's sandboxes may hold, in all its namespaces."
  maxPods: Int
}

type PhaseCount {
  phase: String!
  count: Int!
}

type OverviewEvent {
  type: String!
  reason: String!
  message: String!
  involvedKind: String
  involvedName: String
  lastSeen: String
}

"One student's sandbox at a glance."
type StudentOverview {
  student: User!
  sandboxId: ID
  podsByPhase: [PhaseCount!]!
  "The latest events, newest first (at most 10)."
  recentEvents: [OverviewEvent!]!
  "Warning events in the sandbox."
  warnings: Int!
  "When the sandbox last changed (RFC 3339)."
  lastActivity: String
}
`;
