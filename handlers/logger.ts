// The handlers' structured logger: one JSON line per call, `{"level":"info","time":"<ISO>",...bindings,...fields,
// "msg":"..."}`, the shape CloudWatch Logs Insights discovers fields from. It does what the handlers used pino for
// (levels, child loggers with bindings, path redaction, never throwing) in a few hundred bytes of bundle instead of
// pino's ~64 KB with its worker-thread transport machinery, which a Lambda function never uses: ingest's cold start
// is measured against its SDK clients alone (npm run bench). No dependency, no SDK import.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_AnalyzeLogData-discoverable-fields.html

/** Numeric severities, as pino and most JSON loggers number them. */
export const LOG_LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;
export type LevelName = keyof typeof LOG_LEVELS;
export type LoggerLevel = LevelName | "silent";

/** Where lines go: anything with write(string), e.g. a Node Writable or a file stream. */
export interface LogDestination {
  write(line: string): unknown;
}

export interface LogMethod {
  (fields: object, msg?: string): void;
  (msg: string): void;
}

export interface Logger {
  readonly level: LoggerLevel;
  readonly trace: LogMethod;
  readonly debug: LogMethod;
  readonly info: LogMethod;
  readonly warn: LogMethod;
  readonly error: LogMethod;
  readonly fatal: LogMethod;
  /** A logger whose every line also carries `bindings` (redacted like fields). */
  child(bindings: Record<string, unknown>): Logger;
}

export const REDACTED = "[redacted]";

/**
 * Redaction paths in pino's notation: `name` at the top of the fields, `*.name` one level down, `*.*.name` two
 * levels down. Matching values are replaced by "[redacted]" in the line, never in the caller's object.
 */
export function redactorOf(paths: readonly string[]): (value: Record<string, unknown>) => Record<string, unknown> {
  const byDepth: Set<string>[] = [];
  for (const path of paths) {
    const parts = path.split(".");
    const name = parts.pop()!;
    if (name === "" || name === "*" || parts.some((part) => part !== "*")) throw new Error(`redaction path '${path}': only name, *.name or *.*.name`);
    (byDepth[parts.length] ??= new Set()).add(name);
  }
  const deepest = byDepth.length - 1;
  // Arrays and class instances are walked too (an index is a level, as `*` matches it in pino): a request object
  // or a list of them must not carry a signature header past the redaction.
  const redact = <T extends object>(value: T, depth: number): T => {
    const names = byDepth[depth];
    const entries = value as Record<string, unknown>;
    let copy: Record<string, unknown> | undefined;
    for (const key of Object.keys(value)) {
      const inner = entries[key];
      let replaced: unknown = inner;
      if (names?.has(key)) replaced = REDACTED;
      else if (depth < deepest && isWalkable(inner)) replaced = redact(inner, depth + 1);
      if (replaced !== inner) (copy ??= (Array.isArray(value) ? [...value] : { ...value }) as Record<string, unknown>)[key] = replaced;
    }
    return (copy as T | undefined) ?? value;
  };
  return (value) => redact(value, 0);
}

/** Objects whose own fields become the line's JSON: not binary data, dates or errors (written whole). */
function isWalkable(value: unknown): value is object {
  return typeof value === "object" && value !== null && !ArrayBuffer.isView(value) && !(value instanceof ArrayBuffer) && !(value instanceof Date) && !(value instanceof Error);
}

export interface LoggerOptions {
  readonly level: LoggerLevel;
  readonly redactPaths?: readonly string[];
  readonly destination?: LogDestination;
  /** The line's time; tests pass a fixed clock. */
  readonly now?: () => number;
}

const stdoutDestination: LogDestination = { write: (line) => process.stdout.write(line) };

export function isLoggerLevel(level: string): level is LoggerLevel {
  return level === "silent" || Object.hasOwn(LOG_LEVELS, level);
}

export function createJsonLogger(options: LoggerOptions): Logger {
  if (!isLoggerLevel(options.level)) throw new Error(`unknown log level '${String(options.level)}': one of ${[...Object.keys(LOG_LEVELS), "silent"].join(", ")}`);
  const redact = redactorOf(options.redactPaths ?? []);
  return makeLogger(options.level, {}, { redact, destination: options.destination ?? stdoutDestination, now: options.now ?? Date.now });
}

interface Shared {
  readonly redact: (value: Record<string, unknown>) => Record<string, unknown>;
  readonly destination: LogDestination;
  readonly now: () => number;
}

function makeLogger(level: LoggerLevel, bindings: Record<string, unknown>, shared: Shared): Logger {
  const threshold = level === "silent" ? Infinity : LOG_LEVELS[level];
  const method = (name: LevelName): LogMethod => {
    if (LOG_LEVELS[name] < threshold) return () => {};
    return ((first: object | string, msg?: string) => {
      const fields = typeof first === "string" ? undefined : (first as Record<string, unknown>);
      const text = typeof first === "string" ? first : msg;
      const line = lineOf(name, shared, bindings, fields, text);
      // A destination that fails (closed, full) costs the line, never the caller's work.
      safely(() => shared.destination.write(line), undefined);
    }) as LogMethod;
  };
  return {
    level,
    trace: method("trace"),
    debug: method("debug"),
    info: method("info"),
    warn: method("warn"),
    error: method("error"),
    fatal: method("fatal"),
    child: (more) => makeLogger(level, { ...bindings, ...safely(() => shared.redact(more), { logError: "bindings not redactable" }) }, shared),
  };
}

/** What `make` returns, or `fallback` when it throws: a logger call never throws into the handler. */
function safely<T>(make: () => T, fallback: T): T {
  try {
    return make();
  } catch {
    return fallback;
  }
}

function lineOf(level: LevelName, shared: Shared, bindings: Record<string, unknown>, fields: Record<string, unknown> | undefined, msg: string | undefined): string {
  const time = new Date(shared.now()).toISOString();
  try {
    // An Error passed alone is logged under err, its message the line's msg unless one is given.
    const text = msg ?? (fields instanceof Error ? fields.message : undefined);
    const record: Record<string, unknown> = { level, time, ...bindings, ...(fields ? shared.redact(fields instanceof Error ? { err: fields } : fields) : {}), ...(text !== undefined ? { msg: text } : {}) };
    // A field named level or time cannot disguise the line's own.
    record.level = level;
    record.time = time;
    return `${JSON.stringify(record, replacer())}\n`;
  } catch (error) {
    // Logging never throws into the handler: a field JSON cannot hold (a throwing getter, say) costs only the
    // fields, and the line says so.
    return `${JSON.stringify({ level, time, ...(msg !== undefined ? { msg } : {}), logError: `fields not serializable: ${(error as Error)?.message ?? String(error)}` })}\n`;
  }
}

/**
 * Errors as {type, message, stack} (pino's shape) plus an AWS SDK error's code, request id and HTTP status, and
 * their cause; bigints as text; an object met again inside itself as "[Circular]".
 */
function replacer(): (this: unknown, key: string, value: unknown) => unknown {
  // The objects on the path from the root to the value being written: a repeat there is a cycle; a repeat
  // elsewhere (one object in two fields) is written twice.
  const ancestors: object[] = [];
  return function (this: unknown, _key, value) {
    if (typeof value === "bigint") return value.toString();
    if (typeof value !== "object" || value === null) return value;
    while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== this) ancestors.pop();
    if (ancestors.includes(value)) return "[Circular]";
    ancestors.push(value);
    if (!(value instanceof Error)) return value;
    // The error's fields are written in its place: they are its children's holder.
    const fields = errorFields(value);
    ancestors.push(fields);
    return fields;
  };
}

function errorFields(error: Error): Record<string, unknown> {
  const aws = error as Error & { code?: unknown; $metadata?: { requestId?: unknown; httpStatusCode?: unknown } };
  return {
    type: error.name,
    message: error.message,
    ...(aws.code !== undefined ? { code: aws.code } : {}),
    ...(aws.$metadata?.requestId !== undefined ? { requestId: aws.$metadata.requestId } : {}),
    ...(aws.$metadata?.httpStatusCode !== undefined ? { httpStatusCode: aws.$metadata.httpStatusCode } : {}),
    ...(error.stack ? { stack: error.stack } : {}),
    ...(error.cause !== undefined ? { cause: error.cause } : {}),
  };
}
