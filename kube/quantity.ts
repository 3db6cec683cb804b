/**
 * Kubernetes resource quantities ("500m", "1Gi", "2", "1e3"): parsing to a number for
 * comparison and arithmetic. Values are kept as JS numbers, exact for the milli-units and byte
 * counts quantities express in practice.
 */

const binary: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const decimal: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

const pattern = /^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

/** The regex the API server's error message quotes for a malformed quantity. */
export const quantityRegexMessage =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/** Parses a quantity (string or number) to its value; null when it is not a valid quantity. */
export function parseQuantity(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value !== "string") return null;
  const m = pattern.exec(value.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const suffix = m[2] ?? "";
  if (suffix in binary) return n * (binary[suffix] as number);
  if (suffix in decimal) return n * (decimal[suffix] as number);
  if (/^[eE]/.test(suffix)) return n * 10 ** Number(suffix.slice(1));
  return null;
}

/** Whether a value parses as a quantity. */
export function isQuantity(value: unknown): boolean {
  return parseQuantity(value) !== null;
}
