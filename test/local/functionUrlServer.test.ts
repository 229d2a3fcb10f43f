import assert from "node:assert/strict";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { CachedSecrets } from "../../handlers/adapters/secrets";
import { SqsEventQueue } from "../../handlers/adapters/sqs";
import { createVerifier } from "../../handlers/core/verify/registry";
import { makeIngestHandler } from "../../handlers/ingestHandler";
import { loadStackFile } from "../../components/config";
import { startFunctionUrlServer, type FunctionUrlServer, type HostedFunction } from "../../local/functionUrlServer";
import { LOCAL_CREDENTIALS, LOCAL_REGION, startSqs, type RunningServer } from "../../local/servers";
import { newSecret } from "../../local/sign";
import { queueDepth } from "../../ops/queues";
import { percentile } from "../../scripts/lib/stats";
import { sendWebhooks } from "../../scripts/send";
import { silentLogger } from "../helpers/handlers";

describe("function URL emulation and the sender tool", () => {
  const config = loadStackFile("dev");
  const secrets = new Map(config.tenants.map((t) => [t.id, newSecret(t.scheme, (n) => Buffer.alloc(n, 3))]));
  let sqsServer: RunningServer;
  let sqs: SQSClient;
  let urls: FunctionUrlServer;
  const queueUrls = new Map<string, string>();

  before(async () => {
    sqsServer = await startSqs();
    sqs = new SQSClient({ endpoint: sqsServer.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    const hosted = new Map<string, HostedFunction>();
    for (const tenant of config.tenants) {
      const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `send-${tenant.id}` }))).QueueUrl!;
      queueUrls.set(tenant.id, queueUrl);
      const verifier = createVerifier({ scheme: tenant.scheme, toleranceSeconds: tenant.toleranceSeconds, hmac: tenant.hmac });
      const handler = makeIngestHandler({
        settings: { tenant: tenant.id, scheme: tenant.scheme, maxBodyBytes: tenant.maxBodyBytes },
        verifier,
        keys: new CachedSecrets({ load: async () => [secrets.get(tenant.id)!] }, (s) => verifier.prepare(s), 60_000),
        queue: new SqsEventQueue(sqs, queueUrl),
        now: Date.now, logger: silentLogger, metrics: () => {}, namespace: "Test",
      });
      hosted.set(tenant.id, { handler, reservedConcurrency: tenant.ingestConcurrency });
    }
    // A deliberately slow function with one slot, to see the throttle.
    hosted.set("slow", { reservedConcurrency: 1, handler: async () => { await new Promise((r) => setTimeout(r, 100)); return { statusCode: 202, headers: {}, body: "{}" }; } });
    // One that outlives its timeout, and one that throws: both are function errors, answered 502.
    hosted.set("hangs", { reservedConcurrency: 1, timeoutSeconds: 0.05, handler: () => new Promise(() => {}) });
    hosted.set("throws", { reservedConcurrency: 1, handler: async () => { throw new Error("boom"); } });
    urls = await startFunctionUrlServer(hosted, 0);
  });
  after(async () => {
    await urls.close();
    sqs.destroy();
    await sqsServer.stop();
  });

  /**
   * Messages waiting in the tenant's queue. local-aws-sqs marks a message it acknowledged as delayed until its
   * next timer turn, even with no delay, and counts it only there meanwhile: visible and delayed together are
   * every message sent, however loaded the machine.
   */
  async function depth(tenant: string) {
    const { visible, delayed } = await queueDepth(sqs, queueUrls.get(tenant)!);
    return visible + delayed;
  }

  for (const tenant of config.tenants) {
    it(`${tenant.id} (${tenant.scheme}): signed webhooks over HTTP are accepted and queued`, async () => {
      const started = performance.now();
      const report = await sendWebhooks({ tenant, url: urls.url(tenant.id), secret: secrets.get(tenant.id)!, count: 12, rate: 0, concurrency: 2 });
      const wallMs = performance.now() - started;
      assert.deepEqual(report.statuses, { "202": 12 });
      assert.equal(await depth(tenant.id), 12);
      // The latency report is per request, in milliseconds, measured around each request alone: one value per
      // request, none negative, and since at most 2 requests are in flight at once, together no more than 2x the
      // wall time of the whole run (a latency measured from the run's start, or in the wrong unit, breaks this).
      const latencies = report.latenciesMs;
      assert.equal(latencies.length, 12);
      for (const ms of latencies) assert.ok(Number.isFinite(ms) && ms >= 0 && ms <= wallMs, `latency ${ms} ms outside [0, ${wallMs}]`);
      const totalMs = latencies.reduce((sum, ms) => sum + ms, 0);
      assert.ok(totalMs <= 2 * wallMs, `latencies sum to ${totalMs} ms, more than 2 in flight over ${wallMs} ms`);
      // Nearest rank over 12 values: p99 is the slowest request, p50 the 6th fastest.
      const sorted = [...latencies].sort((a, b) => a - b);
      assert.equal(percentile(latencies, 99), sorted[11]);
      assert.equal(percentile(latencies, 50), sorted[5]);
    });
  }

  it("--bad requests get their 4xx and queue nothing", async () => {
    const tenant = config.tenants[0]!;
    const before = await depth(tenant.id);
    const expected = { signature: "401", stale: "401", oversized: "413", method: "405", "missing-header": "400" } as const;
    for (const [bad, status] of Object.entries(expected)) {
      const report = await sendWebhooks({ tenant, url: urls.url(tenant.id), secret: secrets.get(tenant.id)!, count: 2, rate: 0, concurrency: 1, bad: bad as keyof typeof expected });
      assert.deepEqual(report.statuses, { [status]: 2 }, bad);
    }
    assert.equal(await depth(tenant.id), before);
  });

  it("beyond a tenant's reserved concurrency the URL answers 429, like a throttled function URL", async () => {
    const responses = await Promise.all(Array.from({ length: 4 }, () => fetch(urls.url("slow"), { method: "POST", body: "x" }).then((r) => r.status)));
    assert.ok(responses.includes(202) && responses.includes(429), String(responses));
    assert.equal((await fetch(urls.url("nobody"), { method: "POST" })).status, 404);
  });

  it("a function that times out or throws gets 502, and its concurrency slot is free again", async () => {
    for (const name of ["hangs", "throws", "hangs"]) assert.equal((await fetch(urls.url(name), { method: "POST", body: "x" })).status, 502, name);
  });
});
