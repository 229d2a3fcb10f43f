/** Request headers with lower-case names, as function URLs deliver them (payload format 2.0). */
export type Headers = Readonly<Record<string, string | undefined>>;

/** Lower-cases header names; a local runner or test may hand us any case. */
export function normalizeHeaders(raw: Record<string, string | string[] | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw) return out;
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const joined = Array.isArray(value) ? value.join(",") : value;
    out[key] = out[key] === undefined ? joined : `${out[key]},${joined}`;
  }
  return out;
}

/** First present, non-empty header among `names` (lower-case). */
export function firstHeader(headers: Headers, ...names: string[]): string | undefined {
  return firstHeaderOf(headers, names);
}

/** firstHeader over a list held once (a verifier's), with no array made per call. */
export function firstHeaderOf(headers: Headers, names: readonly string[]): string | undefined {
  const name = firstHeaderName(headers, names);
  return name === undefined ? undefined : headers[name];
}

/** The name of the header firstHeaderOf answers with: the first of `names` present and non-empty. */
export function firstHeaderName<N extends string>(headers: Headers, names: readonly N[]): N | undefined {
  for (let i = 0; i < names.length; i++) {
    const value = headers[names[i]!];
    if (value !== undefined && value !== "") return names[i];
  }
  return undefined;
}

/** Whether String.prototype.trim removes this UTF-16 code unit (ECMAScript's WhiteSpace and LineTerminator). */
export function isTrimmed(code: number): boolean {
  return (
    code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff
  );
}

/** Where `text.slice(start, end).trim()` begins inside `text`: the first index at or after `start` not trimmed. */
export function trimmedStart(text: string, start: number, end: number): number {
  while (start < end && isTrimmed(text.charCodeAt(start))) start++;
  return start;
}

/** Where `text.slice(start, end).trim()` ends inside `text`: past the last index before `end` not trimmed. */
export function trimmedEnd(text: string, start: number, end: number): number {
  while (end > start && isTrimmed(text.charCodeAt(end - 1))) end--;
  return end;
}
