// Finds top-level string members of a JSON object without parsing it: the event id of a Stripe or Slack body
// (and Slack's handshake fields) on the hot path, where JSON.parse of the whole body costs several times the HMAC.
//
// One forward pass over the bytes, iterative (no recursion, so no depth limit to attack), no allocation except
// the values it returns. Nested objects and arrays are skipped by bracket depth; strings are skipped up to their
// closing quote, a quote preceded by an odd run of backslashes being escaped. So a member name or value inside a
// nested container or inside a string is never taken for a top-level one.
//
// topLevelStrings answers only what JSON.parse would answer, or undefined (firstTopLevelString, below, does not):
// - the value is returned only when the member occurs exactly once at the top level and its value is a string;
//   a duplicated name (parsers disagree: most keep the last, some the first) gives undefined, as does a value
//   that is not a string;
// - escapes are decoded exactly (JSON.parse of that one string token), in names too, so `"\u0069d"` is `id`;
// - the top level is checked as JSON grammar (object, names, colons, commas, nothing after the closing brace);
//   nested values are only delimited, not validated, so a body that is not JSON inside a nested value may still
//   yield its top-level member. That value still comes from the signed bytes, and the caller's fallback for
//   undefined is the body hash, so the worst a malformed body gets is the id it spells out at the top level.
//
// lastTopLevelStrings (Slack's event_id and type) reads the object from its closing brace backwards, member by
// member, and stops once the members it needs have occurred: Slack writes `type` and `event_id` after the nested
// `event` object, so the cost is the distance from the end to them, not the event's length. The last top-level
// occurrence decides, which is JSON.parse's choice when a name repeats; between the object's '{' and the stop
// nothing is read.
//
// firstTopLevelString (Stripe's id) gives up that parity for speed: the first top-level occurrence decides and the
// scan stops there, so a body whose id comes first costs a few dozen bytes of scanning whatever its size. Where
// JSON.parse keeps a later repeat, or throws on what follows the member, it still answers the first occurrence.
// Only the signer can write such a body, and its first id is as stable across retries as any function of the
// signed bytes; wherever the whole-body scan gives a value, it gives the same one (so no stored id changes).

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** JSON whitespace: space, tab, LF, CR. */
const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Strings longer than this are searched natively (Buffer.indexOf) rather than byte by byte. */
const SHORT_STRING = 24;

/** Index of the closing quote of the string whose opening quote is at `open`, or -1 when it never closes. */
function stringEnd(bytes: Buffer, open: number): number {
  const end = bytes.length;
  let i = open + 1;
  // Short strings (names, most values): byte by byte is cheaper than a native call.
  const stop = Math.min(end, i + SHORT_STRING);
  while (i < stop) {
    const c = bytes[i]!;
    if (c === QUOTE) return i;
    i += c === BACKSLASH ? 2 : 1;
  }
  if (i >= end) return -1;
  for (;;) {
    const q = bytes.indexOf(QUOTE, i);
    if (q < 0) return -1;
    // Escaped when preceded by an odd run of backslashes (the run may start before `i`, inside this string).
    let run = 0;
    for (let k = q - 1; k > open && bytes[k] === BACKSLASH; k--) run++;
    if ((run & 1) === 0) return q;
    i = q + 1;
  }
}

/** Whether the string token's content needs decoding (a backslash) or is not JSON as it is (a control byte). */
function needsDecoding(bytes: Buffer, open: number, close: number): boolean {
  for (let i = open + 1; i < close; i++) {
    const c = bytes[i]!;
    if (c < 0x20 || c === BACKSLASH) return true;
  }
  return false;
}

/** Index just after the object or array opening at `open`, or -1 when it is not closed. */
function containerEnd(bytes: Buffer, open: number): number {
  const end = bytes.length;
  let depth = 1;
  let i = open + 1;
  while (i < end) {
    const c = bytes[i]!;
    if (c === QUOTE) {
      const close = stringEnd(bytes, i);
      if (close < 0) return -1;
      i = close + 1;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      i++;
    } else if (c === 0x7d || c === 0x5d) {
      if (--depth === 0) return i + 1;
      i++;
    } else {
      i++;
    }
  }
  return -1;
}

function decodeString(bytes: Buffer, open: number, close: number): string | undefined {
  try {
    const value: unknown = JSON.parse(bytes.toString("utf8", open, close + 1));
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the name token (quotes excluded) spells `field` byte for byte (ASCII field names). */
function nameIs(bytes: Buffer, start: number, end: number, field: string): boolean {
  if (end - start !== field.length) return false;
  for (let j = 0; j < field.length; j++) if (bytes[start + j] !== field.charCodeAt(j)) return false;
  return true;
}

/** fieldIndexOf's answer for a name token that does not decode (not JSON): the scan gives no member at all. */
const NOT_A_NAME = -2;

/**
 * Which of `fields` the name token between the quotes at `open` and `close` spells (escapes decoded), -1 for none,
 * or NOT_A_NAME when it does not decode. Shared by both scan directions.
 */
function fieldIndexOf(bytes: Buffer, open: number, close: number, fields: readonly string[]): number {
  if (needsDecoding(bytes, open, close)) {
    const name = decodeString(bytes, open, close);
    return name === undefined ? NOT_A_NAME : fields.indexOf(name);
  }
  for (let f = 0; f < fields.length; f++) if (nameIs(bytes, open + 1, close, fields[f]!)) return f;
  return -1;
}

/** The value of the string token between the quotes at `open` and `close`: decoded when it must be, else its bytes. */
function stringValue(bytes: Buffer, open: number, close: number): string | undefined {
  return needsDecoding(bytes, open, close) ? decodeString(bytes, open, close) : bytes.toString("utf8", open + 1, close);
}

/** The bytes a number or a literal (true, false, null) is written with: 1 for each, 0 for any other byte. */
const SCALAR_BYTE = new Uint8Array(256);
for (const c of "0123456789+-.eEtruefalsn") SCALAR_BYTE[c.charCodeAt(0)] = 1;

/** A bare scalar (number, true, false, null) ends at whitespace, a comma or a closing brace. */
function scalarEnd(bytes: Buffer, start: number): number {
  const end = bytes.length;
  let i = start;
  while (i < end) {
    const c = bytes[i]!;
    if (c === 0x2c || c === 0x7d || isWs(c)) break;
    // Only number and literal characters may appear in a bare scalar.
    if (SCALAR_BYTE[c] !== 1) return -1;
    i++;
  }
  return i === start ? -1 : i;
}

const NONE = 0;
const STRING = 1;
const OTHER = 2;
const DUPLICATE = 3;

/**
 * The values of the top-level string members named in `fields` (plain ASCII names), in the same order; each
 * undefined when absent, not a string, duplicated, or when the body is not a JSON object.
 *
 * With `firstOccurrence`, a member's first top-level occurrence decides (its value when a string, else undefined;
 * a later repeat is not looked for) and the scan stops as soon as every field has occurred: the bytes after that
 * are neither read nor checked, so the cost is the distance to the last field, not the body's length. The bytes
 * before the stop are checked as strictly as without it (a grammar error there gives no member at all).
 */
export function topLevelStrings(bytes: Buffer, fields: readonly string[], firstOccurrence = false): (string | undefined)[] {
  const n = fields.length;
  let occurred = 0;
  const state: number[] = [];
  for (let f = 0; f < n; f++) state.push(NONE);
  const values = undefinedOf(n);
  const none = () => values.fill(undefined);
  const end = bytes.length;
  let i = 0;
  while (i < end && isWs(bytes[i]!)) i++;
  // A UTF-8 byte order mark is not JSON (JSON.parse refuses it), so it is not skipped.
  if (bytes[i] !== 0x7b) return none();
  i++;
  while (i < end && isWs(bytes[i]!)) i++;
  // The empty object `{}` has no members: its '}' fails the name check below, which answers the same (none).
  for (;;) {
    // Member name.
    if (bytes[i] !== QUOTE) return none();
    const nameOpen = i;
    const nameClose = stringEnd(bytes, i);
    if (nameClose < 0) return none();
    const matched = fieldIndexOf(bytes, nameOpen, nameClose, fields);
    if (matched === NOT_A_NAME) return none();
    i = nameClose + 1;
    while (i < end && isWs(bytes[i]!)) i++;
    if (bytes[i] !== 0x3a) return none();
    i++;
    while (i < end && isWs(bytes[i]!)) i++;
    // Member value.
    const c = bytes[i];
    // A string value's opening quote, or -1 for any other value.
    const stringOpen = c === QUOTE ? i : -1;
    if (stringOpen >= 0) {
      i = stringEnd(bytes, stringOpen);
      if (i < 0) return none();
      i++;
    } else {
      if (c === 0x7b || c === 0x5b) i = containerEnd(bytes, i);
      else if (c === undefined) return none();
      else i = scalarEnd(bytes, i);
      if (i < 0) return none();
    }
    if (matched >= 0) {
      if (state[matched] === NONE) {
        // A value that is not a string gives this field none (with firstOccurrence, whatever follows).
        state[matched] = stringOpen >= 0 ? STRING : OTHER;
        if (stringOpen >= 0) values[matched] = stringValue(bytes, stringOpen, i - 1);
        if (firstOccurrence && ++occurred === n) return values;
      } else if (!firstOccurrence) {
        state[matched] = DUPLICATE;
      }
    }
    while (i < end && isWs(bytes[i]!)) i++;
    const sep = bytes[i];
    i++;
    if (sep === 0x7d) break;
    if (sep !== 0x2c) return none();
    while (i < end && isWs(bytes[i]!)) i++;
  }
  while (i < end && isWs(bytes[i]!)) i++;
  if (i !== end) return none();
  for (let f = 0; f < n; f++) if (state[f] !== STRING) values[f] = undefined;
  return values;
}

/** One top-level string member (see topLevelStrings). */
export function topLevelString(bytes: Buffer, field: string): string | undefined {
  return topLevelStrings(bytes, [field])[0];
}

/**
 * The first top-level occurrence of one member, when its value is a string; the scan ends there (see
 * topLevelStrings' `firstOccurrence`). For a signed body whose sender writes the member once and early (Stripe's
 * `id` is the event's first member): the verification's cost stays the HMAC's, where a whole-body scan costs
 * ~1-2x more on dense JSON. A later repeat of the member is not seen; such a body can only come from the signer,
 * and its first id is as stable across retries as any other function of the signed bytes.
 */
export function firstTopLevelString(bytes: Buffer, field: string): string | undefined {
  return topLevelStrings(bytes, [field], true)[0];
}

/** n undefineds in a packed array (`new Array(n).fill()` makes a holey one, slower to create and to read). */
function undefinedOf(n: number): (string | undefined)[] {
  const values: (string | undefined)[] = [];
  for (let f = 0; f < n; f++) values.push(undefined);
  return values;
}

/** Index of the opening quote of the string whose closing quote is at `close`, or -1 when none opens it. */
function stringStart(bytes: Buffer, close: number): number {
  // Inside a string every quote is escaped, so the opening one is the nearest quote before `close` that is not
  // preceded by an odd run of backslashes (the opening quote itself follows a structural byte, never a backslash).
  let i = close - 1;
  for (;;) {
    const q = lastQuote(bytes, i);
    if (q < 0) return -1;
    if (!isEscapedQuote(bytes, q)) return q;
    i = q - 1;
  }
}

/** The last quote at or before `from`, or -1: the nearest bytes one by one (most strings are short), then natively. */
function lastQuote(bytes: Buffer, from: number): number {
  const stop = from - SHORT_STRING;
  for (let i = from; i >= 0 && i > stop; i--) if (bytes[i] === QUOTE) return i;
  // Buffer#lastIndexOf counts a negative offset from the end, so the native search starts at 0 or later.
  return stop < 0 ? -1 : bytes.lastIndexOf(QUOTE, stop);
}

/** Whether the quote at `q` is preceded by an odd run of backslashes. */
function isEscapedQuote(bytes: Buffer, q: number): boolean {
  let run = 0;
  for (let k = q - 1; k >= 0 && bytes[k] === BACKSLASH; k--) run++;
  return (run & 1) === 1;
}

/** Index of the bracket opening the object or array that closes at `close`, or -1 when it never opens. */
function containerStart(bytes: Buffer, close: number): number {
  let depth = 1;
  let i = close - 1;
  while (i >= 0) {
    const c = bytes[i]!;
    if (c === QUOTE) {
      // Outside strings a quote closes one (an escaped quote here is not JSON).
      if (isEscapedQuote(bytes, i)) return -1;
      const open = stringStart(bytes, i);
      if (open < 0) return -1;
      i = open - 1;
    } else if (c === 0x7d || c === 0x5d) {
      depth++;
      i--;
    } else if (c === 0x7b || c === 0x5b) {
      if (--depth === 0) return i;
      i--;
    } else {
      i--;
    }
  }
  return -1;
}

/** The last index at or before `i` that is not JSON whitespace, or -1. */
function lastNonWs(bytes: Buffer, i: number): number {
  while (i >= 0 && isWs(bytes[i]!)) i--;
  return i;
}

/** Index of the first byte of the bare scalar (number, true, false, null) ending at `last`, or -1 when none does. */
function scalarStart(bytes: Buffer, last: number): number {
  let i = last;
  while (i >= 0 && SCALAR_BYTE[bytes[i]!] === 1) i--;
  return i === last ? -1 : i + 1;
}

/**
 * The values of the top-level string members named in `fields` (plain ASCII names), in the same order, read from
 * the end of the object backwards: each the value of the member's last top-level occurrence when that is a string
 * (JSON.parse's answer), else undefined. The scan stops as soon as each of the first `required` fields (1 to
 * fields.length, at most 31; all by default) has occurred (string or not); fields not met by then stay undefined,
 * and the bytes between the object's opening '{' and the stop are neither read nor checked. The bytes read are
 * checked as strictly as by topLevelStrings: a grammar error there gives no member at all, as does a body whose
 * first byte after whitespace is not '{'. Linear in the bytes read; iterative, so no depth limit.
 *
 * On JSON (what a provider signs) it answers what JSON.parse does, so wherever topLevelStrings gives a value it
 * gives the same one (property-tested). On a body that is not JSON the two scans may pair its quotes differently
 * (a backslash outside any string, read forwards as a byte, escapes the quote after it read backwards); such a
 * body can only come from the signer, and whatever it answers is a function of the signed bytes.
 */
export function lastTopLevelStrings(bytes: Buffer, fields: readonly string[], required = fields.length): (string | undefined)[] {
  const n = fields.length;
  // Which fields have occurred, one bit each (fields are a handful). The values start packed (no holes).
  let occurred = 0;
  const values = undefinedOf(n);
  if (n > 31) throw new RangeError("lastTopLevelStrings: at most 31 fields");
  let missing = Math.min(required, n);
  const none = () => values.fill(undefined);
  // A body that is not a JSON object answers nothing, whatever its end spells: its first byte after whitespace
  // must open the object (one byte read at the front; nothing else before the stop is).
  let first = 0;
  while (first < bytes.length && isWs(bytes[first]!)) first++;
  if (bytes[first] !== 0x7b) return none();
  let i = bytes.length - 1;
  i = lastNonWs(bytes, i);
  if (i < 0 || bytes[i] !== 0x7d) return none();
  i--;
  i = lastNonWs(bytes, i);
  // `{}`: no members.
  if (bytes[i] !== 0x7b) {
    for (;;) {
      // Member value, from its last byte.
      const c = bytes[i];
      let valueStart: number;
      // A string value's quotes, or -1 for any other value.
      let stringOpen = -1;
      const stringClose = i;
      if (c === QUOTE) {
        if (isEscapedQuote(bytes, i)) return none();
        stringOpen = valueStart = stringStart(bytes, i);
      } else if (c === 0x7d || c === 0x5d) {
        valueStart = containerStart(bytes, i);
      } else if (c === undefined) {
        return none();
      } else {
        valueStart = scalarStart(bytes, i);
      }
      if (valueStart < 0) return none();
      i = valueStart - 1;
      i = lastNonWs(bytes, i);
      if (bytes[i] !== 0x3a) return none();
      i--;
      i = lastNonWs(bytes, i);
      // Member name.
      if (bytes[i] !== QUOTE || isEscapedQuote(bytes, i)) return none();
      const nameClose = i;
      const nameOpen = stringStart(bytes, nameClose);
      if (nameOpen < 0) return none();
      const matched = fieldIndexOf(bytes, nameOpen, nameClose, fields);
      if (matched === NOT_A_NAME) return none();
      if (matched >= 0 && (occurred & (1 << matched)) === 0) {
        occurred |= 1 << matched;
        if (stringOpen >= 0) values[matched] = stringValue(bytes, stringOpen, stringClose);
        if (matched < required && --missing === 0) return values;
      }
      i = nameOpen - 1;
      i = lastNonWs(bytes, i);
      const sep = bytes[i];
      if (sep === 0x7b) break;
      if (sep !== 0x2c) return none();
      i--;
      i = lastNonWs(bytes, i);
    }
  }
  // The object's '{', with only whitespace before it.
  i--;
  i = lastNonWs(bytes, i);
  if (i !== -1) return none();
  return values;
}
