import { describe, expect, it } from "vitest";
import {
  addQuantities,
  canonicalQuantity,
  compareQuantities,
  formatQuantity,
  goQuantity,
  isQuantity,
  parseQuantity,
  parseQuantityExact,
  quantityMilliValue,
  quantityValue,
  roundUpQuantity,
  subtractQuantities,
} from "../../kube/quantity/quantity.ts";

const q = parseQuantityExact;

describe("parseQuantity (the number form)", () => {
  it.each([
    ["500m", 0.5],
    ["1Gi", 2 ** 30],
    ["2", 2],
    ["1e3", 1000],
    [1.5, 1.5],
  ])("reads %s as %s", (value, expected) => {
    expect(parseQuantity(value)).toBe(expected);
    expect(isQuantity(value)).toBe(true);
  });

  it("refuses what is not a quantity", () => {
    expect(parseQuantity("lots")).toBeNull();
    expect(parseQuantity({})).toBeNull();
  });
});

describe("resource.Quantity's String()", () => {
  it.each([
    ["0.5", "500m", "DecimalSI"],
    ["1.5", "1500m", "DecimalSI"],
    ["1000", "1k", "DecimalSI"],
    ["2000m", "2", "DecimalSI"],
    ["1024Mi", "1Gi", "BinarySI"],
    ["1.5Gi", "1536Mi", "BinarySI"],
    ["0.5Ki", "512", "BinarySI"],
    ["0.0001Ki", "102400u", "DecimalSI"],
    ["1e3", "1e3", "DecimalExponent"],
    ["1.0", "1", "DecimalSI"],
    ["0.1n", "1n", "DecimalSI"],
    ["-1500m", "-1500m", "DecimalSI"],
    // Strings Go keeps as parsed, although not canonical.
    ["1.500k", "1.500k", "DecimalSI"],
    ["+5", "+5", "DecimalSI"],
    [1, "1", "DecimalSI"],
  ])("%s prints as %s (%s)", (input, printed, format) => {
    const parsed = q(input);
    expect(formatQuantity(parsed)).toBe(printed);
    expect(parsed.format).toBe(format);
    expect(canonicalQuantity(input)).toBe(printed);
  });

  it.each([
    ["lots", "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    ["1.2.3", "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    ["", "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    ["1ii", "unable to parse quantity's suffix"],
    ["1e", "unable to parse quantity's suffix"],
  ])("refuses %j: %s", (input, message) => {
    expect(() => q(input)).toThrow(message);
    expect(canonicalQuantity(input)).toBeNull();
  });
});

describe("quantity arithmetic", () => {
  it.each([
    ["500m", "500m", "1"],
    ["1", "500m", "1500m"],
    ["128Mi", "128Mi", "256Mi"],
    ["0", "1Gi", "1Gi"],
    ["1Gi", "512Mi", "1536Mi"],
    ["100Mi", "1", "104857601"],
  ])("%s + %s = %s (the first operand's format, unless it is zero)", (a, b, sum) => {
    expect(formatQuantity(addQuantities(q(a), q(b)))).toBe(sum);
  });

  it("subtracts and compares exactly", () => {
    expect(formatQuantity(subtractQuantities(q("1"), q("250m")))).toBe("750m");
    expect(formatQuantity(subtractQuantities(q("0"), q("1Gi")))).toBe("-1Gi");
    expect(compareQuantities(q("1Gi"), q("1024Mi"))).toBe(0);
    expect(compareQuantities(q("999m"), q("1"))).toBe(-1);
    expect(compareQuantities(q("1.1"), q("1"))).toBe(1);
  });

  it("rounds Value and MilliValue away from zero", () => {
    expect(quantityValue(q("1500m"))).toBe(2n);
    expect(quantityMilliValue(q("100n"))).toBe(1n);
    expect(quantityMilliValue(q("-100n"))).toBe(-1n);
  });

  it("rounds finer than milli up, as SetDefaults_ResourceList does, keeping coarser values as written", () => {
    expect(formatQuantity(roundUpQuantity(q("100n"), -3))).toBe("1m");
    expect(formatQuantity(roundUpQuantity(q("1.500k"), -3))).toBe("1.500k");
  });
});

describe("Go's %#v of a Quantity", () => {
  it.each([
    [
      "2",
      true,
      'resource.Quantity{i:resource.int64Amount{value:2, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"2", Format:"DecimalSI"}',
    ],
    [
      "0.5",
      true,
      'resource.Quantity{i:resource.int64Amount{value:5, scale:-1}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"500m", Format:"DecimalSI"}',
    ],
    [
      "0.5",
      false,
      'resource.Quantity{i:resource.int64Amount{value:5, scale:-1}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"", Format:"DecimalSI"}',
    ],
    [
      "6Mi",
      false,
      'resource.Quantity{i:resource.int64Amount{value:6291456, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"6Mi", Format:"BinarySI"}',
    ],
  ])("%s (String() called: %s)", (input, printed, repr) => {
    expect(goQuantity(q(input), printed)).toBe(repr);
  });
});
