// The handlers' JSON logger (handlers/logger.ts): what a line holds, what it never holds, and that logging never
// throws into a handler.
import assert from "node:assert/strict";
import { createJsonLogger, redactorOf, REDACTED, type LoggerLevel } from "../../../handlers/logger";

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0, 123);

function capture(level: LoggerLevel = "info", redactPaths: readonly string[] = []) {
  const raw: string[] = [];
  const logger = createJsonLogger({ level, redactPaths, destination: { write: (line) => raw.push(line) }, now: () => NOW });
  return { logger, raw, lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe("JSON logger", () => {
  it("a line is one JSON object ending in a newline: level label, ISO time, bindings, fields, msg in that order", () => {
    const { logger, raw } = capture();
    logger.child({ tenant: "acme" }).child({ requestId: "r1" }).warn({ status: 401 }, "request rejected");
    assert.deepEqual(raw, ['{"level":"warn","time":"2026-11-27T12:00:00.123Z","tenant":"acme","requestId":"r1","status":401,"msg":"request rejected"}\n']);
  });

  it("a message alone, or fields alone, make a line without the other", () => {
    const { logger, lines } = capture();
    logger.info("just text");
    logger.info({ only: "fields" });
    assert.deepEqual(lines(), [
      { level: "info", time: "2026-11-27T12:00:00.123Z", msg: "just text" },
      { level: "info", time: "2026-11-27T12:00:00.123Z", only: "fields" },
    ]);
  });

  it("a line is written only at or above the logger's level; silent writes nothing; children keep the level", () => {
    const levels = ["trace", "debug", "info", "warn", "error", "fatal"] as const;
    for (const [index, level] of levels.entries()) {
      const { logger, lines } = capture(level);
      const child = logger.child({ c: 1 });
      for (const name of levels) child[name](name);
      assert.deepEqual(lines().map((line) => line.msg), levels.slice(index), level);
      assert.equal(child.level, level);
    }
    const { logger, raw } = capture("silent");
    for (const name of levels) logger[name]({ a: 1 }, name);
    assert.deepEqual(raw, []);
  });

  it("an unknown level is refused at creation, naming the levels", () => {
    assert.throws(() => createJsonLogger({ level: "verbose" as LoggerLevel }), {
      message: "unknown log level 'verbose': one of trace, debug, info, warn, error, fatal, silent",
    });
  });

  it("a field or binding named level or time cannot disguise the line's own", () => {
    const { logger, lines } = capture();
    logger.child({ level: "fatal" }).info({ time: "1970-01-01T00:00:00.000Z" }, "m");
    assert.deepEqual(lines()[0], { level: "info", time: "2026-11-27T12:00:00.123Z", msg: "m" });
  });

  it("redacted paths are replaced at their depth only, in fields and bindings, never in the caller's object", () => {
    const { logger, lines } = capture("info", ["secret", "*.headers", "*.*.cookie"]);
    const fields = { secret: "s", headers: { keep: "top-level headers are not listed" }, event: { headers: { a: "1" }, secret: "one level down is not listed", req: { cookie: "c", other: "o" } } };
    logger.child({ secret: "bound", nested: { headers: "h" } }).info(fields, "m");
    assert.deepEqual(lines()[0], {
      level: "info",
      time: "2026-11-27T12:00:00.123Z",
      secret: REDACTED,
      nested: { headers: REDACTED },
      headers: { keep: "top-level headers are not listed" },
      event: { headers: REDACTED, secret: "one level down is not listed", req: { cookie: REDACTED, other: "o" } },
      msg: "m",
    });
    assert.equal(fields.secret, "s");
    assert.deepEqual(fields.event.headers, { a: "1" });
    assert.equal(fields.event.req.cookie, "c");
  });

  it("redaction reaches into arrays (an index is a level) and class instances, as pino's paths do", () => {
    const redact = redactorOf(["*.secret", "*.*.headers"]);
    class Request {
      secret = "in a class";
      keep = "kept";
    }
    const value = { list: [{ headers: { a: "1" }, id: 1 }], req: new Request(), plain: { secret: "x" }, when: new Date(0), bytes: Buffer.from("ab") };
    const out = redact(value);
    assert.deepEqual(out.plain, { secret: REDACTED });
    assert.deepEqual(out.list, [{ headers: REDACTED, id: 1 }]);
    assert.deepEqual(out.req, { secret: REDACTED, keep: "kept" });
    assert.equal(out.when, value.when, "dates are written whole");
    assert.equal(out.bytes, value.bytes, "binary data is written whole");
    assert.deepEqual(value.list[0]!.headers, { a: "1" }, "the caller's array is not changed");
  });

  it("only objects are walked: null, strings, binary data, dates and errors are written as they are, even under a matching path", () => {
    const { logger, lines } = capture("info", ["*.0", "*.secret"]);
    const error = Object.assign(new Error("boom"), { secret: "own field of an error" });
    logger.info({ list: ["a"], none: null, text: "ab", bytes: Buffer.from("z"), view: new Uint8Array([1]), when: Object.assign(new Date(0), { secret: "s" }), err: error }, "m");
    const line = lines()[0]!;
    assert.deepEqual(line.list, [REDACTED], "an array is walked: its index 0 matches *.0");
    assert.equal(line.none, null);
    assert.equal(line.text, "ab");
    assert.deepEqual(line.bytes, { type: "Buffer", data: [122] });
    assert.deepEqual(line.view, { 0: 1 });
    assert.equal(line.when, "1970-01-01T00:00:00.000Z");
    assert.deepEqual(line.err, { type: "Error", message: "boom", stack: error.stack });
  });

  it("a field that throws undefined (or null) still gives a line that says so", () => {
    const { logger, lines } = capture();
    const hostile = {
      get value(): never {
        throw undefined;
      },
    };
    assert.doesNotThrow(() => logger.warn(hostile, "m"));
    assert.equal(lines()[0]!.logError, "fields not serializable: undefined");
  });

  it("an object with nothing to redact is returned as is (no copy on the hot path)", () => {
    const redact = redactorOf(["secret", "*.secret"]);
    const value = { tenant: "acme", nested: { id: 1 } };
    assert.equal(redact(value), value);
  });

  it("a redaction path other than name, *.name or *.*.name is refused at creation", () => {
    for (const path of ["a.b", "*", "", "*.", "headers.*"]) {
      assert.throws(() => redactorOf([path]), { message: `redaction path '${path}': only name, *.name or *.*.name` }, path);
    }
  });

  it("errors are written as type, message and stack; bigints as text; a loop as [Circular], a shared object twice", () => {
    const { logger, lines } = capture();
    const error = new TypeError("boom");
    const loop: Record<string, unknown> = { name: "loop" };
    loop.self = loop;
    const shared = { id: 7 };
    logger.error({ err: error, big: 12345678901234567890n, loop, a: shared, b: [shared, shared] }, "failed");
    const line = lines()[0]!;
    assert.deepEqual(line.err, { type: "TypeError", message: "boom", stack: error.stack });
    assert.equal(line.big, "12345678901234567890");
    assert.deepEqual(line.loop, { name: "loop", self: "[Circular]" });
    assert.deepEqual([line.a, line.b], [{ id: 7 }, [{ id: 7 }, { id: 7 }]]);
  });

  it("an AWS SDK error keeps its code, request id and HTTP status, and any error its cause, a looping cause once", () => {
    const { logger, lines } = capture();
    const root = new Error("socket hang up");
    const aws = Object.assign(new Error("Rate exceeded", { cause: root }), { name: "ThrottlingException", code: "Throttling", $metadata: { requestId: "req-1", httpStatusCode: 400 } });
    const looping = new Error("loops");
    (looping as { cause?: unknown }).cause = looping;
    logger.error({ err: aws, other: looping }, "failed");
    const line = lines()[0]!;
    assert.deepEqual(line.err, { type: "ThrottlingException", message: "Rate exceeded", code: "Throttling", requestId: "req-1", httpStatusCode: 400, stack: aws.stack, cause: { type: "Error", message: "socket hang up", stack: root.stack } });
    assert.deepEqual(line.other, { type: "Error", message: "loops", stack: looping.stack, cause: "[Circular]" });
  });

  it("a destination that throws (closed, full) never throws into the caller", () => {
    const logger = createJsonLogger({ level: "info", destination: { write: () => { throw new Error("EBADF"); } } });
    assert.doesNotThrow(() => logger.error({ a: 1 }, "lost"));
  });

  it("bindings that cannot be read never throw into the caller: the child's lines say so", () => {
    const { logger, lines } = capture("info", ["secret"]);
    const hostile = {
      get secret(): never {
        throw new Error("getter exploded");
      },
      get other(): never {
        throw new Error("getter exploded");
      },
    };
    const child = logger.child(hostile);
    child.info("m");
    assert.deepEqual(lines()[0], { level: "info", time: "2026-11-27T12:00:00.123Z", logError: "bindings not redactable", msg: "m" });
  });

  it("an Error passed as the fields is logged under err, its message the msg unless one is given", () => {
    const { logger, lines } = capture();
    const error = new RangeError("out");
    logger.error(error, "failed");
    assert.deepEqual(lines()[0]!.err, { type: "RangeError", message: "out", stack: error.stack });
    assert.equal(lines()[0]!.msg, "failed");
    logger.error(error);
    assert.equal(lines()[1]!.msg, "out", "without a message, the error's is the line's");
  });

  it("fields JSON cannot hold never throw into the caller: the line keeps level, time and msg and says why", () => {
    const { logger, lines } = capture();
    const hostile = {
      get value(): never {
        throw new Error("getter exploded");
      },
    };
    assert.doesNotThrow(() => logger.info(hostile, "still logged"));
    assert.deepEqual(lines()[0], { level: "info", time: "2026-11-27T12:00:00.123Z", msg: "still logged", logError: "fields not serializable: getter exploded" });
  });
});
