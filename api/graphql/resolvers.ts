import { applyManifest } from "./mutation/apply-manifest.ts";
import {
  createClassroom,
  joinClassroom,
  removeStudent,
  resetStudentSandbox,
  rotateJoinCode,
  setStudentLimits,
} from "./mutation/classrooms.ts";
import { createSandbox } from "./mutation/create-sandbox.ts";
import { deleteObject } from "./mutation/delete-object.ts";
import { deleteSandbox } from "./mutation/delete-sandbox.ts";
import { forkSandbox } from "./mutation/fork-sandbox.ts";
import { issueKubeconfig } from "./mutation/issue-kubeconfig.ts";
import { label } from "./mutation/label.ts";
import { logIn } from "./mutation/log-in.ts";
import { logOut } from "./mutation/log-out.ts";
import { resetSandbox } from "./mutation/reset-sandbox.ts";
import { restartRollout } from "./mutation/restart-rollout.ts";
import { revokeKubeconfig } from "./mutation/revoke-kubeconfig.ts";
import { scale } from "./mutation/scale.ts";
import { signUp } from "./mutation/sign-up.ts";
import { classroom, classrooms } from "./query/classrooms.ts";
import { me } from "./query/me.ts";
import { sandbox } from "./query/sandbox.ts";
import { sandboxes } from "./query/sandboxes.ts";
import { classroomOverview } from "./subscription/classroom-overview.ts";
import { sandboxChanges } from "./subscription/sandbox-changes.ts";
import { Classroom } from "./types/classroom.ts";
import { ConfigMap } from "./types/config-map.ts";
import { Deployment } from "./types/deployment.ts";
import { Event } from "./types/event.ts";
import { Namespace } from "./types/namespace.ts";
import { Node } from "./types/node.ts";
import { GenericObject, KubeObjectType } from "./types/object.ts";
import { Pod } from "./types/pod.ts";
import { ReplicaSet } from "./types/replica-set.ts";
import { ReplicationController } from "./types/replication-controller.ts";
import { Sandbox } from "./types/sandbox.ts";
import { Secret } from "./types/secret.ts";
import { Service } from "./types/service.ts";
import { Student } from "./types/student.ts";

/**
 * The resolvers of schema.graphql, one file per field (query/, mutation/, subscription/) or per
 * type (types/). Resolvers throw the domain's errors; errors.ts turns them into typed ones.
 */
export const resolvers = {
  Query: { me, sandboxes, sandbox, classrooms, classroom },
  Mutation: {
    signUp,
    logIn,
    logOut,
    createSandbox,
    deleteSandbox,
    forkSandbox,
    resetSandbox,
    issueKubeconfig,
    revokeKubeconfig,
    applyManifest,
    deleteObject,
    scale,
    label,
    restartRollout,
    createClassroom,
    joinClassroom,
    rotateJoinCode,
    removeStudent,
    resetStudentSandbox,
    setStudentLimits,
  },
  Subscription: { sandboxChanges, classroomOverview },
  Sandbox,
  Classroom,
  Student,
  KubeObject: KubeObjectType,
  GenericObject,
  Namespace,
  Node,
  Pod,
  ReplicationController,
  ReplicaSet,
  Deployment,
  Service,
  Secret,
  ConfigMap,
  Event,
};
