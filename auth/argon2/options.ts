/** Argon2id's cost settings, as @node-rs/argon2 names them (memory in KiB). */
export interface Argon2Options {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}
