import type { AcceptedSocket, AcceptWebSocket } from "../api/accepted-socket.ts";
import type { Database } from "../db/connection.ts";
import type { RequestDatabase } from "./request-database.ts";

/**
 * The WebSockets a request accepts (workerd: exec, attach, port-forward, graphql-ws), on a
 * runtime whose connection belongs to its request: the request's connection stays open for as
 * long as its socket is (`heldBy`), and the socket's events run with it as the request's
 * connection — the runtime delivers them outside the request's context, where the app's database
 * handle would have none.
 */
export class RequestSockets {
  private readonly open = new WeakMap<Database, Promise<void>>();
  private readonly requests: RequestDatabase;
  private readonly platform: AcceptWebSocket;

  /** `platform`: how the runtime accepts one (serverless/worker.ts: a WebSocketPair). */
  constructor(requests: RequestDatabase, platform: AcceptWebSocket) {
    this.requests = requests;
    this.platform = platform;
  }

  /** What the app is handed to accept a WebSocket with, from within a request. */
  readonly accept: AcceptWebSocket = (protocol) => {
    const database = this.requests.current();
    const { socket, response } = this.platform(protocol);
    this.open.set(database, new Promise((closed) => socket.onClose(() => closed())));
    const within =
      <A extends unknown[]>(handler: (...args: A) => void) =>
      (...args: A) =>
        this.requests.run(database, () => handler(...args));
    const held: AcceptedSocket = {
      send: (data) => socket.send(data),
      close: (code, reason) => socket.close(code, reason),
      onMessage: (handler) => socket.onMessage(within(handler)),
      onClose: (handler) => socket.onClose(within(handler)),
    };
    return { socket: held, response };
  };

  /** Resolves when the socket accepted by the request on this connection closes; none if it accepted none. */
  heldBy(database: Database): Promise<void> | undefined {
    return this.open.get(database);
  }
}
