import { describe, expect, it } from "vitest";
import { goJsonObjectError, goJsonSyntaxError } from "../../kube/go/json-syntax.ts";

const check = (text: string) => goJsonObjectError(Buffer.from(text, "latin1"));

describe("encoding/json's verdict on a docker config", () => {
  it.each([
    ["an object", '{"auths":{"r":{"auth":"eDp5"}}}'],
    [
      "an object with every kind of value",
      ' { "a" : [1, -0.5e+3, true, false, null, "\\u00e9\\n"], "b": {} } ',
    ],
    ["null", "null"],
  ])("accepts %s", (_name, text) => {
    expect(check(text)).toBeNull();
  });

  it.each([
    ["nothing", "", "unexpected end of JSON input"],
    ["a cut object", '{"a":', "unexpected end of JSON input"],
    ["a bare word", "auths", "invalid character 'a' looking for beginning of value"],
    ["an unquoted key", "{auths}", "invalid character 'a' looking for beginning of object key string"],
    [
      "a trailing comma in an object",
      '{"a":1,}',
      "invalid character '}' looking for beginning of object key string",
    ],
    ["a missing colon", '{"a" 1}', "invalid character '1' after object key"],
    ["a missing comma", '{"a":1 "b":2}', `invalid character '"' after object key:value pair`],
    ["a missing comma in an array", "[1 2]", "invalid character '2' after array element"],
    ["a trailing comma in an array", "[1,]", "invalid character ']' looking for beginning of value"],
    ["a bad literal", "[tru]", "invalid character ']' in literal true (expecting 'e')"],
    ["a bad null", "nul!", "invalid character '!' in literal null (expecting 'l')"],
    ["a lone minus", "-x", "invalid character 'x' in numeric literal"],
    ["a bare decimal point", "1.x", "invalid character 'x' after decimal point in numeric literal"],
    ["a bare exponent", "1ex", "invalid character 'x' in exponent of numeric literal"],
    ["a leading zero", "01", "invalid character '1' after top-level value"],
    ["a bad escape", '"\\x"', "invalid character 'x' in string escape code"],
    ["a bad unicode escape", '"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
    ["a raw newline in a string", '"a\nb"', "invalid character '\\n' in string literal"],
    ["a single quote", "'a'", "invalid character '\\'' looking for beginning of value"],
    ["two values", "{} {}", "invalid character '{' after top-level value"],
    ["an array", "[]", "json: cannot unmarshal array into Go value of type map[string]interface {}"],
    ["a string", '"x"', "json: cannot unmarshal string into Go value of type map[string]interface {}"],
    ["a number", "1", "json: cannot unmarshal number into Go value of type map[string]interface {}"],
    ["a boolean", "true", "json: cannot unmarshal bool into Go value of type map[string]interface {}"],
  ])("refuses %s: %s", (_name, text, message) => {
    expect(check(text)).toBe(message);
  });
});

describe("encoding/json's nesting limit", () => {
  const nested = (depth: number) => `{"a":${"[".repeat(depth - 1)}${"]".repeat(depth - 1)}}`;
  it("takes 10000 levels, deeper than a recursive walk of this process could go", () => {
    expect(goJsonSyntaxError(Buffer.from(nested(10000)))).toBeNull();
  });
  it("refuses the 10001st at its bracket", () => {
    expect(goJsonSyntaxError(Buffer.from(nested(10001)))).toBe("invalid character '[' exceeded max depth");
    expect(check(`[${nested(100000)}]`)).toBe("invalid character '[' exceeded max depth");
  });
});
