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
  for (const name of names) {
    const value = headers[name];
    if (value !== undefined && value !== "") return value;
  }
  return undefined;
}
