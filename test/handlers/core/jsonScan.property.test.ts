// The top-level member scanner that replaces JSON.parse on the verify hot path (Stripe id, Slack event_id, type,
// challenge), checked against JSON.parse on generated documents, written with every legal spelling (whitespace,
// escapes in names and values, duplicates) and with adversarial content (the field nested, the field's text
// inside strings, backslash runs before quotes, deep nesting).
import assert from "node:assert/strict";
import fc from "fast-check";
import { firstTopLevelString, lastTopLevelStrings, topLevelString, topLevelStrings } from "../../../handlers/core/verify/jsonScan";
import { jsonStringField } from "../../../handlers/core/verify/types";

const FIELDS = ["id", "event_id", "type", "challenge"] as const;

const arbWs = fc.constantFrom("", " ", "\n", "\t", "\r\n  ", "   ");

/** A JSON string token for `s`: plain, every character as \uXXXX, or every other one. */
function spell(s: string, mode: number): string {
  if (mode === 0) return JSON.stringify(s);
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const plain = JSON.stringify(s[i]!).slice(1, -1);
    out += mode === 1 || i % 2 === 1 ? `\\u${s.charCodeAt(i).toString(16).padStart(4, "0")}` : plain;
  }
  return `${out}"`;
}

/** Strings that try to look like members: the field's text, quotes, backslash runs. */
const arbTrickyString = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.constantFrom(...FIELDS),
  fc.constantFrom('","id":"evil', '\\", "id": "evil', '\\\\', '\\\\\\"', '{"id":"x"}', "}", "]", "\"", "evt_\u00e9\u2028\ud83d\ude00", "a".repeat(40)),
);

const arbValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: arbTrickyString },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  // The field nested, at several depths, with string values: must never be taken for the top-level one.
  { weight: 1, arbitrary: fc.record({ id: arbTrickyString, type: fc.constant("url_verification"), event_id: arbTrickyString, challenge: arbTrickyString, nested: fc.jsonValue({ maxDepth: 2 }) }) },
  { weight: 1, arbitrary: fc.array(fc.record({ id: arbTrickyString }), { maxLength: 3 }) },
);

const arbName = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...FIELDS) }, { weight: 1, arbitrary: fc.constantFrom("idd", "i", "", "ID", "event", "data") }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) });

/** A document written member by member, so names may repeat and any token may be spelled with escapes. */
const arbDocument = fc
  .record({
    members: fc.array(fc.record({ name: arbName, value: arbValue, nameMode: fc.nat(2), valueMode: fc.nat(2), indent: fc.constantFrom(undefined, 2, "\t"), ws: fc.array(arbWs, { minLength: 4, maxLength: 4 }) }), { maxLength: 8 }),
    lead: arbWs,
    trail: arbWs,
  })
  .map(({ members, lead, trail }) => {
    // Built token by token, keeping the byte offsets of the top level: `gaps` between two top-level tokens (where
    // only whitespace may stand), `structure` of each '{', ':', ',' and '}' of the top-level object.
    let text = "";
    const gaps: number[] = [];
    const structure: number[] = [];
    /** Where each member's name token starts. */
    const nameOffsets: number[] = [];
    const put = (piece: string, kind: "token" | "structure" | "ws") => {
      if (kind === "structure") structure.push(Buffer.byteLength(text));
      text += piece;
      if (kind !== "ws") gaps.push(Buffer.byteLength(text));
    };
    gaps.push(0);
    put(lead, "ws");
    gaps.push(Buffer.byteLength(text));
    put("{", "structure");
    members.forEach(({ name, value, nameMode, valueMode, indent, ws }, index) => {
      if (index > 0) put(",", "structure");
      put(ws[0]!, "ws");
      gaps.push(Buffer.byteLength(text));
      nameOffsets.push(Buffer.byteLength(text));
      put(spell(name, nameMode), "token");
      put(ws[1]!, "ws");
      put(":", "structure");
      put(ws[2]!, "ws");
      gaps.push(Buffer.byteLength(text));
      put(typeof value === "string" ? spell(value, valueMode) : JSON.stringify(value, null, indent), "token");
      put(ws[3]!, "ws");
      gaps.push(Buffer.byteLength(text));
    });
    put("}", "structure");
    put(trail, "ws");
    gaps.push(Buffer.byteLength(text));
    return { text, members, trail, gaps, structure, nameOffsets };
  });

/** The answer for a body that is not a JSON object: one undefined per field asked. */
const NONE_OF = FIELDS.map(() => undefined);

/**
 * Bytes JSON allows nowhere between top-level tokens and no number or literal contains (so a stray one next to a
 * scalar is not read as part of it): ; # : , { } [ ] \ NUL x Z / and a byte that is not UTF-8. Not '"': a stray
 * quote re-tokenizes the rest, so nested contents would be read as top-level ones (which the scan does not validate).
 */
const STRAY = [0x3b, 0x23, 0x3a, 0x2c, 0x7b, 0x7d, 0x5b, 0x5d, 0x5c, 0x00, 0x78, 0x5a, 0x2f, 0xff];

/** One byte changed, dropped or inserted somewhere in a document. */
const arbEdit = fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }), how: fc.constantFrom("set", "drop", "insert") });

/** The document with the edit applied (at a position taken modulo its length); undefined for an empty one. */
function edited(bytes: Buffer, { at, byte, how }: { at: number; byte: number; how: "set" | "drop" | "insert" }): Buffer | undefined {
  if (bytes.length === 0) return undefined;
  const i = at % bytes.length;
  if (how === "set") return Buffer.concat([bytes.subarray(0, i), Buffer.from([byte]), bytes.subarray(i + 1)]);
  if (how === "drop") return Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + 1)]);
  return Buffer.concat([bytes.subarray(0, i), Buffer.from([byte]), bytes.subarray(i)]);
}

/** When the bytes are still JSON, every value a scan found (one per FIELDS entry) is JSON.parse's. */
function assertJsonParseOrNothing(bytes: Buffer, found: readonly (string | undefined)[]): void {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(bytes.toString("utf8")) as Record<string, unknown>;
  } catch {
    return;
  }
  FIELDS.forEach((field, index) => {
    if (found[index] !== undefined) assert.equal(found[index], parsed[field], `${field} in ${bytes.toString()}`);
  });
}

/** What a member-level reading gives: the value when the name occurs exactly once with a string value. */
function expected(members: readonly { name: string; value: unknown }[], field: string): string | undefined {
  const hits = members.filter((m) => m.name === field);
  return hits.length === 1 && typeof hits[0]!.value === "string" ? hits[0]!.value : undefined;
}

describe("jsonScan: top-level string members without parsing (properties)", () => {
  it("agrees with JSON.parse on every document: the member's value when it occurs once as a string, else undefined", () => {
    fc.assert(
      fc.property(arbDocument, ({ text, members }) => {
        const parsed = JSON.parse(text) as Record<string, unknown>;
        const found = topLevelStrings(Buffer.from(text), FIELDS);
        FIELDS.forEach((field, index) => {
          const want = expected(members, field);
          assert.equal(found[index], want, `${field} in ${text}`);
          // Whatever the scan returns is what JSON.parse returns.
          if (found[index] !== undefined) assert.equal(found[index], parsed[field]);
        });
      }),
      { numRuns: 3000 },
    );
  });

  it("any JSON value: never returns something JSON.parse does not (nested members and string contents are never taken)", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.constantFrom(undefined, 1, 2, "\t"), fc.constantFrom(...FIELDS), (value, indent, field) => {
        const text = JSON.stringify(value, null, indent);
        const parsed: unknown = JSON.parse(text);
        const isObject = parsed !== null && typeof parsed === "object" && !Array.isArray(parsed);
        const want = isObject && typeof (parsed as Record<string, unknown>)[field] === "string" ? (parsed as Record<string, string>)[field] : undefined;
        assert.equal(topLevelString(Buffer.from(text), field), want);
      }),
      { numRuns: 2000 },
    );
  });

  it("a mutated document (any byte changed, dropped or inserted) never throws; when it is still JSON the answer is JSON.parse's or undefined", () => {
    fc.assert(
      fc.property(arbDocument, arbEdit, ({ text }, edit) => {
        const mutated = edited(Buffer.from(text), edit);
        if (mutated) assertJsonParseOrNothing(mutated, topLevelStrings(mutated, FIELDS));
      }),
      { numRuns: 3000 },
    );
  });

  it("a truncated document (any strict prefix of the object) yields no member: the object never closes", () => {
    fc.assert(
      fc.property(arbDocument, ({ text, trail }) => {
        const bytes = Buffer.from(text);
        const closed = bytes.length - Buffer.byteLength(trail);
        for (let cut = 0; cut < closed; cut++) {
          assert.deepEqual(topLevelStrings(bytes.subarray(0, cut), FIELDS), NONE_OF, bytes.subarray(0, cut).toString());
        }
      }),
      { numRuns: 200 },
    );
  });

  it("a stray byte between top-level tokens, or in place of the object's '{', ':', ',' or '}', makes the body not JSON and yields no member", () => {
    fc.assert(
      fc.property(arbDocument, fc.nat(), fc.constantFrom(...STRAY), fc.boolean(), ({ text, gaps, structure }, at, byte, replace) => {
        const bytes = Buffer.from(text);
        const i = replace ? structure[at % structure.length]! : gaps[at % gaps.length]!;
        fc.pre(!replace || bytes[i] !== byte);
        const mutated = Buffer.concat([bytes.subarray(0, i), Buffer.from([byte]), bytes.subarray(replace ? i + 1 : i)]);
        assert.throws(() => JSON.parse(mutated.toString("utf8")), SyntaxError, mutated.toString());
        assert.deepEqual(topLevelStrings(mutated, FIELDS), NONE_OF, mutated.toString());
      }),
      { numRuns: 3000 },
    );
  });

  it("adversarial documents", () => {
    const cases: [string, string | undefined][] = [
      ['{"id":"evt_1"}', "evt_1"],
      [' \n{ "id" : "evt_1" } \r\n', "evt_1"],
      ['{"data":{"id":"nested"}}', undefined],
      ['{"data":[{"id":"nested"}],"id":"top"}', "top"],
      ['{"note":"\\"id\\":\\"inside\\"","id":"top"}', "top"],
      ['{"note":"\\\\","id":"top"}', "top"],
      ['{"note":"\\\\\\"id\\":\\"x","id":"top"}', "top"],
      ['{"note":"x\\\\\\\\","id":"top"}', "top"],
      ['{"id":"first","id":"second"}', undefined],
      ['{"id":"first","\\u0069d":"second"}', undefined],
      ['{"\\u0069\\u0064":"escaped name"}', "escaped name"],
      ['{"id":"evt_\\u0031"}', "evt_1"],
      ['{"id":"a\\"b"}', 'a"b'],
      ['{"id":7}', undefined],
      ['{"id":null}', undefined],
      ['{"id":{"id":"x"}}', undefined],
      ['["id","x"]', undefined],
      ['"id"', undefined],
      ["", undefined],
      ['{"id":"x"', undefined],
      ['{"id":"x"}}', undefined],
      ['{"id":"x"} {"id":"y"}', undefined],
      ['{"id":"x",}', undefined],
      ['{"id" "x"}', undefined],
      ['{"id":"x\u0001"}', undefined],
      ["\ufeff{\"id\":\"x\"}", undefined],
      [`{"deep":${"[".repeat(100_000)}${"]".repeat(100_000)},"id":"after deep nesting"}`, "after deep nesting"],
      [`{"deep":${"[".repeat(100_000)},"id":"unclosed"}`, undefined],
      [`{"long":"${"x".repeat(100_000)}\\"","id":"after a long string"}`, "after a long string"],
      [`{"long":"${"\\\\".repeat(50_000)}","id":"after backslashes"}`, "after backslashes"],
    ];
    for (const [text, want] of cases) {
      assert.equal(topLevelString(Buffer.from(text), "id"), want, text.slice(0, 80));
      let parsed: unknown;
      try {
        parsed = (JSON.parse(text) as Record<string, unknown>)?.id;
      } catch {
        parsed = undefined;
      }
      if (want !== undefined) assert.equal(want, parsed, text.slice(0, 80));
    }
  });

  it("jsonStringField keeps its contract: non-empty top-level string, else undefined", () => {
    assert.equal(jsonStringField(Buffer.from('{"id":""}'), "id"), undefined);
    assert.equal(jsonStringField(Buffer.from('{"id":"e"}'), "id"), "e");
    assert.equal(jsonStringField(Buffer.from("not json"), "id"), undefined);
  });
});

/** The first top-level occurrence's value when it is a string (what firstTopLevelString promises). */
function firstExpected(members: readonly { name: string; value: unknown }[], field: string): string | undefined {
  const first = members.find((m) => m.name === field);
  return typeof first?.value === "string" ? first.value : undefined;
}

describe("jsonScan: the first occurrence of one member, the scan ending there (Stripe's id)", () => {
  it("on every generated document, the first top-level occurrence's value when it is a string, else undefined", () => {
    fc.assert(
      fc.property(arbDocument, fc.constantFrom(...FIELDS), ({ text, members }, field) => {
        assert.equal(firstTopLevelString(Buffer.from(text), field), firstExpected(members, field), `${field} in ${text}`);
      }),
      { numRuns: 3000 },
    );
  });

  it("wherever the whole-body scan gives a value, it gives the same one (an id stored before the switch is the id of a retry after it)", () => {
    let compared = 0;
    fc.assert(
      fc.property(arbDocument, fc.constantFrom(...FIELDS), ({ text }, field) => {
        const bytes = Buffer.from(text);
        const whole = topLevelString(bytes, field);
        if (whole === undefined) return;
        compared++;
        assert.equal(firstTopLevelString(bytes, field), whole, text);
      }),
      { numRuns: 3000 },
    );
    assert.ok(compared > 300, `only ${compared} documents had a value to compare`);
  });

  it("the bytes after the member's value are never read: anything appended there, JSON or not, gives the same answer", () => {
    fc.assert(
      fc.property(arbDocument, fc.uint8Array({ maxLength: 40 }), ({ members }, tail) => {
        const before = members.filter((m) => m.name !== "id").map((m) => `${JSON.stringify(m.name)}:${JSON.stringify(m.value)}`);
        const head = `{${[...before, '"id":"evt_first"'].join(",")}`;
        assert.equal(firstTopLevelString(Buffer.concat([Buffer.from(head), Buffer.from(tail)]), "id"), "evt_first", head);
      }),
      { numRuns: 1000 },
    );
  });

  it("the bytes before it are checked as strictly as by the whole-body scan: a stray byte there yields nothing", () => {
    fc.assert(
      fc.property(arbDocument, fc.nat(), fc.constantFrom(...STRAY), fc.boolean(), ({ text, gaps, structure, members, nameOffsets }, at, byte, replace) => {
        const bytes = Buffer.from(text);
        // Positions up to the first "id" member's name are before the stop.
        const firstId = members.findIndex((m) => m.name === "id");
        fc.pre(firstId >= 0);
        const candidates = (replace ? structure : gaps).filter((offset) => offset <= nameOffsets[firstId]!);
        fc.pre(candidates.length > 0);
        const i = candidates[at % candidates.length]!;
        fc.pre(!replace || bytes[i] !== byte);
        const mutated = Buffer.concat([bytes.subarray(0, i), Buffer.from([byte]), bytes.subarray(replace ? i + 1 : i)]);
        assert.equal(firstTopLevelString(mutated, "id"), undefined, mutated.toString());
      }),
      { numRuns: 2000 },
    );
  });

  it("with several fields, the scan stops once each has occurred, string or not; fields not yet seen stay undefined", () => {
    const fields = ["a", "b"];
    assert.deepEqual(topLevelStrings(Buffer.from('{"b":"x","a":1, not json'), fields, true), [undefined, "x"], "a non-string occurrence counts");
    assert.deepEqual(topLevelStrings(Buffer.from('{"a":"y","b":"x" not json'), fields, true), ["y", "x"]);
    assert.deepEqual(topLevelStrings(Buffer.from('{"a":"y","c":1, not json'), fields, true), [undefined, undefined], "b never occurred: the grammar error counts");
    assert.deepEqual(topLevelStrings(Buffer.from('{"a":"y","c":1}'), fields, true), ["y", undefined], "the object ends before b");
    assert.deepEqual(topLevelStrings(Buffer.from('{"a":"y","a":"z","b":"x"}'), fields, true), ["y", "x"]);
    assert.deepEqual(topLevelStrings(Buffer.from('{"a":1,"b":"x"}'), fields, true), [undefined, "x"], "a non-string first occurrence does not end the scan early");
    assert.deepEqual(topLevelStrings(Buffer.from('{"a":"y","a":1,"b":"x"}'), fields, true), ["y", "x"], "a repeat, string or not, is not an occurrence of another field");
  });

  it("with several fields, a repeat (string or not) after the first occurrence changes nothing, even when the object ends before the last field", () => {
    const fields = ["a", "b"];
    assert.deepEqual(topLevelStrings(Buffer.from('{"a":"y","a":"z","c":1}'), fields, true), ["y", undefined]);
    assert.deepEqual(topLevelStrings(Buffer.from('{"a":"y","a":2,"c":3}'), fields, true), ["y", undefined]);
    // Without firstOccurrence a non-string member never ends the scan: Slack's type may be read after a number.
    assert.deepEqual(topLevelStrings(Buffer.from('{"type":1,"event_id":"Ev1"}'), ["type", "event_id"]), [undefined, "Ev1"]);
  });

  it("adversarial documents: first occurrence wins, a non-string first occurrence gives nothing, truncation before it gives nothing", () => {
    const cases: [string, string | undefined][] = [
      ['{"id":"first","id":"second"}', "first"],
      ['{"\\u0069d":"escaped first","id":"second"}', "escaped first"],
      ['{"id":7,"id":"second"}', undefined],
      ['{"id":{"id":"nested"},"id":"second"}', undefined],
      ['{"data":{"id":"nested"},"id":"top"}', "top"],
      ['{"note":"\\"id\\":\\"inside\\"","id":"top"}', "top"],
      ['{"id":"evt_1"', "evt_1"],
      ['{"id":"evt_1"} trailing', "evt_1"],
      ['{"id":"evt_1",,,', "evt_1"],
      ['{"id":"evt_\\u0031"', "evt_1"],
      ['{"id":"x\u0001"}', undefined],
      ['{"object":"event","id"', undefined],
      ['{"object":"event" "id":"evt_1"}', undefined],
      ['{"object":"event",', undefined],
      ['{"object":', undefined],
      ["{}", undefined],
      ['["id","x"]', undefined],
      ["", undefined],
      [`{"deep":${"[".repeat(100_000)}${"]".repeat(100_000)},"id":"after deep nesting"}`, "after deep nesting"],
    ];
    for (const [text, want] of cases) assert.equal(firstTopLevelString(Buffer.from(text), "id"), want, text.slice(0, 80));
  });
});

/**
 * What lastTopLevelStrings promises: members read from the last one backwards, each field's first one met (its
 * last occurrence) deciding, the reading ending once each of the first `required` fields has been met. Also
 * which member ended it (its index), or -1 when the whole object was read.
 */
function lastExpected(members: readonly { name: string; value: unknown }[], required: number): { values: (string | undefined)[]; stoppedAt: number } {
  const values: (string | undefined)[] = FIELDS.map(() => undefined);
  const met = new Set<number>();
  for (let m = members.length - 1; m >= 0; m--) {
    const f = (FIELDS as readonly string[]).indexOf(members[m]!.name);
    if (f < 0 || met.has(f)) continue;
    met.add(f);
    const value = members[m]!.value;
    if (typeof value === "string") values[f] = value;
    if (FIELDS.slice(0, required).every((_, k) => met.has(k))) return { values, stoppedAt: m };
  }
  return { values, stoppedAt: -1 };
}

const arbRequired = fc.integer({ min: 1, max: FIELDS.length });

describe("jsonScan: read from the end, the last occurrence deciding (Slack's event_id and type)", () => {
  it("on every generated document, each field's last top-level occurrence's value when a string, else undefined; fields not met before the stop stay undefined", () => {
    let stoppedEarly = 0;
    fc.assert(
      fc.property(arbDocument, arbRequired, ({ text, members }, required) => {
        const { values, stoppedAt } = lastExpected(members, required);
        if (stoppedAt >= 0) stoppedEarly++;
        assert.deepEqual(lastTopLevelStrings(Buffer.from(text), FIELDS, required), values, `${required} of ${text}`);
      }),
      { numRuns: 3000 },
    );
    assert.ok(stoppedEarly > 300, `only ${stoppedEarly} documents ended the scan early`);
  });

  it("whatever it returns is JSON.parse's value of the member (JSON.parse keeps a repeated name's last value)", () => {
    fc.assert(
      fc.property(arbDocument, arbRequired, ({ text }, required) => {
        const parsed = JSON.parse(text) as Record<string, unknown>;
        lastTopLevelStrings(Buffer.from(text), FIELDS, required).forEach((value, index) => {
          if (value !== undefined) assert.equal(value, parsed[FIELDS[index]!], `${FIELDS[index]} in ${text}`);
        });
      }),
      { numRuns: 3000 },
    );
  });

  it("on every generated JSON document, wherever the whole-body scan gives a value, it gives the same one or (a field it need not read) none (an id stored before the switch is the id of a retry after it)", () => {
    let compared = 0;
    fc.assert(
      fc.property(arbDocument, arbRequired, ({ text }, required) => {
        const bytes = Buffer.from(text);
        const whole = topLevelStrings(bytes, FIELDS);
        const last = lastTopLevelStrings(bytes, FIELDS, required);
        FIELDS.forEach((field, index) => {
          if (whole[index] === undefined) return;
          compared++;
          if (index < required) assert.equal(last[index], whole[index], `${field} in ${text}`);
          else assert.ok(last[index] === undefined || last[index] === whole[index], `${field} in ${text}`);
        });
      }),
      { numRuns: 3000 },
    );
    assert.ok(compared > 300, `only ${compared} values to compare`);
  });

  it("any JSON value: never returns something JSON.parse does not (nested members and string contents are never taken)", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.constantFrom(undefined, 1, 2, "\t"), arbRequired, (value, indent, required) => {
        const text = JSON.stringify(value, null, indent);
        const parsed: unknown = JSON.parse(text);
        const isObject = parsed !== null && typeof parsed === "object" && !Array.isArray(parsed);
        lastTopLevelStrings(Buffer.from(text), FIELDS, required).forEach((found, index) => {
          if (found !== undefined) assert.ok(isObject && (parsed as Record<string, unknown>)[FIELDS[index]!] === found, text);
        });
      }),
      { numRuns: 2000 },
    );
  });

  it("the bytes between the object's '{' and the comma before the member that ends the scan are never read: anything in their place, JSON or not, gives the same answer", () => {
    fc.assert(
      fc.property(arbDocument, fc.uint8Array({ maxLength: 40 }), ({ members }, junk) => {
        const after = members.filter((m) => m.name !== "event_id" && m.name !== "type").map((m) => `${JSON.stringify(m.name)}:${JSON.stringify(m.value)}`);
        // The comma is read (the quote after it is not escaped); what stands before it is not.
        const tail = `,"type":"event_callback",${[...after, '"event_id":"Ev1"'].join(",")}}`;
        const body = Buffer.concat([Buffer.from(" {"), Buffer.from(junk), Buffer.from(tail)]);
        const [eventId, type] = lastTopLevelStrings(body, ["event_id", "type"], 2);
        assert.deepEqual([eventId, type], ["Ev1", "event_callback"], body.toString());
      }),
      { numRuns: 1000 },
    );
  });

  it("the bytes it reads are checked as strictly as by the whole-body scan: a stray byte there yields nothing", () => {
    let checked = 0;
    fc.assert(
      fc.property(arbDocument, arbRequired, fc.nat(), fc.constantFrom(...STRAY), fc.boolean(), ({ text, gaps, structure, members, nameOffsets }, required, at, byte, replace) => {
        const bytes = Buffer.from(text);
        const { stoppedAt } = lastExpected(members, required);
        // Positions after the name of the member that ends the scan are read (all of them when none does).
        const from = stoppedAt >= 0 ? nameOffsets[stoppedAt]! : -1;
        const candidates = (replace ? structure : gaps).filter((offset) => offset > from);
        fc.pre(candidates.length > 0);
        const i = candidates[at % candidates.length]!;
        fc.pre(!replace || bytes[i] !== byte);
        const mutated = Buffer.concat([bytes.subarray(0, i), Buffer.from([byte]), bytes.subarray(replace ? i + 1 : i)]);
        checked++;
        assert.deepEqual(lastTopLevelStrings(mutated, FIELDS, required), NONE_OF, mutated.toString());
      }),
      { numRuns: 3000 },
    );
    assert.ok(checked > 1000, `only ${checked} documents checked`);
  });

  it("a mutated document (any byte changed, dropped or inserted) never throws; when it is still JSON the answer is JSON.parse's or undefined", () => {
    fc.assert(
      fc.property(arbDocument, arbRequired, arbEdit, ({ text }, required, edit) => {
        const mutated = edited(Buffer.from(text), edit);
        if (mutated) assertJsonParseOrNothing(mutated, lastTopLevelStrings(mutated, FIELDS, required));
      }),
      { numRuns: 3000 },
    );
  });

  it("adversarial documents: the last occurrence wins, a non-string last occurrence gives nothing, what is read must be JSON", () => {
    const eventId = (text: string) => lastTopLevelStrings(Buffer.from(text), ["event_id"])[0];
    const cases: [string, string | undefined][] = [
      ['{"event_id":"Ev1"}', "Ev1"],
      [' \n{ "event_id" : "Ev1" } \r\n', "Ev1"],
      ['{"event_id":"first","event_id":"second"}', "second"],
      ['{"event_id":"first","\\u0065vent_id":"escaped last"}', "escaped last"],
      ['{"event_id":"first","event_id":7}', undefined],
      ['{"event_id":"first","event_id":{"event_id":"nested"}}', undefined],
      ['{"event":{"event_id":"nested"}}', undefined],
      ['{"event":{"event_id":"nested"},"event_id":"top"}', "top"],
      ['{"event_id":"top","event":[{"event_id":"nested"}]}', "top"],
      ['{"event_id":"top","note":"\\"event_id\\":\\"inside\\""}', "top"],
      ['{"event_id":"top","note":"\\\\"}', "top"],
      ['{"event_id":"top","note":"\\\\\\"event_id\\":\\"x"}', "top"],
      ['{"event_id":"a\\"b"}', 'a"b'],
      ['{"event_id":"a\\\\"}', "a\\"],
      ['{"event_id":"Ev\\u0031"}', "Ev1"],
      ['{"event_id":"x\u0001"}', undefined],
      ['"event_id":"no brace"}', undefined],
      ['junk,"event_id":"not an object"}', undefined],
      ['"x",{"event_id":"not an object"}', undefined],
      ['{junk,"event_id":"the middle is not read"}', "the middle is not read"],
      ['token=t&text=hi&x=,"event_id":"Ev0FORM"}', undefined],
      ['{"event_id":"x"', undefined],
      ['{"event_id":"x"}}', undefined],
      ['{"event_id":"x"} x', undefined],
      ['{"event_id":"x",}', undefined],
      ['{"event_id" "x"}', undefined],
      ['{"event_id":\\"x"}', undefined],
      ['{"event_id":"x\\"}', undefined],
      ['{"event_id":"x","a":1 2}', undefined],
      ['{"event_id":"x","a":tru e}', undefined],
      ['{"a":tru e,"event_id":"x"}', "x"],
      ['{"a":1,"event_id":"x"', undefined],
      ['{"a":1,,"event_id":"x"}', "x"],
      ['x{"a":1}', undefined],
      ["{}", undefined],
      ["}", undefined],
      ['["event_id","x"]', undefined],
      ["", undefined],
      [`{"event_id":"before deep nesting","deep":${"[".repeat(100_000)}${"]".repeat(100_000)}}`, "before deep nesting"],
      [`{"event_id":"unopened","deep":${"]".repeat(100_000)}}`, undefined],
      [`{"event_id":"before a long string","long":"\\"${"x".repeat(100_000)}"}`, "before a long string"],
      [`{"event_id":"before backslashes","long":"${"\\\\".repeat(50_000)}"}`, "before backslashes"],
      [`{"event_id":"unopened string","long":${"\\\\".repeat(50_000)}"}`, undefined],
    ];
    for (const [text, want] of cases) assert.equal(eventId(text), want, text.slice(0, 80));
  });

  it("up to 31 fields (one bit each): more is a programming error, refused at once", () => {
    const names = Array.from({ length: 32 }, (_, k) => `f${k}`);
    const body = Buffer.from(`{${names.map((name) => `"${name}":"${name}"`).join(",")}}`);
    assert.deepEqual(lastTopLevelStrings(body, names.slice(0, 31)), names.slice(0, 31));
    assert.throws(() => lastTopLevelStrings(body, names), { name: "RangeError", message: "lastTopLevelStrings: at most 31 fields" });
  });

  it("quotes read backwards: an opening quote is one no odd backslash run precedes, wherever it stands (right after the brace, or past the byte-by-byte reach)", () => {
    const eventId = (text: string) => lastTopLevelStrings(Buffer.from(text), ["event_id"])[0];
    // A quote escaped by a backslash opens nothing, so the name never opens; nor does a name without its quote.
    assert.equal(eventId('{\\"event_id":"x"}'), undefined);
    assert.equal(eventId('{"event_id":"x"}'), "x", "the same name, opened");
    assert.equal(eventId('{event_id":"x"}'), undefined, "a name with no opening quote");
    assert.equal(eventId('{xevent_id":"x"}'), undefined, "nor one whose quote would be the byte after the brace");
    assert.deepEqual(lastTopLevelStrings(Buffer.from('{a":"v"}'), ["{a"]), [undefined], "nor the brace and what follows it");
    // A name closes with a quote: a member whose name token ends in another byte is not one.
    assert.equal(eventId('{"event_idX:"v"}'), undefined);
    // A value's closing quote, or a quote between a container's values, escaped: not JSON.
    assert.equal(eventId('{"event_id":"v","a":"x\\"}'), undefined);
    assert.equal(eventId('{"event_id":"v","a":["\\"]}'), undefined);
    // The object must end with its '}'; a member must have a value (a non-string one still counts as an occurrence).
    assert.equal(eventId('{"event_id":"x"]'), undefined);
    assert.deepEqual(lastTopLevelStrings(Buffer.from('{"type":"t","event_id":}'), ["event_id", "type"], 2), [undefined, undefined]);
    // Names of 23 to 26 bytes opening at byte 1: the byte-by-byte search reaches 24 bytes back, the native
    // search goes on from there, down to byte 1 included.
    for (const length of [23, 24, 25, 26]) {
      const name = "n".repeat(length);
      assert.deepEqual(lastTopLevelStrings(Buffer.from(`{"${name}":"v"}`), [name]), ["v"], `${length}`);
      assert.deepEqual(lastTopLevelStrings(Buffer.from(`{x${name}":"v"}`), [name]), [undefined], `${length}, unopened`);
    }
  });
});
