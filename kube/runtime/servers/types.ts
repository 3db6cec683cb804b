import type { ContainerView, PodView } from "../../network/world.ts";

/**
 * What the simulated images serve. A server is opened once per connection and fed the bytes
 * the client sends (as latin1 text, one character a byte); it answers bytes, the lines it
 * writes to its container's log (nginx's access log), and whether it closes the connection.
 * The same connection serves curl inside a pod, `nc`, the API's proxy and port-forward.
 */

/** Who a connection reaches, from where, and when (the virtual clock). */
export interface ServerContext {
  pod: PodView;
  container: ContainerView;
  /** The port the connection reached on the container. */
  port: number;
  /** The address the server sees the client at. */
  clientIP: string;
  /** Milliseconds since the epoch on the sandbox's clock. */
  now(): number;
  /**
   * The time as a log line writes it (date's +FORMAT): the pod journal's placeholder, filled in
   * when the log is read, or the formatted time.
   */
  stamp(format: string): string;
  /** Reads a file of the container (nginx serves its html root), when the caller has its filesystem. */
  readFile?(path: string): Promise<string | null>;
}

/** A server's answer to bytes received. */
export interface Reply {
  data: string;
  /** Lines for the container's log (without newlines), in order. */
  log: string[];
  /** The server closes the connection after sending `data`. */
  close: boolean;
}

/** One open connection to a server. */
export interface Connection {
  /** Bytes that arrived; the answer may be empty while a request is incomplete. */
  receive(data: string): Promise<Reply>;
  /** The client finished sending (half-close): what the server answers, if anything. */
  end(): Promise<Reply>;
}

/** A program of an image that listens. */
export interface SimulatedServer {
  /** The name a log or a `ps` would show. */
  name: string;
  /** The TCP ports it listens on in its container, by default. */
  ports: number[];
  open(ctx: ServerContext): Connection;
  /**
   * The gRPC health service (grpc.health.v1.Health/Check) of a server that speaks gRPC: the
   * status of a service ("" the server's), or null for a service it does not know. Absent: the
   * server speaks no gRPC (a gRPC client's connection never becomes ready).
   */
  grpcHealth?(ctx: ServerContext, service: string): GrpcServingStatus | null;
}

/** A grpc.health.v1 HealthCheckResponse's status. */
export type GrpcServingStatus = "SERVING" | "NOT_SERVING";

/** An empty answer. */
export const nothing: Reply = { data: "", log: [], close: false };
