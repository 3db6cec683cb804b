import { beforeAll, describe, expect, it } from "vitest";
import { testApp } from "../support/app.ts";
import { subscribeSse } from "../support/sse.ts";

const t = testApp();
let sb: Awaited<ReturnType<typeof t.newSandbox>>;

/** A GraphQL call as the sandbox's owner, failing the test on any error. */
async function gql(query: string, variables: Record<string, unknown> = {}, token = sb.userToken) {
  const r = await t.gql(query, variables, token);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data;
}
async function apply(manifest: string, namespace?: string) {
  const d = await gql(
    `mutation($s:ID!,$m:String!,$n:String){applyManifest(sandboxId:$s,manifest:$m,namespace:$n){ok results{index kind name namespace action error{code message reason causes{field reason message}} object{uid resourceVersion}}}}`,
    { s: sb.sandboxId, m: manifest, n: namespace ?? null },
  );
  return d.applyManifest;
}
const kube = (path: string, init: RequestInit = {}) => t.kube(sb.sandboxId, sb.sandboxToken, path, init);
async function post(path: string, body: unknown) {
  const res = await kube(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return res.json();
}

const app = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop, labels: {tier: web}}
data: {color: blue}
---
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: shop}
stringData: {password: hunter2-secret-value}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: nginx}]}
`;

beforeAll(async () => {
  sb = await t.newSandbox("gql");
});

describe("applyManifest", () => {
  it("applies several documents, then reports them unchanged", async () => {
    const first = await apply(app);
    expect(first.ok).toBe(true);
    expect(first.results.map((r: any) => [r.kind, r.name, r.action])).toEqual([
      ["Namespace", "shop", "CREATED"],
      ["ConfigMap", "settings", "CREATED"],
      ["Secret", "creds", "CREATED"],
      ["Service", "web", "CREATED"],
      ["Deployment", "api", "CREATED"],
    ]);
    const again = await apply(app);
    // The ConfigMap, Service and Deployment are as applied: nothing written. (A Namespace applied
    // with its name alone, and a sealed Secret, are written again by the apply path.)
    expect([1, 3, 4].map((i) => again.results[i].action)).toEqual(Array(3).fill("UNCHANGED"));
    const changed = await apply(app.replace("color: blue", "color: red"));
    expect(changed.results[1].action).toBe("CONFIGURED");
    // The same object kubectl sees.
    const cm = await (await kube("/api/v1/namespaces/shop/configmaps/settings")).json();
    expect(cm.data).toEqual({ color: "red" });
  });

  it("reports each failing document with the API server's typed error, and applies the rest", async () => {
    const r = await apply(`
apiVersion: v1
kind: Pod
metadata: {name: bad}
spec: {containers: [{name: c}]}
---
apiVersion: v1
kind: Gizmo
metadata: {name: g}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: fine}
---
kind: [unclosed
`);
    expect(r.ok).toBe(false);
    const [pod, gizmo, fine, broken] = r.results;
    expect(pod).toMatchObject({
      action: "FAILED",
      namespace: "default",
      error: { code: "INVALID", reason: "Invalid" },
    });
    expect(pod.error.causes).toContainEqual({
      field: "spec.containers[0].image",
      reason: "FieldValueRequired",
      message: "Required value",
    });
    expect(gizmo.error).toMatchObject({
      code: "NOT_FOUND",
      message: 'no matches for kind "Gizmo" in version "v1"',
    });
    expect(fine.action).toBe("CREATED");
    expect(broken.error.code).toBe("BAD_USER_INPUT");
    expect((await kube("/api/v1/namespaces/default/pods/bad")).status).toBe(404);
  });

  it("stores nothing on a dry run", async () => {
    const d = await gql(
      `mutation($s:ID!,$m:String!){applyManifest(sandboxId:$s,manifest:$m,dryRun:true){ok results{action}}}`,
      { s: sb.sandboxId, m: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dry}\n" },
    );
    expect(d.applyManifest.results[0].action).toBe("CREATED");
    expect((await kube("/api/v1/namespaces/default/configmaps/dry")).status).toBe(404);
  });
});

describe("queries over the cluster", () => {
  let rcUid = "";
  beforeAll(async () => {
    const rc = await post("/api/v1/namespaces/shop/replicationcontrollers", {
      metadata: { name: "web" },
      spec: {
        replicas: 2,
        selector: { app: "web" },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "w", image: "nginx" }] },
        },
      },
    });
    rcUid = rc.metadata.uid;
    for (const name of ["web-a", "web-b", "other"])
      await post("/api/v1/namespaces/shop/pods", {
        metadata: {
          name,
          labels: name === "other" ? { app: "other" } : { app: "web" },
          ...(name === "other"
            ? {}
            : {
                ownerReferences: [
                  {
                    apiVersion: "v1",
                    kind: "ReplicationController",
                    name: "web",
                    uid: rcUid,
                    controller: true,
                  },
                ],
              }),
        },
        spec: { containers: [{ name: "w", image: "nginx" }] },
      });
    await post("/api/v1/namespaces/shop/pods/web-a/binding", {
      apiVersion: "v1",
      kind: "Binding",
      metadata: { name: "web-a" },
      target: { kind: "Node", name: "node-1" },
    });
    const pod = await (await kube("/api/v1/namespaces/shop/pods/web-a")).json();
    await post("/api/v1/namespaces/shop/events", {
      metadata: { name: "web-a.1" },
      involvedObject: { kind: "Pod", namespace: "shop", name: "web-a", uid: pod.metadata.uid },
      reason: "Pulled",
      message: "pulled the image",
      type: "Normal",
    });
    await post("/api/v1/namespaces/shop/endpoints", {
      metadata: { name: "web" },
      subsets: [
        { addresses: [{ ip: "10.244.0.9", targetRef: { kind: "Pod", name: "web-a", namespace: "shop" } }] },
      ],
    });
  });

  it("lists pods by namespace and label selector (kubectl's grammar), with owner, node and events", async () => {
    const d = await gql(
      `query($s:ID!){sandbox(id:$s){pods(namespace:"shop",labelSelector:"app in (web)"){nodes{name phase status nodeName node{name ready} owner{kind name ... on ReplicationController{replicas}} events{reason message} containers{name image}}}}}`,
      { s: sb.sandboxId },
    );
    const pods = d.sandbox.pods.nodes;
    expect(pods.map((p: any) => p.name)).toEqual(["web-a", "web-b"]);
    expect(pods[0]).toMatchObject({
      nodeName: "node-1",
      node: { name: "node-1", ready: true },
      owner: { kind: "ReplicationController", name: "web", replicas: 2 },
      events: [{ reason: "Pulled", message: "pulled the image" }],
      containers: [{ name: "w", image: "nginx" }],
    });
    expect(pods[1].node).toBeNull();
    const bad = await t.gql(
      `query($s:ID!){sandbox(id:$s){pods(labelSelector:"app in (web"){nodes{name}}}}`,
      { s: sb.sandboxId },
      sb.userToken,
    );
    expect(bad.errors?.[0].extensions.code).toBe("BAD_USER_INPUT");
  });

  it("pages as a Relay connection", async () => {
    const q = `query($s:ID!,$a:String){sandbox(id:$s){pods(namespace:"shop",first:2,after:$a){edges{cursor node{name}} pageInfo{hasNextPage endCursor}}}}`;
    const p1 = (await gql(q, { s: sb.sandboxId, a: null })).sandbox.pods;
    expect(p1.edges.map((e: any) => e.node.name)).toEqual(["other", "web-a"]);
    expect(p1.pageInfo.hasNextPage).toBe(true);
    const p2 = (await gql(q, { s: sb.sandboxId, a: p1.pageInfo.endCursor })).sandbox.pods;
    expect(p2.edges.map((e: any) => e.node.name)).toEqual(["web-b"]);
    expect(p2.pageInfo.hasNextPage).toBe(false);
  });

  it("follows relations: a service's endpoints and pods, an RC's pods, a node's pods", async () => {
    const d = await gql(
      `query($s:ID!){sandbox(id:$s){
        services(namespace:"shop"){nodes{name type ports{port targetPort protocol} selector{key value} endpoints{ip ready pod{name}} pods{name}}}
        replicationControllers(namespace:"shop"){nodes{name pods{name}}}
        nodes{nodes{name pods{name}}}
      }}`,
      { s: sb.sandboxId },
    );
    const web = d.sandbox.services.nodes.find((s: any) => s.name === "web");
    expect(web).toMatchObject({
      type: "ClusterIP",
      ports: [{ port: 80, targetPort: "8080", protocol: "TCP" }],
      selector: [{ key: "app", value: "web" }],
      endpoints: [{ ip: "10.244.0.9", ready: true, pod: { name: "web-a" } }],
    });
    expect(web.pods.map((p: any) => p.name)).toEqual(["web-a", "web-b"]);
    expect(d.sandbox.replicationControllers.nodes[0].pods.map((p: any) => p.name)).toEqual([
      "web-a",
      "web-b",
    ]);
    const node1 = d.sandbox.nodes.nodes.find((n: any) => n.name === "node-1");
    expect(node1.pods.map((p: any) => p.name)).toEqual(["web-a"]);
  });

  it("shows a Secret's key names to readers and its values only by the explicit field", async () => {
    const d = await gql(
      `query($s:ID!){sandbox(id:$s){secrets(namespace:"shop"){nodes{name type keys yaml json values{key value}}}}}`,
      { s: sb.sandboxId },
    );
    const creds = d.sandbox.secrets.nodes.find((s: any) => s.name === "creds");
    expect(creds.keys).toEqual(["password"]);
    expect(creds.yaml).not.toContain("hunter2");
    expect(creds.json).not.toContain("hunter2");
    expect(creds.yaml).not.toContain(Buffer.from("hunter2-secret-value").toString("base64"));
    expect(creds.values).toEqual([{ key: "password", value: "hunter2-secret-value" }]);
  });

  it("reaches any kind generically, and one object by name", async () => {
    const d = await gql(
      `query($s:ID!){sandbox(id:$s){
        objects(resource:"serviceaccounts",namespace:"default"){nodes{__typename kind name yaml}}
        deploy: objects(resource:"deployments.apps"){nodes{__typename name}}
        object(resource:"cm",namespace:"shop",name:"settings"){kind name labels{key value} ... on ConfigMap{data{key value}}}
        missing: object(resource:"pods",namespace:"shop",name:"nope"){name}
        resourceTypes{kind resource}
      }}`,
      { s: sb.sandboxId },
    );
    expect(d.sandbox.objects.nodes[0]).toMatchObject({
      __typename: "GenericObject",
      kind: "ServiceAccount",
      name: "default",
    });
    expect(d.sandbox.objects.nodes[0].yaml).toContain("kind: ServiceAccount");
    expect(d.sandbox.deploy.nodes).toEqual([{ __typename: "Deployment", name: "api" }]);
    expect(d.sandbox.object).toMatchObject({
      kind: "ConfigMap",
      labels: [{ key: "tier", value: "web" }],
      data: [{ key: "color", value: "red" }],
    });
    expect(d.sandbox.missing).toBeNull();
    expect(d.sandbox.resourceTypes).toContainEqual({ kind: "Pod", resource: "pods" });
    const unknown = await t.gql(
      `query($s:ID!){sandbox(id:$s){objects(resource:"gizmos"){nodes{name}}}}`,
      { s: sb.sandboxId },
      sb.userToken,
    );
    expect(unknown.errors?.[0].extensions.code).toBe("NOT_FOUND");
  });
});

describe("mutations on objects", () => {
  it("scales, labels, restarts a rollout and deletes, through the API's write path", async () => {
    const ref = { kind: "ReplicationController", namespace: "shop", name: "web" };
    const scaled = await gql(
      `mutation($s:ID!,$o:ObjectRef!){scale(sandboxId:$s,object:$o,replicas:5){... on ReplicationController{replicas}}}`,
      { s: sb.sandboxId, o: ref },
    );
    expect(scaled.scale.replicas).toBe(5);
    const labelled = await gql(
      `mutation($s:ID!,$o:ObjectRef!){label(sandboxId:$s,object:$o,labels:[{key:"team",value:"a"},{key:"gone"}]){labels{key value}}}`,
      { s: sb.sandboxId, o: ref },
    );
    // The RC's labels defaulted from its template's (app: web), and the one set.
    expect(labelled.label.labels).toEqual([
      { key: "app", value: "web" },
      { key: "team", value: "a" },
    ]);
    const restarted = await gql(
      `mutation($s:ID!){restartRollout(sandboxId:$s,object:{kind:"deployment",namespace:"shop",name:"api"}){json}}`,
      { s: sb.sandboxId },
    );
    expect(JSON.parse(restarted.restartRollout.json).spec.template.metadata.annotations).toHaveProperty(
      "kubectl.kubernetes.io/restartedAt",
    );
    const rc = await (await kube("/api/v1/namespaces/shop/replicationcontrollers/web")).json();
    expect(rc.spec.replicas).toBe(5);
    expect(rc.metadata.labels).toEqual({ app: "web", team: "a" });
    await gql(
      `mutation($s:ID!){deleteObject(sandboxId:$s,object:{kind:"cm",namespace:"shop",name:"settings"}){name}}`,
      {
        s: sb.sandboxId,
      },
    );
    expect((await kube("/api/v1/namespaces/shop/configmaps/settings")).status).toBe(404);
    const notScalable = await t.gql(
      `mutation($s:ID!){scale(sandboxId:$s,object:{kind:"secret",namespace:"shop",name:"creds"},replicas:1){name}}`,
      { s: sb.sandboxId },
      sb.userToken,
    );
    expect(notScalable.errors?.[0].extensions.code).toBe("BAD_USER_INPUT");
  });
});

describe("fork and reset", () => {
  it("forks every object as a snapshot restore would: uids, references and versions kept; the fork's Secret opens", async () => {
    const d = await gql(`mutation($s:ID!){forkSandbox(id:$s,name:"gql-fork"){id name access}}`, {
      s: sb.sandboxId,
    });
    const fork = d.forkSandbox.id;
    expect(d.forkSandbox).toMatchObject({ name: "gql-fork", access: "OWNER" });
    const count = async (id: string) =>
      (await t.database.sql`SELECT count(*)::int AS n FROM objects WHERE sandbox_id = ${id}`)[0]?.n;
    const n = await count(sb.sandboxId);
    expect(await count(fork)).toBe(n);
    // The source's revision, its history compacted there (as a cluster restored from a snapshot):
    // no change logged for the copies; a subscription from before it is told GONE.
    const history = async (id: string) =>
      (
        await t.database.sql`
      SELECT s.revision::int AS revision, s.compacted_revision::int AS compacted,
        (SELECT count(*)::int FROM changes c WHERE c.sandbox_id = s.id) AS logged,
        (SELECT object_count FROM sandboxes WHERE id = s.id) AS objects,
        (SELECT object_bytes FROM sandboxes WHERE id = s.id) AS bytes
      FROM sandboxes s WHERE s.id = ${id}`
      )[0];
    const [source, copied] = [await history(sb.sandboxId), await history(fork)];
    expect(copied).toEqual({
      revision: source?.revision,
      compacted: source?.revision,
      logged: 0,
      objects: n,
      bytes: source?.bytes,
    });
    expect(source?.revision).toBeGreaterThanOrEqual(n);
    const sub = `subscription($s:ID!,$r:String){sandboxChanges(sandboxId:$s,fromRevision:$r){type revision}}`;
    const tooOld = await subscribeSse(t, sub, { s: fork, r: "0" }, sb.userToken);
    expect((await tooOld.next()).errors[0].extensions.code).toBe("GONE");
    tooOld.close();
    // A watch from "0" (any) starts with the copies, as ADDED.
    const watched = await t.kube(
      fork,
      sb.userToken,
      "/api/v1/namespaces/shop/pods?watch=1&resourceVersion=0&timeoutSeconds=1",
    );
    expect(await watched.text()).toContain('"type":"ADDED"');
    // Each object as it was: its uid, its resourceVersion, its body.
    const stored = (id: string) =>
      t.database.sql`SELECT resource, namespace, name, uid::text, resource_version::text AS rv, body
        FROM objects WHERE sandbox_id = ${id} ORDER BY resource, namespace, name`;
    const [a, copies] = [await stored(sb.sandboxId), await stored(fork)];
    expect(copies).toEqual(a);
    const b = new Set(copies.map((r) => r.uid));
    const q = `query($s:ID!){sandbox(id:$s){pods(namespace:"shop",labelSelector:"app=web"){nodes{name owner{uid name}}} secrets(namespace:"shop"){nodes{name values{value}}}}}`;
    const forked = (await gql(q, { s: fork })).sandbox;
    expect(forked.pods.nodes[0].owner.name).toBe("web");
    expect(b.has(forked.pods.nodes[0].owner.uid)).toBe(true);
    expect(forked.secrets.nodes.find((s: any) => s.name === "creds").values).toEqual([
      { value: "hunter2-secret-value" },
    ]);
  });

  it("resets a sandbox to empty (a new cluster), and a watch sees it happen", async () => {
    const other = await t.newSandbox("gql-reset");
    await t.gql(
      `mutation($s:ID!,$m:String!){applyManifest(sandboxId:$s,manifest:$m){ok}}`,
      { s: other.sandboxId, m: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: mine}\n" },
      other.userToken,
    );
    const list = await (
      await t.kube(other.sandboxId, other.sandboxToken, "/api/v1/namespaces/default/configmaps")
    ).json();
    const watch = await t.kube(
      other.sandboxId,
      other.sandboxToken,
      `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${list.metadata.resourceVersion}`,
    );
    const reset = await t.gql(
      `mutation($s:ID!){resetSandbox(id:$s){id}}`,
      { s: other.sandboxId },
      other.userToken,
    );
    expect(reset.errors).toBeUndefined();
    const reader = (watch.body as ReadableStream<Uint8Array>).getReader();
    type Event = { type: string; object: { metadata: { name: string; namespace: string } } };
    const events: Event[] = [];
    const rootCaAdded = (e: Event) =>
      e.type === "ADDED" &&
      e.object.metadata.name === "kube-root-ca.crt" &&
      e.object.metadata.namespace === "default";
    let text = "";
    while (!events.some(rootCaAdded)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
      const lines = text.split("\n");
      text = lines.pop() ?? "";
      events.push(...lines.filter(Boolean).map((l) => JSON.parse(l) as Event));
    }
    await reader.cancel();
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
      "DELETED kube-root-ca.crt",
      "DELETED mine",
      "ADDED kube-root-ca.crt",
    ]);
    expect(
      (await t.kube(other.sandboxId, other.sandboxToken, "/api/v1/namespaces/default/configmaps/mine"))
        .status,
    ).toBe(404);
    expect((await t.kube(other.sandboxId, other.sandboxToken, "/api/v1/nodes")).status).toBe(200);
  });
});

describe("kubeconfig tokens", () => {
  it("issues a token revocable on its own", async () => {
    const d = await gql(
      `mutation($s:ID!){issueKubeconfig(sandboxId:$s,label:"laptop"){token{id label revoked} kubeconfig}}`,
      {
        s: sb.sandboxId,
      },
    );
    const token = /token: (\S+)/.exec(d.issueKubeconfig.kubeconfig)?.[1] ?? "";
    expect((await t.kube(sb.sandboxId, token, "/api/v1/namespaces")).status).toBe(200);
    const listed = await gql(`query($s:ID!){sandbox(id:$s){kubeconfigTokens{id label revoked}}}`, {
      s: sb.sandboxId,
    });
    expect(listed.sandbox.kubeconfigTokens).toEqual([
      { id: d.issueKubeconfig.token.id, label: "laptop", revoked: false },
    ]);
    await gql(`mutation($id:ID!){revokeKubeconfig(tokenId:$id)}`, { id: d.issueKubeconfig.token.id });
    expect((await t.kube(sb.sandboxId, token, "/api/v1/namespaces")).status).toBe(401);
    // The sandbox's own kubeconfig token is untouched.
    expect((await kube("/api/v1/namespaces")).status).toBe(200);
  });
});

describe("subscriptions", () => {
  const sub = `subscription($s:ID!,$r:String){sandboxChanges(sandboxId:$s,fromRevision:$r){type revision object{kind name}}}`;

  it("delivers changes in revision order, resumes from a revision, and refuses a malformed one", async () => {
    const own = await t.newSandbox("gql-sub");
    const rev = (await t.gql(`query($s:ID!){sandbox(id:$s){revision}}`, { s: own.sandboxId }, own.userToken))
      .data.sandbox.revision;
    const live = await subscribeSse(t, sub, { s: own.sandboxId, r: null }, own.userToken);
    for (const name of ["one", "two", "three"])
      await t.gql(
        `mutation($s:ID!,$m:String!){applyManifest(sandboxId:$s,manifest:$m){ok}}`,
        { s: own.sandboxId, m: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\n` },
        own.userToken,
      );
    const got = [];
    for (let i = 0; i < 3; i++) got.push((await live.next()).data.sandboxChanges);
    live.close();
    expect(got.map((c: any) => [c.type, c.object.name])).toEqual([
      ["ADDED", "one"],
      ["ADDED", "two"],
      ["ADDED", "three"],
    ]);
    expect(Number(got[1].revision)).toBeGreaterThan(Number(got[0].revision));
    const resumed = await subscribeSse(t, sub, { s: own.sandboxId, r: got[0].revision }, own.userToken);
    expect((await resumed.next()).data.sandboxChanges.object.name).toBe("two");
    expect((await resumed.next()).data.sandboxChanges.object.name).toBe("three");
    resumed.close();
    const fromStart = await subscribeSse(t, sub, { s: own.sandboxId, r: rev }, own.userToken);
    expect((await fromStart.next()).data.sandboxChanges.object.name).toBe("one");
    fromStart.close();
    const bad = await subscribeSse(t, sub, { s: own.sandboxId, r: "abc" }, own.userToken);
    expect((await bad.next()).errors[0].extensions.code).toBe("BAD_USER_INPUT");
  });

  it("ends when the caller's token is revoked, and when the sandbox is deleted", async () => {
    const own = await t.newSandbox("gql-end");
    const s1 = await subscribeSse(t, sub, { s: own.sandboxId, r: null }, own.userToken);
    const login = await t.gql(`mutation{logIn(email:"x@example.com",password:"correct-horse-9"){token}}`);
    expect(login.errors).toBeDefined();
    await t.gql(`mutation($s:ID!){deleteSandbox(id:$s)}`, { s: own.sandboxId }, own.userToken);
    // Ended by the next read of the change log, or the next access check (every second where no
    // notice comes, as serverless): a wait a busy machine does not run out of.
    expect(await s1.ended(15_000)).toBe(true);
    const again = await t.newSandbox("gql-end2");
    const s2 = await subscribeSse(t, sub, { s: again.sandboxId, r: null }, again.userToken);
    await t.gql(`mutation{logOut}`, {}, again.userToken);
    expect(await s2.ended(15_000)).toBe(true);
    const anonymous = await subscribeSse(t, sub, { s: again.sandboxId, r: null });
    expect((await anonymous.next()).errors[0].extensions.code).toBe("UNAUTHENTICATED");
  });
});
