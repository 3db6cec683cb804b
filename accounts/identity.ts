import type { Database } from "../db/connection.ts";
import type { UserInfo } from "../kube/types/authentication-v1.ts";
import type { SandboxCaller } from "./access.ts";

/**
 * Who a caller is, as the API server's authenticators say it and SelfSubjectReview (`kubectl
 * auth whoami`) shows it. A service account's token is `system:serviceaccount:<ns>:<name>` with
 * the service account groups; a user's token (login or kubeconfig) is the user, by email, in
 * system:masters (cluster-admin of the sandbox, as permissions.ts says). Each names the token
 * it was (authentication.kubernetes.io/credential-id, as the API server does for JWTs).
 */
export async function userInfoOf(database: Database, caller: SandboxCaller): Promise<UserInfo> {
  const credential = { "authentication.kubernetes.io/credential-id": [`JTI=${caller.tokenId}`] };
  const account = caller.serviceAccount;
  if (account)
    return {
      username: `system:serviceaccount:${account.namespace}:${account.name}`,
      uid: account.uid,
      groups: [
        "system:serviceaccounts",
        `system:serviceaccounts:${account.namespace}`,
        "system:authenticated",
      ],
      extra: credential,
    };
  const [user] = await database.sql<{ email: string }[]>`SELECT email FROM users WHERE id = ${caller.userId}`;
  return {
    username: user?.email ?? caller.userId,
    uid: caller.userId,
    // An owner's token is cluster-admin (system:masters); a read token is only authenticated.
    groups: caller.scope === "owner" ? ["system:masters", "system:authenticated"] : ["system:authenticated"],
    extra: credential,
  };
}
