// The top-level scanner (handlers/core/verify/jsonScan.ts) at each of its refusals: a body whose top level is not
// JSON grammar yields no member, even when a well-formed member follows the fault; and its answer always has one
// entry per field asked. Every refused body here is one JSON.parse refuses too.
import assert from "node:assert/strict";
import { lastTopLevelStrings, topLevelString, topLevelStrings } from "../../../handlers/core/verify/jsonScan";

/** The scan's answer for `id`, after checking what JSON.parse says of the same text. */
function idOf(text: string, parses: boolean): string | undefined {
  if (parses) assert.doesNotThrow(() => JSON.parse(text), text);
  else assert.throws(() => JSON.parse(text), SyntaxError, text);
  return topLevelString(Buffer.from(text), "id");
}

describe("jsonScan: a fault at the top level yields no member, even before a well-formed one", () => {
  it("the body must open with '{' (after whitespace): a member after any other first byte is not taken", () => {
    for (const text of ['x"id":"v"}', ';"id":"v"}', ' ["id":"v"}', '"id":"v"}']) assert.equal(idOf(text, false), undefined, text);
    assert.equal(idOf(' \t\r\n{"id":"v"}', true), "v");
  });

  it("every member name opens with a quote: the bytes up to a later quote are not a name", () => {
    assert.equal(topLevelString(Buffer.from('{ab":"v"}'), "b"), undefined);
    assert.equal(idOf('{x"id":"v"}', false), undefined);
    assert.equal(idOf('{"a":1,x"id":"v"}', false), undefined);
  });

  it("a name is followed by ':' and nothing else", () => {
    for (const text of ['{"id";"v"}', '{"id","v"}', '{"id" "v"}', '{"id"=:"v"}']) assert.equal(idOf(text, false), undefined, text);
  });

  it("members are separated by ',' and nothing else", () => {
    for (const text of ['{"a":"b";"id":"v"}', '{"a":"b" "id":"v"}', '{"a":1;"id":"v"}', '{"a":[1]:"id":"v"}']) assert.equal(idOf(text, false), undefined, text);
    assert.equal(idOf('{"a":"b" ,\n"id":"v"}', true), "v");
  });

  it("a member's value is not empty", () => {
    for (const text of ['{"a":,"id":"v"}', '{"a": ,"id":"v"}', '{"id":"v","a":}', '{"id":"v","a":']) assert.equal(idOf(text, false), undefined, text);
  });

  it("a bare value is a number or a literal: any byte neither contains ends the scan as not JSON", () => {
    // Each valid number and literal spelling: the member after it is found.
    for (const scalar of ["0", "-1.5E+3", "2e-2", "1E5", "true", "false", "null", "-0.0e0"]) {
      assert.equal(idOf(`{"a":${scalar},"id":"v"}`, true), "v", scalar);
    }
    // A byte no number or literal has, in a bare value: from below '0', between '9' and 'a', above 'z', and
    // letters that are in none of true, false, null or an exponent.
    for (const bad of ["#", "/", "@", "Z", "_", "z", "x", "|", "~", "{", "]", "'", "\u00e9"]) {
      assert.equal(idOf(`{"a":1${bad},"id":"v"}`, false), undefined, `1${bad}`);
      assert.equal(idOf(`{"a":${bad},"id":"v"}`, false), undefined, bad);
    }
  });

  it("a string that opens at the last byte, or never closes, is not a token (and the scan ends)", () => {
    for (const text of ['{"', '{"id":"', '{"id":"v","', '{"a":{"', '{"id":"v","a":"\\', `{"id":"${"x".repeat(40)}`, `{"id":"${"x".repeat(40)}\\"}`]) {
      assert.equal(idOf(text, false), undefined, text);
    }
  });

  it("a value of raw control bytes is not a JSON string, whatever else it holds", () => {
    for (const value of ["\u0001", "\u001f", "\u0000\u0000", "\t", "a\nb", "\u0001a"]) assert.equal(idOf(`{"id":"${value}"}`, false), undefined, JSON.stringify(value));
    // The first byte JSON allows unescaped is the space.
    assert.equal(idOf('{"id":" "}', true), " ");
    assert.equal(idOf('{"id":"\\u0001"}', true), "\u0001");
  });

  it("a member name that does not decode (a raw control byte, an unknown escape) refuses the body, in either direction", () => {
    for (const name of ["\u0001", "a\nb", "\\q", "\\u00zz"]) {
      assert.equal(idOf(`{"${name}":1,"id":"v"}`, false), undefined, JSON.stringify(name));
      const backwards = `{"id":"v","${name}":1}`;
      assert.throws(() => JSON.parse(backwards), SyntaxError, backwards);
      assert.deepEqual(lastTopLevelStrings(Buffer.from(backwards), ["id"]), [undefined], JSON.stringify(name));
    }
  });
});

describe("jsonScan: the answer has one entry per field asked, in the order asked", () => {
  it("found, absent and refused members alike", () => {
    const fields = ["a", "b", "c"];
    assert.deepEqual(topLevelStrings(Buffer.from("not json"), fields), [undefined, undefined, undefined]);
    assert.deepEqual(topLevelStrings(Buffer.from('{"a":"1"'), fields), [undefined, undefined, undefined]);
    assert.deepEqual(topLevelStrings(Buffer.from('{"c":"3","a":"1"}'), fields), ["1", undefined, "3"]);
    assert.deepEqual(topLevelStrings(Buffer.from("{}"), fields), [undefined, undefined, undefined]);
    assert.deepEqual(topLevelStrings(Buffer.from('{"a":1}'), []), []);
  });
});
