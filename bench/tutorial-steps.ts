import recorded from "./tutorial-steps.json" with { type: "json" };

/** One request of the tutorial as kubectl sends it: method, path under the sandbox, headers, body. */
export interface TutorialStep {
  /** What the learner typed. */
  command: string;
  method: string;
  /** The path and query under the sandbox; `{{uid:<name>}}` stands for the uid of an object made before. */
  path: string;
  accept?: string;
  contentType?: string;
  body?: string;
  /** The status kubectl got when it was recorded (a 404 is what `kubectl delete` waits for). */
  status: number;
}

/**
 * The tutorial's requests (shared/seed: pods, labels, a replication controller, scaling, a
 * service, clean-up) as real kubectl sent them, recorded from its `-v=9` log by
 * tools/record-tutorial-steps.ts (which says how to record them again): every request of each
 * command — `kubectl label` reads the pod before it patches it, `describe` reads it twice and
 * its events by uid, `delete` reads what it deleted until it is gone — less the discovery and
 * OpenAPI reads a warm kubectl cache skips and the watches `delete` waits on.
 */
export const tutorialSteps: TutorialStep[] = recorded.requests;

/** The uids the steps name, from the objects the replay made (its create responses), filled in. */
export function withUids(text: string, uids: ReadonlyMap<string, string>): string {
  return text.replace(/\{\{uid:([^}]+)\}\}/g, (_, name: string) => uids.get(name) ?? "");
}
