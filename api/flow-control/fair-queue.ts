import type { FlowControl } from "../../config.ts";

/** Gives the seat back; calling it again does nothing. */
export type Release = () => void;

interface Waiter {
  arrived: number;
  admit: (release: Release) => void;
  timer: ReturnType<typeof setTimeout>;
}

interface Flow {
  executing: number;
  waiting: Waiter[];
}

/**
 * The seats of one process, shared between flows by fair queuing, as API Priority and Fairness'
 * queueset shares a priority level's (staging/src/k8s.io/apiserver/pkg/util/flowcontrol/
 * fairqueuing/queueset). While seats are free a request takes one at once; past them it waits in
 * its flow's queue (bounded in length and in time: past either it is rejected), and each seat
 * given back goes to the waiting flow with fewest requests in progress, the longest waiting first
 * among equals. One departure from APF: a flow with nothing in progress is seated at once even
 * past the seats, so a caller that sends one request at a time never waits behind a flood (APF
 * makes it wait for the next seat given back); there are at most as many of those as flows.
 */
export class FairQueue {
  private readonly flows = new Map<string, Flow>();
  private executing = 0;
  private waiting = 0;
  private readonly settings: FlowControl;

  constructor(settings: FlowControl) {
    this.settings = settings;
  }

  /** A seat for a request of `flow`, once it has one; null when it is rejected instead. */
  seat(flowId: string): Promise<Release | null> {
    const flow = this.flowOf(flowId);
    if (flow.waiting.length === 0 && (flow.executing === 0 || this.executing < this.settings.seats))
      return Promise.resolve(this.take(flowId, flow));
    if (flow.waiting.length >= this.settings.queueLength) {
      this.forgetIfIdle(flowId, flow);
      return Promise.resolve(null);
    }
    return new Promise((resolve) => {
      const waiter: Waiter = {
        arrived: performance.now(),
        admit: resolve,
        timer: setTimeout(() => {
          flow.waiting.splice(flow.waiting.indexOf(waiter), 1);
          this.waiting--;
          this.forgetIfIdle(flowId, flow);
          resolve(null);
        }, this.settings.queueWaitSeconds * 1000),
      };
      flow.waiting.push(waiter);
      this.waiting++;
    });
  }

  /** Requests in progress and waiting, of one flow or (without one) of all: for tests and metrics. */
  load(flowId?: string): { executing: number; waiting: number } {
    if (flowId === undefined) return { executing: this.executing, waiting: this.waiting };
    const flow = this.flows.get(flowId);
    return { executing: flow?.executing ?? 0, waiting: flow?.waiting.length ?? 0 };
  }

  private flowOf(flowId: string): Flow {
    let flow = this.flows.get(flowId);
    if (!flow) {
      flow = { executing: 0, waiting: [] };
      this.flows.set(flowId, flow);
    }
    return flow;
  }

  private take(flowId: string, flow: Flow): Release {
    flow.executing++;
    this.executing++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      flow.executing--;
      this.executing--;
      this.forgetIfIdle(flowId, flow);
      this.dispatch();
    };
  }

  /** Seats the waiting requests while seats are free, each from the flow with fewest in progress. */
  private dispatch(): void {
    while (this.waiting > 0 && this.executing < this.settings.seats) {
      let next: [string, Flow] | null = null;
      for (const entry of this.flows) {
        const [, flow] = entry;
        const head = flow.waiting[0];
        if (!head) continue;
        const best = next?.[1];
        if (
          !best ||
          flow.executing < best.executing ||
          (flow.executing === best.executing && head.arrived < (best.waiting[0]?.arrived ?? 0))
        )
          next = entry;
      }
      if (!next) return;
      const [flowId, flow] = next;
      const waiter = flow.waiting.shift() as Waiter;
      this.waiting--;
      clearTimeout(waiter.timer);
      waiter.admit(this.take(flowId, flow));
    }
  }

  private forgetIfIdle(flowId: string, flow: Flow): void {
    if (flow.executing === 0 && flow.waiting.length === 0) this.flows.delete(flowId);
  }
}
