// Log lines as CloudWatch Logs Insights reads them (handlers/observability.ts): the level as its label, an ISO
// time, no pid/hostname noise, LOG_LEVEL honoured, info by default; a metric line whose every metric lacks its
// dimensions declares none; EMF lines go to stdout; the namespace default.
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { createLogger, emfLine, metricsNamespace, stdoutMetricSink } from "../../handlers/observability";

function capture(level?: string) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({ write(chunk, _encoding, done) { lines.push(JSON.parse(String(chunk))); done(); } });
  return { logger: createLogger({ level, destination }), lines };
}

describe("log lines", () => {
  it("carry the level as its label and an ISO time, and nothing of the process", () => {
    const { logger, lines } = capture("info");
    logger.info({ tenant: "acme" }, "hello");
    assert.equal(lines.length, 1);
    assert.deepEqual([lines[0]!.level, lines[0]!.msg, lines[0]!.tenant], ["info", "hello", "acme"]);
    assert.match(String(lines[0]!.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(!("pid" in lines[0]!) && !("hostname" in lines[0]!));
  });

  it("the level: given, else LOG_LEVEL, else info", () => {
    const saved = process.env.LOG_LEVEL;
    try {
      delete process.env.LOG_LEVEL;
      assert.equal(createLogger().level, "info");
      process.env.LOG_LEVEL = "warn";
      assert.equal(createLogger().level, "warn");
      assert.equal(createLogger({ level: "error" }).level, "error");
      const { logger, lines } = capture("warn");
      logger.info("dropped");
      logger.warn("kept");
      assert.deepEqual(lines.map((l) => l.msg), ["kept"]);
    } finally {
      if (saved === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = saved;
    }
  });
});

describe("metric lines", () => {
  it("a metric whose dimension sets all need a missing dimension is declared under none; its value stays a property", () => {
    const line = JSON.parse(emfLine({ namespace: "Test", dimensions: {}, values: { Accepted: 1 }, timestampMs: 5 }));
    assert.deepEqual(line._aws, { Timestamp: 5, CloudWatchMetrics: [] });
    assert.equal(line.Accepted, 1);
  });

  it("EMF lines are written to stdout, one per line; the namespace defaults to Webhooks", () => {
    const written: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => (written.push(chunk), true)) as typeof process.stdout.write;
    try {
      stdoutMetricSink('{"a":1}');
    } finally {
      process.stdout.write = original;
    }
    assert.deepEqual(written, ['{"a":1}\n']);
    assert.equal(metricsNamespace({}), "Webhooks");
    assert.equal(metricsNamespace({ METRICS_NAMESPACE: "" }), "Webhooks");
    assert.equal(metricsNamespace({ METRICS_NAMESPACE: "Custom" }), "Custom");
  });
});
