import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

/** One request of the tutorial as kubectl sends it: method, path under the sandbox, headers, body. */
export interface TutorialStep {
  /** What the learner typed. */
  command: string;
  method: string;
  path: string;
  accept?: string;
  contentType?: string;
  body?: string;
}

const table =
  "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
const fixtures = join(import.meta.dirname, "..", "test", "fixtures", "tutorial");
const manifest = (file: string) => JSON.stringify(parse(readFileSync(join(fixtures, file), "utf8")));

/**
 * The tutorial's requests (shared/seed: pods, labels, a replication controller, scaling, a
 * service, clean-up), as real kubectl 1.32 sends them — paths, query parameters, Accept and
 * Content-Type as shared/kubectl-wire.md records them — minus the discovery and OpenAPI reads a
 * warm kubectl cache skips. Written from those notes once, not captured per run.
 */
export const tutorialSteps: TutorialStep[] = [
  {
    command: "kubectl get pods",
    method: "GET",
    path: "/api/v1/namespaces/default/pods?limit=500",
    accept: table,
  },
  {
    command: "kubectl create -f my-first.pod.yaml",
    method: "POST",
    path: "/api/v1/namespaces/default/pods?fieldManager=kubectl-create&fieldValidation=Strict",
    contentType: "application/json",
    body: manifest("my-first.pod.yaml"),
  },
  {
    command: "kubectl get pod my-first-pod",
    method: "GET",
    path: "/api/v1/namespaces/default/pods/my-first-pod",
    accept: table,
  },
  {
    command: "kubectl label pod my-first-pod env=dev",
    method: "PATCH",
    path: "/api/v1/namespaces/default/pods/my-first-pod?fieldManager=kubectl-label",
    contentType: "application/merge-patch+json",
    body: JSON.stringify({ metadata: { labels: { env: "dev" } } }),
  },
  {
    command: "kubectl get pods -l env=dev",
    method: "GET",
    path: "/api/v1/namespaces/default/pods?labelSelector=env%3Ddev&limit=500",
    accept: table,
  },
  {
    command: "kubectl create -f rc.yaml",
    method: "POST",
    path: "/api/v1/namespaces/default/replicationcontrollers?fieldManager=kubectl-create&fieldValidation=Strict",
    contentType: "application/json",
    body: manifest("rc.yaml"),
  },
  {
    command: "kubectl get rc",
    method: "GET",
    path: "/api/v1/namespaces/default/replicationcontrollers?limit=500",
    accept: table,
  },
  {
    command: "kubectl scale rc nginx --replicas=2",
    method: "PATCH",
    path: "/api/v1/namespaces/default/replicationcontrollers/nginx/scale",
    contentType: "application/merge-patch+json",
    body: JSON.stringify({ spec: { replicas: 2 } }),
  },
  {
    command: "kubectl expose rc nginx --port=80",
    method: "POST",
    path: "/api/v1/namespaces/default/services?fieldManager=kubectl-expose&fieldValidation=Strict",
    contentType: "application/json",
    body: JSON.stringify({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "nginx", labels: { app: "nginx" } },
      spec: { ports: [{ port: 80, protocol: "TCP", targetPort: 80 }], selector: { app: "nginx" } },
    }),
  },
  {
    command: "kubectl get services",
    method: "GET",
    path: "/api/v1/namespaces/default/services?limit=500",
    accept: table,
  },
  {
    command: "kubectl describe pod my-first-pod (its events)",
    method: "GET",
    path: "/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dmy-first-pod",
  },
  {
    command: "kubectl delete pod my-first-pod",
    method: "DELETE",
    path: "/api/v1/namespaces/default/pods/my-first-pod",
  },
  {
    command: "kubectl delete rc nginx",
    method: "DELETE",
    path: "/api/v1/namespaces/default/replicationcontrollers/nginx",
    contentType: "application/json",
    body: JSON.stringify({ kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background" }),
  },
  {
    command: "kubectl delete service nginx",
    method: "DELETE",
    path: "/api/v1/namespaces/default/services/nginx",
    contentType: "application/json",
    body: JSON.stringify({ kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background" }),
  },
];
