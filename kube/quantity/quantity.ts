/**
 * Kubernetes resource quantities ("500m", "1Gi", "2", "1e3"). parseQuantity reads one as a JS
 * number, for rough checks; the Quantity type below is resource.Quantity itself: exact (BigInt
 * nano-units), printed as its String() prints (the API server's canonical form), with Go's
 * Add/Sub/Cmp semantics, for what the API server stores, compares and reports.
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

/** How a quantity prints, as resource.Format: "1500m" and "1k" (DecimalSI), "1Gi" (BinarySI), "1e3". */
export type QuantityFormat = "DecimalSI" | "BinarySI" | "DecimalExponent";

/**
 * An exact quantity, as resource.Quantity holds one: the value in nano-units (a quantity is never
 * finer than 1n), the format it prints in, the string it was parsed from when the API server
 * keeps that string as is, and its int64 mantissa and scale when Go's fast path holds it so.
 */
export interface Quantity {
  nanos: bigint;
  format: QuantityFormat;
  cached?: string;
  int?: { value: bigint; scale: number };
}

/** Why a string is not a quantity, in resource.ParseQuantity's words. */
export class QuantityError extends Error {}

const suffixMessage = "unable to parse quantity's suffix";
const maxInt64 = 2n ** 63n - 1n;
const nano = 10n ** 9n;
const decimalScales: Record<string, number> = {
  "": 0,
  n: -9,
  u: -6,
  m: -3,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const binaryPowers: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const decimalSuffixes = new Map(Object.entries(decimalScales).map(([s, e]) => [e, s]));
const binarySuffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";

interface Scanned {
  negative: boolean;
  num: string;
  denom: string;
  suffix: string;
}

/** Go's parseQuantityString: sign, digits (leading zeros dropped), fraction, suffix. */
function scan(str: string): Scanned {
  let pos = 0;
  const end = str.length;
  const negative = str[0] === "-";
  if (str[0] === "-" || str[0] === "+") pos++;
  while (pos < end && str[pos] === "0") pos++;
  const done = (num: string, denom = "", suffix = ""): Scanned => ({
    negative,
    num: num || "0",
    denom,
    suffix,
  });
  if (pos >= end) return done("0");
  let i = pos;
  while (isDigit(str[i])) i++;
  const num = str.slice(pos, i);
  pos = i;
  let denom = "";
  if (str[pos] === ".") {
    i = ++pos;
    while (isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    pos = i;
  }
  const suffixStart = pos;
  while (pos < end && "eEinumkKMGTP".includes(str[pos] as string)) pos++;
  if (str[pos] === "-" || str[pos] === "+") pos++;
  while (isDigit(str[pos])) pos++;
  if (pos < end) throw new QuantityError(quantityRegexMessage);
  return done(num, denom, str.slice(suffixStart));
}

/** The suffix as base, exponent and format, as the suffixer interprets it. */
function interpret(suffix: string): { base: 2 | 10; exponent: number; format: QuantityFormat } {
  const decimal = decimalScales[suffix];
  if (decimal !== undefined) return { base: 10, exponent: decimal, format: "DecimalSI" };
  const binary = binaryPowers[suffix];
  if (binary !== undefined) return { base: 2, exponent: binary, format: "BinarySI" };
  if (suffix.length > 1 && (suffix[0] === "e" || suffix[0] === "E") && /^[+-]?\d+$/.test(suffix.slice(1)))
    return { base: 10, exponent: Number(suffix.slice(1)), format: "DecimalExponent" };
  throw new QuantityError(suffixMessage);
}

/** Divides, rounding away from zero (inf.RoundUp). */
function divideUp(n: bigint, d: bigint): bigint {
  const q = n / d;
  if (q * d === n) return q;
  return n < 0n ? q - 1n : q + 1n;
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** Go's fast path: the int64 mantissa and scale, and whether the input string is kept. */
function fastPath(s: Scanned, base: 2 | 10, exponent: number, str: string) {
  let scale = base === 10 ? exponent : 0;
  let mantissa = 1n;
  let precision = 18 - s.num.length - s.denom.length;
  if (base === 2) {
    if (exponent < 0 || s.denom) return null;
    mantissa = 1n << BigInt(exponent);
    precision = 15 - s.num.length - Math.trunc((exponent * 3) / 10) - 1;
  }
  if (precision < 0) return null;
  scale -= s.denom.length;
  if (scale < -9) return null;
  const shifted = s.num + s.denom;
  const digits = BigInt(shifted);
  let value = digits * mantissa;
  if (value > maxInt64) return null;
  if (s.negative) value = -value;
  const keep =
    base === 2
      ? exponent % 10 === 0 && (digits & 7n) !== 0n
      : scale % 3 === 0 && !shifted.endsWith("000") && shifted[0] !== "0";
  return { int: { value, scale }, cached: keep ? str : undefined };
}

/**
 * resource.ParseQuantity: a string (or JSON number) to an exact quantity. Throws QuantityError
 * with the API server's message for anything else.
 */
export function parseQuantityExact(value: unknown): Quantity {
  const str = typeof value === "number" && Number.isFinite(value) ? String(value) : value;
  if (typeof str !== "string" || str.trim() === "") throw new QuantityError(quantityRegexMessage);
  const s = str.trim();
  if (s === "0") return { nanos: 0n, format: "DecimalSI", cached: s, int: { value: 0n, scale: 0 } };
  const scanned = scan(s);
  const { base, exponent, format } = interpret(scanned.suffix);
  const digits = BigInt(scanned.num + scanned.denom);
  let nanos =
    base === 10
      ? exponent + 9 - scanned.denom.length >= 0
        ? digits * pow10(exponent + 9 - scanned.denom.length)
        : divideUp(digits, pow10(scanned.denom.length - exponent - 9))
      : divideUp(digits * (1n << BigInt(exponent)) * nano, pow10(scanned.denom.length));
  if (scanned.negative) nanos = -nanos;
  const fast = fastPath(scanned, base, exponent, s);
  if (fast) return { nanos, format, ...(fast.cached ? { cached: fast.cached } : {}), int: fast.int };
  // Below one, a binary quantity prints in decimal (resource.ParseQuantity's own rule).
  const magnitude = nanos < 0n ? -nanos : nanos;
  const shown = format === "BinarySI" && magnitude > 0n && magnitude < nano ? "DecimalSI" : format;
  return { nanos, format: shown };
}

/** The quantity, or null when it is not one. */
export function tryQuantity(value: unknown): Quantity | null {
  try {
    return parseQuantityExact(value);
  } catch (err) {
    if (err instanceof QuantityError) return null;
    throw err;
  }
}

function decimalForm(nanos: bigint, format: QuantityFormat): string {
  let mantissa = nanos;
  let exponent = -9;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  while (exponent % 3 !== 0) {
    mantissa *= 10n;
    exponent--;
  }
  if (format === "DecimalExponent") return `${mantissa}${exponent ? `e${exponent}` : ""}`;
  if (exponent > 18) {
    mantissa *= pow10(exponent - 18);
    exponent = 18;
  }
  return `${mantissa}${decimalSuffixes.get(exponent) ?? ""}`;
}

/** resource.Quantity's String(): the kept input, or the canonical form ("1500m", "1536Mi", "2k"). */
export function formatQuantity(q: Quantity): string {
  if (q.cached !== undefined) return q.cached;
  if (q.nanos === 0n) return "0";
  const magnitude = q.nanos < 0n ? -q.nanos : q.nanos;
  // Binary needs a whole number of at least 1024; anything else prints in decimal.
  if (q.format !== "BinarySI" || magnitude < 1024n * nano || q.nanos % nano !== 0n)
    return decimalForm(q.nanos, q.format === "BinarySI" ? "DecimalSI" : q.format);
  let value = q.nanos / nano;
  let power = 0;
  while (power < binarySuffixes.length - 1 && value % 1024n === 0n) {
    value /= 1024n;
    power++;
  }
  return `${value}${binarySuffixes[power]}`;
}

/** The string the API server stores for a quantity; null when it is not one. */
export function canonicalQuantity(value: unknown): string | null {
  const q = tryQuantity(value);
  return q && formatQuantity(q);
}

/** resource.NewQuantity / NewMilliQuantity: a whole (or milli) number in a format. */
export function newQuantity(
  value: bigint | number,
  format: QuantityFormat = "DecimalSI",
  milli = false,
): Quantity {
  return { nanos: BigInt(value) * (milli ? 10n ** 6n : nano), format };
}

/** Quantity.Add: the sum, in the first operand's format unless that one is zero. */
export function addQuantities(a: Quantity, b: Quantity): Quantity {
  return { nanos: a.nanos + b.nanos, format: a.nanos === 0n ? b.format : a.format };
}

/** Quantity.Sub: the difference, in the first operand's format unless that one is zero. */
export function subtractQuantities(a: Quantity, b: Quantity): Quantity {
  return { nanos: a.nanos - b.nanos, format: a.nanos === 0n ? b.format : a.format };
}

/** Quantity.Cmp: -1, 0 or 1. */
export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
}

/** Quantity.Value(): whole units, rounded away from zero. */
export function quantityValue(q: Quantity): bigint {
  return divideUp(q.nanos, nano);
}

/** Quantity.MilliValue(): thousandths, rounded away from zero. */
export function quantityMilliValue(q: Quantity): bigint {
  return divideUp(q.nanos, 10n ** 6n);
}

/**
 * Quantity.RoundUp(scale) as SetDefaults_ResourceList applies it with scale -3: finer values
 * round up (away from zero) and lose their kept string; coarser ones stay exactly as they were.
 */
export function roundUpQuantity(q: Quantity, scale: number): Quantity {
  if (q.int && q.int.scale >= scale) return q;
  const step = pow10(scale + 9);
  const nanos = divideUp(q.nanos, step) * step;
  if (!q.int) return { nanos, format: q.format };
  return {
    nanos,
    format: q.format,
    int: { value: divideUp(q.int.value, pow10(scale - q.int.scale)), scale },
  };
}

/**
 * Go's `%#v` of a resource.Quantity, which field errors print for a Quantity value
 * (`resource.Quantity{i:resource.int64Amount{value:5, scale:-1}, d:…, s:"500m", Format:"DecimalSI"}`).
 * `printed` says the message also called String() on it, which fills in `s`.
 */
export function goQuantity(q: Quantity, printed: boolean): string {
  const s = q.cached ?? (printed ? formatQuantity(q) : "");
  const i = q.int ?? { value: 0n, scale: 0 };
  const dec = q.int ? "(*inf.Dec)(nil)" : "(*inf.Dec)(0xc000a0c0a0)";
  return `resource.Quantity{i:resource.int64Amount{value:${i.value}, scale:${i.scale}}, d:resource.infDecAmount{Dec:${dec}}, s:${JSON.stringify(s)}, Format:${JSON.stringify(q.format)}}`;
}
