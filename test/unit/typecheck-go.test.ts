import { describe, expect, it } from "vitest";
import { DepthError, parseJsonNodes } from "../../kube/decode/json-node.ts";
import { goQuote, goSprintV } from "../../kube/go/format.ts";
import { goJson } from "../../kube/go/json-marshal.ts";
import { parseGoTime } from "../../kube/go/time.ts";

const layout = '"2006-01-02T15:04:05Z07:00"';

describe("Go's time.Parse for metav1.Time", () => {
  const cases: [string, string, string][] = [
    ["2024-01-02T03:04:05Z", "2024-01-02T03:04:05Z", "UTC as is"],
    ["2024-01-02T03:04:05+02:00", "2024-01-02T01:04:05Z", "an offset, moved to UTC"],
    ["2024-01-02T03:04:05.123Z", "2024-01-02T03:04:05Z", "a fraction the layout lacks, dropped"],
    ["2024-01-02T3:04:05Z", "2024-01-02T03:04:05Z", "a one-digit hour"],
    ["0001-01-01T00:00:00Z", "null", "Go's zero time"],
    ["2024-02-30T00:00:00Z", 'parsing time "2024-02-30T00:00:00Z": day out of range', "February 30"],
    ["2024-01-02T24:00:00Z", 'parsing time "2024-01-02T24:00:00Z": hour out of range', "hour 24"],
    ["2024-01-02T03:04:60Z", 'parsing time "2024-01-02T03:04:60Z": second out of range', "second 60"],
    ["2024-01-02", `parsing time "2024-01-02" as ${layout}: cannot parse "" as "T"`, "a date alone"],
    [
      "2024-1-02T03:04:05Z",
      `parsing time "2024-1-02T03:04:05Z" as ${layout}: cannot parse "1-02T03:04:05Z" as "01"`,
      "a one-digit month",
    ],
    [
      "2024-01-02T03:04:05",
      `parsing time "2024-01-02T03:04:05" as ${layout}: cannot parse "" as "Z07:00"`,
      "no zone",
    ],
    ["2024-01-02T03:04:05Zjunk", 'parsing time "2024-01-02T03:04:05Zjunk": extra text: "junk"', "extra text"],
    [
      "2024-01-02 03:04:05Z",
      `parsing time "2024-01-02 03:04:05Z" as ${layout}: cannot parse " 03:04:05Z" as "T"`,
      "a space",
    ],
    [
      "é",
      `parsing time "\\xc3\\xa9" as ${layout}: cannot parse "\\xc3\\xa9" as "2006"`,
      "non-ASCII, as bytes",
    ],
  ];
  it.each(cases)("%s → %s (%s)", (input, want) => {
    const got = parseGoTime(input, "Time");
    expect(got.ok ? String(got.value) : got.message).toBe(want);
  });

  it("needs exactly six fractional digits for MicroTime", () => {
    expect(parseGoTime("2024-01-02T03:04:05.123456Z", "MicroTime")).toEqual({
      ok: true,
      value: "2024-01-02T03:04:05.123456Z",
    });
    expect(parseGoTime("2024-01-02T03:04:05Z", "MicroTime")).toEqual({
      ok: false,
      message:
        'parsing time "2024-01-02T03:04:05Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"',
    });
  });
});

describe("Go's printing", () => {
  it("quotes as strconv.Quote", () => {
    expect(goQuote('a"b\\c\n\x01é')).toBe('"a\\"b\\\\c\\n\\x01é"');
  });
  it("prints decoded JSON as fmt's %+v", () => {
    expect(goSprintV({ spec: { replicas: "x", b: [1, 1.5, null, true] }, a: 1e21 })).toBe(
      "map[a:1e+21 spec:map[b:[1 1.5 <nil> true] replicas:x]]",
    );
    expect(goSprintV({ a: 0.00001 })).toBe("map[a:1e-05]");
  });
  it("marshals as encoding/json, keys sorted and HTML escaped", () => {
    expect(goJson({ b: "<&>", a: 1 })).toBe('{"a":1,"b":"\\u003c\\u0026\\u003e"}');
    // Keys in Go's byte order, integer-like ones too (a JS object would put "9" and "10" first).
    expect(goJson({ b: 1, 10: 2, 9: 3, "": 4 })).toBe('{"":4,"10":2,"9":3,"b":1}');
  });
});

describe("lossless JSON", () => {
  it("keeps duplicate keys and number literals", () => {
    expect(parseJsonNodes(' {"a": 1.0, "a" : [1e3, "x\\n"], "b": {} } ')).toEqual({
      type: "object",
      entries: [
        ["a", { type: "number", text: "1.0" }],
        [
          "a",
          {
            type: "array",
            items: [
              { type: "number", text: "1e3" },
              { type: "string", value: "x\n" },
            ],
          },
        ],
        ["b", { type: "object", entries: [] }],
      ],
    });
  });
  it("refuses input deeper than encoding/json's limit (or the stack) as too deep", () => {
    expect(() => parseJsonNodes(`${"[".repeat(10001)}${"]".repeat(10001)}`)).toThrow(DepthError);
    expect(() => parseJsonNodes(`${"[".repeat(100)}${"]".repeat(100)}`)).not.toThrow();
  });
});
