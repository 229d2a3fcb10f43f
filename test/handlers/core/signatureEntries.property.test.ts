// Standard Webhooks' signature header is split into its distinct entries in one pass (signatureEntries); this pins
// it to the Set(split(" ").filter()) form it replaced, on headers built from the pieces that matter.
import assert from "node:assert/strict";
import fc from "fast-check";
import { signatureEntries } from "../../../handlers/core/verify/standardWebhooks";
import { SIGNATURE_LIMITS } from "../../../handlers/core/verify/types";

/** The form it replaced. */
function reference(header: string): string[] | "too many" {
  const entries = new Set(header.split(" ").filter((entry) => entry !== ""));
  return entries.size > SIGNATURE_LIMITS.maxEntries ? "too many" : [...entries];
}

const arbEntry = fc.oneof(fc.constantFrom("v1,abc=", "v1a,xyz", "v1,abc=", "v2,q", ",", "v1", "\t", "\u00a0"), fc.string({ maxLength: 6 }));
const arbHeader = fc.oneof(
  fc.array(fc.tuple(fc.constantFrom("", " ", "  ", "   "), arbEntry), { maxLength: 9 }).map((parts) => parts.flat().join("")),
  fc.string({ maxLength: 40 }),
  fc.array(fc.constantFrom(" ", "v", "1", ",", "a"), { maxLength: 30 }).map((chars) => chars.join("")),
);

describe("signatureEntries (one pass) answers as new Set(split(' ').filter(non-empty))", () => {
  it("the same distinct entries in order of first appearance, and the same cap, for any header", () => {
    fc.assert(
      fc.property(arbHeader, (header) => {
        const found = signatureEntries(header);
        const want = reference(header);
        if (found === "too many" || want === "too many") return assert.equal(found, want, JSON.stringify(header));
        assert.deepEqual(found.entries, want, JSON.stringify(header));
        // Each offset is where the entry first stands as a whole entry (after a space or at the start).
        found.entries.forEach((entry, k) => {
          const at = found.starts[k]!;
          assert.ok(header.startsWith(entry, at) && (at === 0 || header[at - 1] === " ") && [" ", undefined].includes(header[at + entry.length]), JSON.stringify(header));
          const firstWhole = header.split(" ").reduce<{ offset: number; found: number }>((acc, part) => ({ offset: acc.offset + part.length + 1, found: acc.found < 0 && part === entry ? acc.offset : acc.found }), { offset: 0, found: -1 }).found;
          assert.equal(at, firstWhole, JSON.stringify(header));
        });
      }),
      { numRuns: 5000 },
    );
  });

  it("the cap counts distinct entries: repeats count once, and the one past the cap is refused", () => {
    const distinct = Array.from({ length: SIGNATURE_LIMITS.maxEntries }, (_, i) => `v1,${i}`);
    const entriesOf = (header: string) => {
      const found = signatureEntries(header);
      return found === "too many" ? found : found.entries;
    };
    assert.deepEqual(entriesOf([...distinct, ...distinct].join(" ")), distinct);
    assert.equal(entriesOf([...distinct, "v1,extra"].join("  ")), "too many");
    assert.deepEqual(entriesOf("  "), []);
    assert.deepEqual(signatureEntries(" a  b a"), { entries: ["a", "b"], starts: [1, 4] });
  });
});
