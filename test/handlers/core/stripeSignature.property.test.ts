// Stripe-Signature is parsed in one pass (parseStripeSignature); these properties pin it to the split-and-trim
// form it replaced, on headers built from the pieces that matter (keys, separators, whitespace, duplicates).
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseStripeSignature } from "../../../handlers/core/verify/stripe";
import { SIGNATURE_LIMITS } from "../../../handlers/core/verify/types";

/** The form it replaced: split on commas, the first "=" splits key from value, both trimmed, v1 values deduplicated. */
function reference(header: string): { timestamp: string | undefined; v1: string[] } | "too many" {
  let timestamp: string | undefined;
  const seen = new Set<string>();
  for (const item of header.split(",")) {
    const eq = item.indexOf("=");
    if (eq < 0) continue;
    const key = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (key === "t") timestamp = value;
    else if (key === "v1") seen.add(value);
  }
  return seen.size > SIGNATURE_LIMITS.maxEntries ? "too many" : { timestamp, v1: [...seen] };
}

const arbSpace = fc.constantFrom("", " ", "  ", "\t", "\u00a0", "\ufeff", "\u2028");
const arbKey = fc.constantFrom("t", "v1", "v0", "v", "T", "1", "tt", "v1v", "");
const arbValue = fc.oneof(fc.constantFrom("1700000000", "ab", "AB12", "zz", "", "a=b", "0"), fc.stringMatching(/^[0-9a-fA-F]{0,8}$/), fc.string({ maxLength: 6 }));
const arbItem = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(arbSpace, arbKey, arbSpace, fc.constantFrom("=", "=="), arbSpace, arbValue, arbSpace).map((parts) => parts.join("")) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);
const arbHeader = fc.oneof(
  fc.array(arbItem, { maxLength: 9 }).map((items) => items.join(",")),
  fc.string({ maxLength: 40 }),
  fc.array(fc.constantFrom(",", "=", " ", "t", "v", "1", "a"), { maxLength: 30 }).map((chars) => chars.join("")),
);

describe("parseStripeSignature (one pass) answers as split(',') and trim() per item", () => {
  it("the same t, the same distinct v1 values in order (well formed or not), the same cap, for any header", () => {
    fc.assert(
      fc.property(arbHeader, (header) => {
        const parsed = parseStripeSignature(header);
        const want = reference(header);
        if (parsed === "too many" || want === "too many") return assert.equal(parsed, want, JSON.stringify(header));
        assert.deepEqual({ timestamp: parsed.timestamp, v1: parsed.v1 }, want, JSON.stringify(header));
        // Where each value first stands: its item's value, trimmed (the verifier compares it there).
        const firstStart = (value: string) => {
          let offset = 0;
          for (const item of header.split(",")) {
            const eq = item.indexOf("=");
            if (eq >= 0 && item.slice(0, eq).trim() === "v1" && item.slice(eq + 1).trim() === value) {
              const raw = item.slice(eq + 1);
              return offset + eq + 1 + (raw.length - raw.trimStart().length);
            }
            offset += item.length + 1;
          }
          return -1;
        };
        parsed.v1.forEach((value, k) => assert.equal(parsed.v1Starts[k], firstStart(value), JSON.stringify(header)));
      }),
      { numRuns: 5000 },
    );
  });

  it("the cap counts distinct v1 values, well formed or not; repeats count once", () => {
    const values = Array.from({ length: SIGNATURE_LIMITS.maxEntries + 1 }, (_, i) => `v1=${i === 0 ? "zz" : "ab".repeat(i)}`);
    assert.equal(parseStripeSignature(`t=1,${values.join(",")}`), "too many");
    const parsed = parseStripeSignature(`t=1,${values.slice(1).join(",")},${values[1]}`);
    assert.ok(parsed !== "too many");
    assert.deepEqual(parsed.v1, values.slice(1).map((v) => v.slice(3)));
  });

  it("an '=' found ahead, in a later item, belongs to that item only", () => {
    assert.deepEqual(parseStripeSignature("t,v1=ab"), { timestamp: undefined, v1: ["ab"], v1Starts: [5] });
    assert.deepEqual(parseStripeSignature("v1,t=5,,"), { timestamp: "5", v1: [], v1Starts: [] });
    assert.deepEqual(parseStripeSignature("t=5,v1=zz,v1= ab "), { timestamp: "5", v1: ["zz", "ab"], v1Starts: [7, 14] });
    assert.deepEqual(parseStripeSignature(`${",".repeat(2046)}t=1`), { timestamp: "1", v1: [], v1Starts: [] });
  });
});
