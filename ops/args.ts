// Argument parsing shared by the operator commands: the stack selection every command takes, --json, --dry-run,
// and times (`--since 90m`, `1h`, `2d` back from now, or an ISO time).
import { parseArgs, type ParseArgsConfig } from "node:util";

/** Bad input: one line, exit 2 (the caller adds "see --help"). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A refusal or failure while acting: one line, exit 1. */
export class OpsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OpsError";
  }
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Every command takes these. */
export const COMMON_OPTIONS = {
  stack: { type: "string" },
  local: { type: "boolean" },
  /** Another endpoints file than `.local/<stack>.endpoints.json` (tests, or an `npm start` of another checkout). */
  endpoints: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies Options;

export const DRY_RUN_OPTION = { "dry-run": { type: "boolean" } } as const satisfies Options;

export interface Parsed {
  readonly values: Record<string, string | boolean | undefined>;
  readonly positionals: string[];
}

export function parseCommandArgs(command: string, argv: readonly string[], options: Options, positionals: number): Parsed {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: { ...COMMON_OPTIONS, ...options }, strict: true, allowPositionals: positionals > 0 });
  } catch (error) {
    // Node's messages are multi-line for some cases; the first line names the option.
    throw new UsageError(`${command}: ${(error as Error).message.split("\n")[0]}`);
  }
  if (!parsed.values.help && parsed.positionals.length > positionals) throw new UsageError(`${command}: unexpected argument '${parsed.positionals[positionals]}'`);
  return parsed as Parsed;
}

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * `90m`, `1h`, `2d` (also `30s`): that long before `now`; or an ISO 8601 time with a date (`2025-06-01`,
 * `2025-06-01T12:00:00Z`, with an offset). A time without `Z` or an offset is UTC, as a bare date is, and as
 * CloudWatch, the logs and this tool print times: `Date.parse` would read it in the machine's own zone, so an alarm's
 * time pasted on a laptop in Berlin would select a window two hours off. Anything else is refused rather than guessed.
 */
export function parseTime(option: string, text: string, now: number): Date {
  const trimmed = text.trim();
  const duration = /^(\d+)([smhd])$/.exec(trimmed);
  if (duration) return new Date(now - Number(duration[1]) * UNIT_MS[duration[2] as keyof typeof UNIT_MS]);
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(trimmed);
  // A calendar date that exists (Date.parse rolls 2025-02-30 over to March 2nd rather than refusing it).
  const [year, month, day] = trimmed.slice(0, 10).split("-").map(Number) as [number, number, number];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (iso && calendar.getUTCMonth() === month - 1 && calendar.getUTCDate() === day) {
    const zoneless = iso[1] !== undefined && iso[4] === undefined;
    const ms = Date.parse(zoneless ? `${trimmed}Z` : trimmed);
    if (Number.isFinite(ms)) return new Date(ms);
  }
  throw new UsageError(`${option}: expected a duration back from now (90m, 1h, 2d) or an ISO time (2025-06-01T12:00:00Z), got '${text}'`);
}

/** The window [since, until]; until defaults to now; since must come first. */
export function parseWindow(values: Parsed["values"], now: number, defaultSince: string | undefined): { since: Date; until: Date } {
  const sinceText = values.since as string | undefined;
  if (sinceText === undefined && defaultSince === undefined) throw new UsageError("--since is required (e.g. --since 1h)");
  const since = parseTime("--since", sinceText ?? defaultSince!, now);
  const until = values.until === undefined ? new Date(now) : parseTime("--until", values.until as string, now);
  if (since.getTime() > until.getTime()) throw new UsageError(`--since (${since.toISOString()}) is after --until (${until.toISOString()})`);
  return { since, until };
}

export function positiveInteger(option: string, text: string | boolean | undefined, fallback: number | undefined): number | undefined {
  if (text === undefined) return fallback;
  if (typeof text !== "string" || !/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`${option} must be a whole number >= 1, got '${String(text)}'`);
  return Number(text);
}

export function requireTenant(values: Parsed["values"], tenants: readonly string[] | undefined): string {
  const tenant = values.tenant;
  if (typeof tenant !== "string" || tenant === "") throw new UsageError("--tenant <id> is required");
  if (tenants && !tenants.includes(tenant)) throw new OpsError(`no tenant '${tenant}' in this stack (tenants: ${tenants.join(", ")})`);
  return tenant;
}
