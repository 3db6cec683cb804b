/** The stock messages of apimachinery's validation, which field errors of many kinds share. */

/** apimachinery's InclusiveRangeError. */
export function inclusiveRange(lo: number, hi: number): string {
  return `must be between ${lo} and ${hi}, inclusive`;
}

/** apimachinery's IsNegativeErrorMsg. */
export const isNegativeMessage = "must be greater than or equal to 0";

/** apimachinery's FieldImmutableErrorMsg. */
export const immutableMessage = "field is immutable";
