// The verifiers compare a header's digest as text against the HMAC's own text (crypto.ts hmacText), where they
// used to decode the header into bytes. These properties pin that nothing changed in what is accepted: a text
// matches exactly when the strict decoders would have decoded it to the same bytes.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import fc from "fast-check";
import {
  constantTimeEqual, decodeBase64, decodeHex, digestTextEqual, hmacText, isCanonicalBase64, isHexText, macEventId, macEventIdOfText,
  type DigestEncoding,
} from "../../../handlers/core/crypto";
import { firstHeader, firstHeaderName, firstHeaderOf, isTrimmed, trimmedEnd, trimmedStart } from "../../../handlers/core/headers";

const arbEncoding = fc.constantFrom<DigestEncoding>("hex", "base64");
/** MAC lengths the verifiers meet (SHA-1, SHA-256, SHA-512) and a few odd ones for the base64 padding cases. */
const arbMac = fc.oneof(fc.constantFrom(20, 32, 64), fc.integer({ min: 0, max: 70 })).chain((length) => fc.uint8Array({ minLength: length, maxLength: length }).map((bytes) => Buffer.from(bytes)));

/** Spellings near the canonical text: case changes, one character changed, cut or extended, padding bits set. */
function arbSpellingOf(canonical: string): fc.Arbitrary<string> {
  const flipCase = fc.array(fc.boolean(), { minLength: canonical.length, maxLength: canonical.length }).map((flips) =>
    [...canonical].map((c, i) => (flips[i] ? (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) : c)).join(""),
  );
  const changed = fc.tuple(fc.nat(), fc.constantFrom(..."0123456789abcdefABCDEF+/=gzAQw \t\u00e9\u0130\u212a\u0000".split(""))).map(([at, c]) =>
    canonical.length === 0 ? c : canonical.slice(0, at % canonical.length) + c + canonical.slice((at % canonical.length) + 1),
  );
  // base64's last data character before "=" or "==" with padding bits set: decodes to the same bytes, not canonical.
  const paddingBits = fc.integer({ min: 1, max: 15 }).map((bits) => {
    const at = canonical.endsWith("==") ? canonical.length - 3 : canonical.endsWith("=") ? canonical.length - 2 : -1;
    if (at < 0) return canonical;
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    return canonical.slice(0, at) + alphabet[(alphabet.indexOf(canonical[at]!) ^ bits) & 63] + canonical.slice(at + 1);
  });
  return fc.oneof(
    fc.constant(canonical),
    flipCase,
    changed,
    paddingBits,
    fc.nat({ max: canonical.length }).map((n) => canonical.slice(0, n)),
    fc.string({ maxLength: 3 }).map((extra) => canonical + extra),
    fc.string({ maxLength: 90 }),
    fc.string({ unit: "binary", maxLength: 90 }),
  );
}

const strictDecode = (text: string, encoding: DigestEncoding) => (encoding === "hex" ? decodeHex(text) : decodeBase64(text));
const wellFormed = (text: string, encoding: DigestEncoding) => (encoding === "hex" ? isHexText(text) : isCanonicalBase64(text));

describe("digest texts: compared as text, accepted exactly as the strict decoders accept", () => {
  it("a spelling matches the HMAC's text if and only if it decodes strictly to the same bytes", () => {
    fc.assert(
      fc.property(arbMac, arbEncoding, (mac, encoding) =>
        fc.assert(
          fc.property(arbSpellingOf(mac.toString(encoding)), (provided) => {
            const decoded = strictDecode(provided, encoding);
            const before = decoded !== undefined && constantTimeEqual(decoded, mac);
            assert.equal(digestTextEqual(provided, mac.toString(encoding), encoding), before, JSON.stringify(provided));
          }),
          { numRuns: 30 },
        ),
      ),
      { numRuns: 60 },
    );
  });

  it("a match implies a well-formed text (a verifier tells malformed from wrong only once nothing matched)", () => {
    fc.assert(
      fc.property(arbMac, arbEncoding, fc.string({ maxLength: 90 }), (mac, encoding, junk) => {
        for (const provided of [junk, mac.toString(encoding), mac.toString(encoding).toUpperCase()]) {
          if (digestTextEqual(provided, mac.toString(encoding), encoding)) assert.ok(wellFormed(provided, encoding), JSON.stringify(provided));
        }
      }),
    );
  });

  it("a bounded text inside a header value compares as the trimmed slice would", () => {
    const arbSpace = fc.array(fc.constantFrom(" ", "\t", "\u00a0", "\u3000", "\ufeff", "\u2028"), { maxLength: 3 }).map((units) => units.join(""));
    fc.assert(
      fc.property(arbMac, arbEncoding, fc.constantFrom("", "sha256=", "v0="), arbSpace, arbSpace, fc.boolean(), (mac, encoding, prefix, lead, trail, wrong) => {
        const digest = wrong ? mac.toString(encoding).slice(1) : mac.toString(encoding);
        const value = `${prefix}${lead}${digest}${trail}`;
        const start = trimmedStart(value, prefix.length, value.length);
        const end = trimmedEnd(value, start, value.length);
        assert.equal(value.slice(start, end), value.slice(prefix.length).trim());
        assert.equal(digestTextEqual(value, mac.toString(encoding), encoding, start, end), digestTextEqual(value.slice(prefix.length).trim(), mac.toString(encoding), encoding));
      }),
    );
  });

  it("isCanonicalBase64 is exactly 'base64 that re-encodes to itself'", () => {
    const loose = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
    fc.assert(
      fc.property(arbMac.chain((mac) => arbSpellingOf(mac.toString("base64"))), (text) => {
        assert.equal(isCanonicalBase64(text), loose.test(text) && Buffer.from(text, "base64").toString("base64") === text, JSON.stringify(text));
      }),
      { numRuns: 2000 },
    );
  });

  it("hmacText is the digest's own text, and the event id from it is the id from the bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 200 }), fc.constantFrom<"sha1" | "sha256">("sha1", "sha256"), arbEncoding, (key, body, algorithm, encoding) => {
        const bytes = createHmac(algorithm, key).update("part.").update(body).digest();
        const text = hmacText(algorithm, key, encoding, "part.", body);
        assert.equal(text, bytes.toString(encoding));
        assert.equal(macEventIdOfText(text, encoding), macEventId(bytes));
      }),
    );
  });

  it("the id from a digest's text is the id from its bytes at every length (SHA-1 and SHA-256 MACs through a reused buffer)", () => {
    fc.assert(
      fc.property(arbMac, arbEncoding, (mac, encoding) => {
        assert.equal(macEventIdOfText(mac.toString(encoding), encoding), macEventId(mac));
      }),
      { numRuns: 500 },
    );
    // The same buffer decoded twice in a row: the second id is not the first's.
    assert.equal(macEventIdOfText("00".repeat(32), "hex"), macEventId(Buffer.alloc(32)));
    assert.equal(macEventIdOfText("ff".repeat(32), "hex"), macEventId(Buffer.alloc(32, 0xff)));
  });

  it("any one UTF-16 code unit put in place of one character matches exactly when the strict decoders accept it", () => {
    // Exhaustive over the code units at a few positions: a fold that maps anything but A-F onto a hex digit, or a
    // base64 comparison that is not exact, shows here whatever the random spellings above happen to draw.
    const mac = createHmac("sha256", "key").update("body").digest();
    for (const encoding of ["hex", "base64"] as const) {
      const expected = mac.toString(encoding);
      for (const at of [0, 1, expected.length >> 1, expected.length - 2, expected.length - 1]) {
        for (let code = 0; code <= 0xffff; code++) {
          const provided = expected.slice(0, at) + String.fromCharCode(code) + expected.slice(at + 1);
          const decoded = strictDecode(provided, encoding);
          const accepted = decoded !== undefined && constantTimeEqual(decoded, mac);
          if (digestTextEqual(provided, expected, encoding) !== accepted) assert.fail(`${encoding} at ${at}: U+${code.toString(16)} gives ${!accepted}, the strict decoder ${accepted}`);
        }
      }
    }
  });
});

describe("header helpers of the hot path", () => {
  it("isTrimmed is exactly what String.prototype.trim removes, for every UTF-16 code unit", () => {
    for (let code = 0; code <= 0xffff; code++) {
      const removed = `${String.fromCharCode(code)}x`.trim() === "x";
      if (isTrimmed(code) !== removed) assert.fail(`U+${code.toString(16)}: isTrimmed ${isTrimmed(code)}, trim removes it: ${removed}`);
    }
  });

  it("trimmedStart and trimmedEnd bound exactly what slice(start, end).trim() keeps, for any text and range", () => {
    const arbText = fc.array(fc.constantFrom("a", "=", ",", " ", "\t", "\n", "\u00a0", "\u2028", "\ufeff", "\u180e", "\u200b", "x"), { maxLength: 12 }).map((units) => units.join(""));
    fc.assert(
      fc.property(arbText, fc.nat(14), fc.nat(14), (text, a, b) => {
        const from = Math.min(a, b, text.length);
        const to = Math.min(Math.max(a, b), text.length);
        const start = trimmedStart(text, from, to);
        const end = trimmedEnd(text, start, to);
        assert.ok(from <= start && start <= end && end <= to);
        assert.equal(text.slice(start, end), text.slice(from, to).trim(), JSON.stringify([text, from, to]));
      }),
      { numRuns: 3000 },
    );
  });

  it("firstHeaderOf answers as firstHeader: the first present, non-empty header", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom("a", "b", "c", "d"), fc.constantFrom("", "x", "y")), fc.array(fc.constantFrom("a", "b", "c", "d"), { maxLength: 4 }), (headers, names) => {
        const expected = names.map((name) => headers[name]).find((value) => value !== undefined && value !== "");
        assert.equal(firstHeaderOf(headers, names), expected);
        assert.equal(firstHeaderName(headers, names), names.find((name) => headers[name] !== undefined && headers[name] !== ""));
        assert.equal(firstHeader(headers, ...names), expected);
      }),
    );
    // Past the last name there is nothing to look up, not even a header that happens to be called "undefined".
    assert.equal(firstHeaderOf({ undefined: "x" }, []), undefined);
    assert.equal(firstHeaderOf({ undefined: "x", a: "y" }, ["a"]), "y");
  });
});
