import { Socket } from "node:net";
import type { SocketFactory } from "./connection.ts";

/**
 * postgres.js's socket on Node, with one write less per transaction. postgres.js writes a
 * statement of 1 KB or more at once and gathers smaller ones until the turn's end (setImmediate),
 * so a transaction's held writes (a pod's JSON) went out alone and its last statement and COMMIT
 * in a second write: each write is a system call and a wake-up of the Postgres backend, some 10 %
 * of the service's CPU at 100 pods/s. Here a large write waits, corked, until the check phase
 * after postgres.js's own flush of that turn, and goes with it. Connects to the first host (the
 * service names one).
 */
export const nodeSocket: SocketFactory = async (target) => {
  const socket = new Socket();
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    const connected = () => {
      socket.off("error", reject);
      resolve();
    };
    if (target.path) socket.connect(target.path, connected);
    else socket.connect(target.port[0] ?? 5432, target.host[0] ?? "localhost", connected);
  });
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  const write = socket.write.bind(socket) as (chunk: Uint8Array, cb?: (err?: Error) => void) => boolean;
  socket.write = ((chunk: Uint8Array, cb?: (err?: Error) => void) => {
    if (!corked && chunk.byteLength >= 1024) {
      corked = true;
      socket.cork();
      // After the microtasks that sent this write (the transaction's last statements among them)
      // has postgres.js scheduled its flush: an immediate scheduled then runs after it.
      process.nextTick(() => setImmediate(uncork));
    }
    return write(chunk, cb);
  }) as Socket["write"];
  return socket;
};
