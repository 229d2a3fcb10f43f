// An ingest function whose environment cannot be composed (handlers/misconfigured.ts) fails closed: every request
// a 500 JSON answer, an alarm log line and an IngestMisconfigured metric under the tenant (or, when the tenant id is
// the missing setting, the function's name).
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { misconfiguredIngest } from "../../handlers/misconfigured";
import { createLogger } from "../../handlers/observability";
import { MetricsSpy } from "../helpers/handlers";

const NOW = 1_760_000_000_000;

function run(env: NodeJS.ProcessEnv, error: unknown = new Error("environment variable QUEUE_URL is required")) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({ write(chunk, _encoding, done) { lines.push(JSON.parse(String(chunk))); done(); } });
  const metrics = new MetricsSpy();
  const handler = misconfiguredIngest(error, env, createLogger({ level: "info", destination }), metrics.sink, () => NOW);
  return { handler, lines, metrics };
}

describe("misconfigured ingest function", () => {
  it("answers every request 500 with a JSON body that names no setting", async () => {
    const { handler } = run({ TENANT_ID: "acme" });
    for (let i = 0; i < 2; i++) {
      const response = await handler();
      assert.deepEqual(response, { statusCode: 500, headers: { "content-type": "application/json" }, body: '{"error":"misconfigured","message":"endpoint misconfigured"}' });
    }
  });

  it("logs an IngestMisconfigured alarm line with the tenant and the reason, and counts Received and IngestMisconfigured under the tenant", async () => {
    const { handler, lines, metrics } = run({ TENANT_ID: "acme", METRICS_NAMESPACE: "Webhooks/prod" });
    await handler();
    assert.equal(lines.length, 1);
    assert.deepEqual([lines[0]!.level, lines[0]!.alarm, lines[0]!.tenant, lines[0]!.reason], ["error", "IngestMisconfigured", "acme", "environment variable QUEUE_URL is required"]);
    assert.equal(metrics.lines.length, 1);
    const line = metrics.lines[0]! as Record<string, unknown> & { _aws: { Timestamp: number; CloudWatchMetrics: { Namespace: string; Metrics: { Name: string }[] }[] } };
    assert.deepEqual([line.Tenant, line.Received, line.IngestMisconfigured, line._aws.Timestamp], ["acme", 1, 1, NOW]);
    assert.deepEqual(line._aws.CloudWatchMetrics.map((d) => d.Namespace), line._aws.CloudWatchMetrics.map(() => "Webhooks/prod"));
    assert.ok(line._aws.CloudWatchMetrics.some((d) => d.Metrics.some((m) => m.Name === "IngestMisconfigured")));
  });

  it("without a tenant id the function's name stands for it; without either, 'unknown'", async () => {
    const named = run({ TENANT_ID: "", AWS_LAMBDA_FUNCTION_NAME: "webhooks-prod-acme-ingest" });
    await named.handler();
    assert.equal(named.lines[0]!.tenant, "webhooks-prod-acme-ingest");
    assert.equal(named.metrics.lines[0]!.Tenant, "webhooks-prod-acme-ingest");
    const bare = run({});
    await bare.handler();
    assert.equal(bare.lines[0]!.tenant, "unknown");
    assert.equal(bare.metrics.lines[0]!.Tenant, "unknown");
    const both = run({ TENANT_ID: "acme", AWS_LAMBDA_FUNCTION_NAME: "fn" });
    await both.handler();
    assert.equal(both.lines[0]!.tenant, "acme");
  });

  it("a thrown non-Error is logged as its text", async () => {
    const { handler, lines } = run({ TENANT_ID: "acme" }, "boom");
    await handler();
    assert.equal(lines[0]!.reason, "boom");
  });
});
