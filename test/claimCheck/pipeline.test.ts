// Issue 13 end to end, in one run of the local pipeline with S3 failing half its calls (s3rver behind the fault
// proxy, faults in S3's XML format): for every code scheme a 5 MiB signed body goes through ingest, S3, SQS, the
// worker, the table, its stream and Kinesis, and `npm run ops -- event` gives it back byte for byte; a body of
// exactly 8 KiB stays inline and one byte more goes to S3; every 503 carries Retry-After, and a sender that
// retries loses nothing (every 202 is stored once, published, and its body is readable).
import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand } from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { parseStackConfig, type TenantConfig } from "../../components/config";
import { MAX_BODY_BYTES_LIMIT } from "../../components/settings";
import { INLINE_BODY_MAX_BYTES } from "../../handlers/core/claimCheck";
import { bodyFromStored } from "../../handlers/core/storedBody";
import { SCHEMES } from "../../handlers/core/verify/types";
import { parseFailSpec } from "../../local/faultProxy";
import { startLocalPipeline, type LocalPipeline } from "../../local/pipeline";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/servers";
import { signRequest } from "../../local/sign";
import type { PipelineStatus } from "../../local/status";
import { silentLogger } from "../helpers/handlers";
import { eventually, signingKeyOf, VISIBILITY_TIMEOUT_SECONDS, writeSecrets } from "../helpers/localPipeline";
import { ops } from "../ops/harness";

const BIG = 5 * 1024 * 1024;

/** A JSON body of exactly `size` bytes that every code scheme accepts as an event (Stripe's id, Slack's event_id). */
function jsonBody(size: number, n: number): Buffer {
  const id = randomUUID().replace(/-/g, "");
  const head = `{"id":"evt_${id}","event_id":"Ev${id}","type":"event_callback","n":${n},"pad":"`;
  const tail = '"}';
  // Not one repeated byte: a body whose halves were swapped or truncated must not compare equal.
  const pad = Buffer.alloc(size - head.length - tail.length);
  for (let i = 0; i < pad.length; i++) pad[i] = 0x61 + ((i * 7 + n) % 26);
  return Buffer.concat([Buffer.from(head), pad, Buffer.from(tail)]);
}

describe("claim check through the local pipeline (5 MiB bodies, every code scheme, --fail s3=0.5)", function () {
  this.timeout(240_000);
  // One tenant per scheme written as code; Twilio with a JSON body (signed by bodySHA256 in the URL).
  const config = parseStackConfig("claimcheck", {
    tenants: Object.fromEntries(
      SCHEMES.map((scheme) => [
        scheme.replace(/[^a-z0-9]/g, ""),
        { scheme, ingestConcurrency: 4, workerConcurrency: 2, maxBodyBytes: MAX_BODY_BYTES_LIMIT, ...(scheme === "hmac-sha256" ? { hmac: { header: "x-signature", encoding: "hex", prefix: "sha256=" } } : {}) },
      ]),
    ),
  });
  const { file, secrets } = writeSecrets(config.tenants);
  let pipeline: LocalPipeline;
  let endpoints: string;

  before(async () => {
    pipeline = await startLocalPipeline({
      config,
      port: 0,
      secretsFile: file,
      logger: silentLogger,
      fail: parseFailSpec("s3=0.5"),
      timing: { visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS, streamRetryDelayMs: () => 100 },
    });
    endpoints = path.join(mkdtempSync(path.join(tmpdir(), "claimcheck-")), "claimcheck.endpoints.json");
    writeFileSync(endpoints, JSON.stringify(pipeline.endpointsFile()));
  });
  after(async () => {
    await pipeline?.stop();
  });

  /** Posts a signed body, retrying 503s as providers do (same delivery); returns the event id of the 202. */
  const retries503: { retryAfter: string | null; error: string }[] = [];
  async function deliver(tenant: TenantConfig, body: Buffer): Promise<string> {
    const deliveryId = randomUUID();
    for (let attempt = 1; attempt <= 20; attempt++) {
      const signed = signRequest({
        scheme: tenant.scheme, secret: secrets.get(tenant.id)!, body, nowSeconds: Math.floor(Date.now() / 1000), url: pipeline.url(tenant.id),
        hmac: tenant.hmac, contentType: "application/json", deliveryId, signingKey: signingKeyOf(tenant.id),
      });
      const response = await fetch(signed.url, { method: "POST", headers: signed.headers, body: signed.body ?? body });
      const answer = (await response.json()) as { eventId?: string; error?: string };
      if (response.status === 202) return answer.eventId!;
      assert.equal(response.status, 503, `${tenant.id}: ${JSON.stringify(answer)}`);
      retries503.push({ retryAfter: response.headers.get("retry-after"), error: answer.error ?? "" });
    }
    assert.fail(`${tenant.id}: twenty 503s in a row`);
  }

  it("stores every accepted event once, inline up to 8 KiB and behind a pointer above, and gives each body back byte for byte", async () => {
    const sent = new Map<string, { tenant: string; body: Buffer }>();
    const record = (tenant: string, eventId: string, body: Buffer) => {
      assert.ok(!sent.has(`${tenant}/${eventId}`), "distinct events");
      sent.set(`${tenant}/${eventId}`, { tenant, body });
    };
    // Every tenant at once: one 5 MiB body, then ten bodies just over the threshold (so S3's faults meet many puts).
    await Promise.all(
      config.tenants.map(async (tenant, i) => {
        const big = jsonBody(BIG, i);
        record(tenant.id, await deliver(tenant, big), big);
        for (let n = 0; n < 10; n++) {
          const body = jsonBody(INLINE_BODY_MAX_BYTES + 1 + n * 1000, 100 + n);
          record(tenant.id, await deliver(tenant, body), body);
        }
      }),
    );
    const github = config.tenants.find((t) => t.scheme === "github")!;
    const atThreshold = jsonBody(INLINE_BODY_MAX_BYTES, 900);
    const overThreshold = jsonBody(INLINE_BODY_MAX_BYTES + 1, 901);
    const atId = await deliver(github, atThreshold);
    const overId = await deliver(github, overThreshold);
    record(github.id, atId, atThreshold);
    record(github.id, overId, overThreshold);

    // S3 failed calls, the senders saw 503 + Retry-After for some, and retried.
    const injected = Object.values(pipeline.faults.s3!.injected).reduce((a, b) => a + b, 0);
    assert.ok(injected > 0, "S3 faults were injected");
    assert.ok(retries503.length > 0, "some deliveries got 503 (the SDK's own retries did not hide every S3 fault)");
    for (const r of retries503) assert.deepEqual(r, { retryAfter: "5", error: "body_store_failed" });

    // Nothing lost, nothing twice: every tenant's table count is exactly what was accepted, and all published.
    const expected = (id: string) => [...sent.values()].filter((s) => s.tenant === id).length;
    const status = async () => (await (await fetch(`http://127.0.0.1:${pipeline.port}/_local/status`)).json()) as PipelineStatus;
    const final = await eventually(status, (s) => config.tenants.every((t) => s.tenants[t.id]!.stored === expected(t.id) && s.tenants[t.id]!.published === expected(t.id)), 120_000, "stored and published");
    for (const t of config.tenants) assert.equal(final.tenants[t.id]!.dlq, 0, `${t.id}: nothing in the DLQ`);

    // The items: inline at the threshold, a pointer one byte over (and for every 5 MiB body).
    const dynamodb = new DynamoDBClient({ endpoint: pipeline.endpoints.dynamodb, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    const item = async (tenant: string, eventId: string) => (await dynamodb.send(new GetItemCommand({ TableName: pipeline.names.table, Key: { pk: { S: `${tenant}#${eventId}` } }, ConsistentRead: true }))).Item!;
    const at = await item(github.id, atId);
    // Inline, gzip'ed at rest (the padded JSON compresses), and it gunzips to exactly the body sent.
    assert.equal(at.bodyEncoding?.S, "gzip");
    assert.ok(bodyFromStored(Buffer.from(at.body!.B!), at.bodyEncoding?.S, Number(at.size!.N))?.equals(atThreshold), "exactly 8 KiB: inline");
    assert.equal(at.bodyPointer, undefined);
    const over = await item(github.id, overId);
    assert.equal(over.body, undefined, "8 KiB + 1: no inline body");
    assert.equal(over.size!.N, String(INLINE_BODY_MAX_BYTES + 1));
    assert.equal(over.bodyPointer!.M!.key!.S, `${github.id}/${createHash("sha256").update(overId).digest("hex")}/${over.bodyPointer!.M!.sha256!.S}`);
    assert.equal(over.bodyPointer!.M!.bucket!.S, pipeline.names.bodiesBucket);
    dynamodb.destroy();

    // Every body back byte for byte through `npm run ops -- event` (the 5 MiB ones and the threshold pair through
    // --out, the 9-18 KiB ones through --json), which reads S3 for pointers and checks size and sha256.
    const outDir = mkdtempSync(path.join(tmpdir(), "claimcheck-out-"));
    for (const [key, { tenant, body }] of sent) {
      const eventId = key.slice(tenant.length + 1);
      if (body.length === BIG || body.length <= INLINE_BODY_MAX_BYTES + 1) {
        const out = path.join(outDir, `${tenant}.bin`);
        const run = await ops(["event", "--tenant", tenant, eventId, "--out", out, "--local", "--endpoints", endpoints]);
        assert.equal(run.code, 0, run.stderr);
        const { readFileSync } = await import("node:fs");
        assert.ok(readFileSync(out).equals(body), `${tenant}: ${body.length} bytes back byte for byte`);
      } else {
        const run = await ops(["event", "--tenant", tenant, eventId, "--json", "--local", "--endpoints", endpoints]);
        assert.equal(run.code, 0, run.stderr);
        const printed = run.json<{ body: string; size: number; bodyEncoding?: string }>();
        assert.equal(printed.bodyEncoding, undefined);
        assert.equal(printed.size, body.length);
        assert.ok(Buffer.from(printed.body, "utf8").equals(body), `${tenant}: body back`);
      }
    }

    // The analytics records of the 5 MiB events carry the pointer and no payload (Kinesis' 1 MiB record).
    const kinesis = new KinesisClient({ endpoint: pipeline.endpoints.kinesis, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, requestHandler: new NodeHttpHandler() });
    const records: { eventId: string; size: number; payload?: string; bodyPointer?: { key: string; sha256: string } }[] = [];
    for (const shard of (await kinesis.send(new ListShardsCommand({ StreamName: pipeline.names.analyticsStream }))).Shards ?? []) {
      let iterator = (await kinesis.send(new GetShardIteratorCommand({ StreamName: pipeline.names.analyticsStream, ShardId: shard.ShardId!, ShardIteratorType: "TRIM_HORIZON" }))).ShardIterator;
      while (iterator) {
        const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
        for (const r of page.Records ?? []) records.push(JSON.parse(Buffer.from(r.Data!).toString("utf8")));
        iterator = (page.Records ?? []).length === 0 ? undefined : page.NextShardIterator;
      }
    }
    kinesis.destroy();
    const bigRecords = records.filter((r) => r.size === BIG);
    assert.ok(bigRecords.length >= config.tenants.length, "every 5 MiB event published");
    for (const r of bigRecords) {
      assert.equal(r.payload, undefined);
      assert.match(r.bodyPointer!.sha256, /^[0-9a-f]{64}$/);
    }
    assert.ok(records.some((r) => r.eventId === atId && typeof r.payload === "string"), "the 8 KiB event's record carries its payload");
  });
});
