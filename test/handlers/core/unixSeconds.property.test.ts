// unixSecondsOf (handlers/core/verify/types.ts) reads timestamps in one loop instead of a regex and Number(): the
// same answers as that form on any string, so no timestamp is read differently than before.
import assert from "node:assert/strict";
import fc from "fast-check";
import { checkTimestamp, unixSecondsOf } from "../../../handlers/core/verify/types";

/** The form it replaces. */
const byRegex = (value: string) => (/^\d{1,12}$/.test(value) ? Number(value) : -1);

/** Strings near the accepted ones: digits (ASCII and others that are digits elsewhere), signs, spaces, dots, 'e'. */
const arbNearTimestamp = fc.array(fc.constantFrom(..."0123456789", "٣", "１", "+", "-", " ", ".", "e", "\u0000", "/", ":"), { maxLength: 14 }).map((chars) => chars.join(""));

describe("unix seconds", () => {
  it("reads exactly what /^\\d{1,12}$/ then Number() reads, on any string", () => {
    fc.assert(fc.property(fc.oneof(arbNearTimestamp, fc.string({ maxLength: 16 }), fc.string({ unit: "binary", maxLength: 16 }), fc.string({ unit: "grapheme", maxLength: 8 })), (value) => assert.equal(unixSecondsOf(value), byRegex(value))), { numRuns: 3000 });
    for (const value of ["", "0", "000000000000", "999999999999", "1000000000000", "1760000000", " 1760000000", "1760000000 ", "-1", "+1", "1e9", "0x10", "1.5", "١٢٣", "\uD800", "1\uDC00", "17600000\uD835\uDFCE", "1760000000\n"]) {
      assert.equal(unixSecondsOf(value), byRegex(value), JSON.stringify(value));
    }
  });

  it("a timestamp is accepted within the tolerance either way and refused just past it, as malformed when it is not unix seconds", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999_999 }), fc.integer({ min: 0, max: 86_400 }), fc.integer({ min: -100_000, max: 100_000 }), (now, tolerance, skew) => {
        const stamp = now + skew;
        fc.pre(stamp >= 0 && stamp <= 999_999_999_999);
        const checked = checkTimestamp("t", String(stamp), now, tolerance);
        if (Math.abs(skew) <= tolerance) assert.equal(checked, stamp);
        else assert.equal(typeof checked === "object" && checked.reason, "timestamp_out_of_tolerance");
      }),
    );
    // The epoch itself (and any spelling of 0) is a timestamp, not a malformed one.
    for (const zero of ["0", "000000000000"]) assert.equal(checkTimestamp("t", zero, 0, 300), 0);
    const malformed = checkTimestamp("t", "1760000000.5", 1_760_000_000, 300);
    assert.equal(typeof malformed === "object" && malformed.reason, "malformed_header");
  });
});
