/**
 * How many test files run at once, each worker on a database of its own: a file's controllers act
 * on every sandbox in their database's queue, so two files never share one.
 */
export const testWorkers = 2;
