// Twilio's bodySHA256 is read from the URL's query in place when nothing in it needs decoding (bodySha256Param);
// this pins it to URLSearchParams#get, which it replaces on that path, on queries built from the pieces that matter.
import assert from "node:assert/strict";
import fc from "fast-check";
import { bodySha256Param } from "../../../handlers/core/verify/twilio";

/** What the verifier read before: the first bodySHA256 parameter as URLSearchParams decodes it. */
function reference(url: string): string | undefined {
  const query = url.indexOf("?");
  return query < 0 ? undefined : (new URLSearchParams(url.slice(query + 1)).get("bodySHA256") ?? undefined);
}

const arbName = fc.constantFrom("bodySHA256", "bodysha256", "bodySHA2560", "xbodySHA256", "bodySHA25", "%62odySHA256", "body+SHA256", "body%20SHA256", "", "a", "bodySHA256 ");
const arbValue = fc.oneof(
  fc.constantFrom("", "0a1b", "%41%42", "a+b", "%zz", "%", "=", "x=y", "#frag", "\ud800", "\udc00x", "\ud83d\ude00", "é", "?"),
  fc.stringMatching(/^[0-9a-f]{0,8}$/),
  fc.string({ maxLength: 6 }),
  fc.string({ unit: "binary", maxLength: 4 }),
);
const arbPair = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(arbName, fc.constantFrom("=", "==", ""), arbValue).map((parts) => parts.join("")) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);
const arbUrl = fc
  .tuple(fc.constantFrom("https://x.example/", "https://x.example/path", "https://x.example/?", "https://x.example/??", "no-query"), fc.array(fc.tuple(arbPair, fc.constantFrom("&", "&&", "")), { maxLength: 6 }))
  .map(([base, pairs]) => base + (base.includes("?") || base === "no-query" ? "" : "?") + pairs.map(([pair, sep]) => pair + sep).join(""));

describe("bodySha256Param reads the query as URLSearchParams#get('bodySHA256') does", () => {
  it("the same value (or none) for any URL", () => {
    fc.assert(
      fc.property(arbUrl, (url) => {
        assert.equal(bodySha256Param(url), reference(url), JSON.stringify(url));
      }),
      { numRuns: 10_000 },
    );
  });

  it("the first occurrence decides; a name must match exactly, after decoding", () => {
    const hex = "ab".repeat(32);
    const cases: [string, string | undefined][] = [
      [`https://x/?bodySHA256=${hex}`, hex],
      [`https://x/?a=1&bodySHA256=${hex}&bodySHA256=other`, hex],
      [`https://x/??bodySHA256=${hex}`, hex],
      [`https://x/?%62odySHA256=${hex}`, hex],
      [`https://x/?bodySHA256=${hex}+`, `${hex} `],
      ["https://x/?bodySHA256", ""],
      ["https://x/?bodySHA256&bodySHA256=x", ""],
      ["https://x/?bodysha256=x", undefined],
      ["https://x/?bodySHA256x=1", undefined],
      ["https://x/", undefined],
      ["?bodySHA256=x", "x"],
      ["??bodySHA256=y", "y"],
      ["https://x/?bodySHA256=a\ud800b", "a\ufffdb"],
      ["https://x/?bodySHA256=\ud83d\ude00", "\ud83d\ude00"],
    ];
    for (const [url, want] of cases) assert.equal(bodySha256Param(url), want, url);
  });
});
