import type { Database } from "../db/connection.ts";
import type { ContainerRef } from "../kube/network/context.ts";
import type { NetworkWorld } from "../kube/network/world.ts";

/** Files already read, by container run and path: kept for a request, or an evaluation. */
export type FileReadCache = Map<string, Promise<string | null>>;

/** Reads a container's file; null when there is none (or it is a directory). */
export type ContainerFileReader = (target: ContainerRef, path: string) => Promise<string | null>;

/**
 * Makes the reader of the containers' files for servers reached over a network built from
 * `world` (pods/served-files.ts's containerFileReader). Handed to what opens a container rather
 * than imported there: serving a file may first keep what a main process wrote, which opens
 * that container, whose network serves files in turn.
 */
export type FileReaderFactory = (
  database: Database,
  sandboxId: string,
  world: NetworkWorld,
  options: { nowMs(): number; cache?: FileReadCache },
) => ContainerFileReader;
