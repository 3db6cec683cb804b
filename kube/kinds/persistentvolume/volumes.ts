/** What the volume kinds' printers share. */

/** helper.GetAccessModesAsString: the short forms, in the API server's order. */
export function accessModes(modes: readonly string[] | undefined): string {
  const short: [string, string][] = [
    ["ReadWriteOnce", "RWO"],
    ["ReadOnlyMany", "ROX"],
    ["ReadWriteMany", "RWX"],
    ["ReadWriteOncePod", "RWOP"],
  ];
  return short
    .filter(([mode]) => modes?.includes(mode))
    .map(([, s]) => s)
    .join(",");
}

/** The storage quantity of a capacity, as the printers print it. */
export function storage(capacity: Record<string, string | number> | undefined): string {
  return String(capacity?.storage ?? "");
}
