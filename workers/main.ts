/**
 * `npm run worker`: the queue workers alone (workers/run-workers.ts). The signals are taken
 * before anything loads: a Ctrl-C while it starts is kept for when it has started, and then it
 * stops cleanly (exit 0) instead of by the signal's default.
 */
let stop: (() => Promise<void>) | null = null;
let stopAsked = false;
const stopping = async () => {
  await stop?.();
  process.exit(0);
};
const onSignal = () => {
  if (stop) void stopping();
  else stopAsked = true;
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

const [{ runWorkers }, { log }] = await Promise.all([import("./run-workers.ts"), import("../log.ts")]);
try {
  stop = await runWorkers();
  if (stopAsked) await stopping();
} catch (err) {
  log.fatal({ err }, "worker failed to start");
  process.exit(1);
}
