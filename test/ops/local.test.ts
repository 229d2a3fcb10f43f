// The operator commands end to end against the local pipeline (npm start's engine, started in-process), through
// the endpoints file npm start writes: each runbook fix rehearsed. The worker and the stream consumer are rigged
// to fail while a test says so (the cause), then repaired (the cause removed) before the command runs.
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { loadStackFile } from "../../components/config";
import { encodeEnvelope } from "../../handlers/core/envelope";
import { sqsRecord } from "../../local/events";
import { startLocalPipeline, type LocalPipeline } from "../../local/pipeline";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/servers";
import type { PipelineStatus } from "../../local/status";
import { sampleBody } from "../../scripts/send";
import { silentLogger } from "../helpers/handlers";
import { eventually, postSigned, writeSecrets } from "../helpers/localPipeline";
import { ops } from "./harness";

describe("npm run ops --local: the runbook's fixes against the local pipeline", function () {
  this.timeout(60_000);
  const config = loadStackFile("dev");
  const acme = config.tenants.find((tenant) => tenant.id === "acme")!;
  const globex = config.tenants.find((tenant) => tenant.id === "globex")!;
  const { file, secrets } = writeSecrets(config.tenants);
  /** Tenants whose worker fails every record (as a broken table write would), until the test repairs it. */
  const brokenWorkers = new Set<string>();
  let consumerBroken = false;
  let pipeline: LocalPipeline;
  let endpoints: string;
  let dynamodb: DynamoDBClient;
  let sqs: SQSClient;

  before(async () => {
    pipeline = await startLocalPipeline({
      config,
      port: 0,
      secretsFile: file,
      logger: silentLogger,
      // One-second visibility, as given: 5 failed receives reach the DLQ in seconds (npm start --visibility-timeout 1
      // would add the tenant's batching window, 1 s by default).
      timing: { visibilityTimeoutSeconds: 1, asyncRetryDelayMs: () => 50, streamRetryDelayMs: () => 20 },
      rig: {
        worker: (tenant, handler) => async (event, context) => {
          if (!brokenWorkers.has(tenant)) return handler(event, context);
          if (event.replay === true) throw new Error("rigged: store unavailable");
          return { batchItemFailures: (event.Records ?? []).map((record) => ({ itemIdentifier: record.messageId })) };
        },
        streamConsumer: (handler) => async (event, context) => {
          if (consumerBroken) throw Object.assign(new Error("rigged: Rate exceeded for stream"), { name: "ProvisionedThroughputExceededException" });
          return handler(event, context);
        },
      },
    });
    endpoints = path.join(mkdtempSync(path.join(tmpdir(), "ops-local-")), "dev.endpoints.json");
    writeFileSync(endpoints, JSON.stringify(pipeline.endpointsFile()));
    dynamodb = new DynamoDBClient({ endpoint: pipeline.endpoints.dynamodb, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    sqs = new SQSClient({ endpoint: pipeline.endpoints.sqs, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  });
  after(async () => {
    dynamodb?.destroy();
    sqs?.destroy();
    await pipeline?.stop();
  });

  const local = (...args: string[]) => ops([...args, "--local", "--endpoints", endpoints]);
  const status = async (): Promise<PipelineStatus> => (await (await fetch(`http://127.0.0.1:${pipeline.port}/_local/status`)).json()) as PipelineStatus;
  const stored = async (tenant: string, eventId: string) => (await dynamodb.send(new GetItemCommand({ TableName: pipeline.names.table, Key: { pk: { S: `${tenant}#${eventId}` } }, ConsistentRead: true }))).Item !== undefined;
  /** The invocation records in a failure queue, read and made visible again at once (nothing consumed). */
  const failureRecords = async (queueUrl: string) => {
    const messages = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 30, WaitTimeSeconds: 1 }))).Messages ?? [];
    for (const message of messages) await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle!, VisibilityTimeout: 0 }));
    return messages.map((message) => JSON.parse(message.Body!) as { requestContext: { requestId: string } });
  };
  const depth = async (queueUrl: string) => {
    const { queueDepth } = await import("../../ops/queues");
    return (await queueDepth(sqs, queueUrl)).total;
  };

  it("the endpoints file names the servers and resources in the stack outputs' shape", () => {
    const content = JSON.parse(readFileSync(endpoints, "utf8"));
    assert.equal(content.stack, "dev");
    assert.equal(content.pid, process.pid);
    assert.deepEqual(Object.keys(content.queues.tenants).sort(), ["acme", "globex"]);
    assert.equal(content.functions.tenants.acme.worker, "webhooks-dev-acme-worker");
    assert.match(content.endpoints.lambda, /^http:\/\/127\.0\.0\.1:\d+\/_local\/lambda$/);
  });

  it("events and event: JSON shapes, every event once in time order, bodies byte for byte (text and binary)", async () => {
    const sent: { eventId: string; body: Buffer }[] = [];
    for (let n = 0; n < 3; n++) {
      const sample = sampleBody(acme, n);
      const posted = await postSigned(pipeline.url(acme.id), acme, secrets.get(acme.id)!, randomUUID(), sample);
      assert.equal(posted.status, 202);
      sent.push({ eventId: posted.eventId!, body: sample.body });
    }
    // Not UTF-8: GitHub signs bytes, so a binary body goes through ingest and the worker unchanged.
    const binary = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x80]), randomBytes(64)]);
    const posted = await postSigned(pipeline.url(globex.id), globex, secrets.get(globex.id)!, randomUUID(), { body: binary, contentType: "application/octet-stream" });
    assert.equal(posted.status, 202);
    await eventually(async () => Promise.all([...sent.map((s) => stored(acme.id, s.eventId)), stored(globex.id, posted.eventId!)]), (all) => all.every(Boolean), 20_000, "stored");

    const events = await local("events", "--tenant", "acme", "--since", "10m", "--json");
    assert.equal(events.code, 0, events.stderr);
    assert.match(events.stderr, /^ops events: local stack dev · sqs http:\/\/127\.0\.0\.1:\d+ · dynamodb /m, "says where it acts");
    const rows = events.json<{ eventId: string; receivedAt: string; scheme: string; size: number }[]>();
    for (const row of rows) assert.deepEqual(Object.keys(row).sort(), ["eventId", "receivedAt", "scheme", "size"]);
    assert.deepEqual(rows.map((row) => row.eventId).filter((id) => sent.some((s) => s.eventId === id)).sort(), sent.map((s) => s.eventId).sort(), "each sent event listed once");
    assert.deepEqual(rows.map((row) => row.receivedAt), [...rows.map((row) => row.receivedAt)].sort(), "merged across shards in time order");
    assert.ok(rows.every((row) => row.scheme === "standard-webhooks" && row.size > 0));
    const limited = await local("events", "--tenant", "acme", "--since", "10m", "--limit", "2", "--json");
    assert.deepEqual(limited.json(), rows.slice(0, 2));
    assert.match(limited.stderr, /2 shown, more in the window/);

    const text = await local("event", "--tenant", "acme", sent[0]!.eventId, "--json");
    const detail = text.json<Record<string, unknown>>();
    assert.equal(detail.eventId, sent[0]!.eventId);
    assert.equal(detail.body, sent[0]!.body.toString("utf8"));
    assert.equal(detail.bodyEncoding, undefined);
    assert.equal(typeof detail.receivedAt, "string");
    assert.equal((detail.headers as Record<string, string>)["content-type"], "application/json");

    const raw = await local("event", "--tenant", "globex", posted.eventId!);
    assert.equal(raw.code, 0, raw.stderr);
    assert.ok(raw.stdout.equals(binary), "raw body on stdout, byte for byte");
    const encoded = (await local("event", "--tenant", "globex", posted.eventId!, "--json")).json<{ body: string; bodyEncoding: string }>();
    assert.equal(encoded.bodyEncoding, "base64");
    assert.ok(Buffer.from(encoded.body, "base64").equals(binary));
    const out = path.join(mkdtempSync(path.join(tmpdir(), "ops-body-")), "body.bin");
    await local("event", "--tenant", "globex", posted.eventId!, "--out", out);
    assert.ok(readFileSync(out).equals(binary));

    const missing = await local("event", "--tenant", "acme", "no-such-event");
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no event 'no-such-event' of tenant 'acme'/);
  });

  it("a poison message reaches the DLQ; dlq shows it; redrive --dry-run moves nothing; with the cause removed, redrive stores it once", async () => {
    const before = (await eventually(status, (s) => s.tenants.acme!.published === s.tenants.acme!.stored, 20_000, "settled before")).tenants.acme!;
    brokenWorkers.add(acme.id);
    const posted = await postSigned(pipeline.url(acme.id), acme, secrets.get(acme.id)!);
    assert.equal(posted.status, 202);
    const dlqUrl = pipeline.names.tenants.acme!.dlqUrl;
    await eventually(() => depth(dlqUrl), (n) => n === 1, 30_000, "message in the DLQ after 5 receives");

    const dlq = await local("dlq", "--tenant", "acme", "--json");
    assert.equal(dlq.code, 0, dlq.stderr);
    const shown = dlq.json<{ depth: number; oldestAgeSeconds: number; messages: { eventId: string; receiveCount: number; size: number }[] }>();
    assert.equal(shown.depth, 1);
    assert.equal(typeof shown.oldestAgeSeconds, "number");
    assert.equal(shown.messages.length, 1);
    assert.equal(shown.messages[0]!.eventId, posted.eventId);
    assert.ok(shown.messages[0]!.receiveCount >= 1 && shown.messages[0]!.size > 0);
    assert.equal(await depth(dlqUrl), 1, "peeking consumed nothing");

    const dry = await local("redrive", "--tenant", "acme", "--dry-run", "--json");
    assert.deepEqual(dry.json(), { moved: 0, remaining: 1, wouldMove: 1, dryRun: true });
    assert.equal(await depth(dlqUrl), 1, "dry run moved nothing");
    assert.equal(await stored(acme.id, posted.eventId!), false);

    brokenWorkers.delete(acme.id); // the cause removed
    const redrive = await local("redrive", "--tenant", "acme", "--json");
    assert.equal(redrive.code, 0, redrive.stderr);
    assert.deepEqual(redrive.json(), { moved: 1, remaining: 0 });
    assert.match(redrive.stderr, /redrive acme: moved 1 · remaining 0/);
    const after = await eventually(status, (s) => s.tenants.acme!.stored === before.stored + 1 && s.tenants.acme!.published === before.published + 1, 20_000, "redriven event stored and published");
    assert.equal(after.tenants.acme!.dlq, 0);
    assert.equal(await stored(acme.id, posted.eventId!), true);
  });

  it("stream batches the consumer gave up on go to the failure queue; --dry-run changes nothing; republish --from-failures makes published = stored", async () => {
    const failuresUrl = pipeline.names.streamFailureQueueUrl;
    const baseline = await eventually(status, (s) => s.tenants.globex!.published === s.tenants.globex!.stored, 20_000, "settled before");
    consumerBroken = true;
    const count = 4;
    for (let n = 0; n < count; n++) assert.equal((await postSigned(pipeline.url(globex.id), globex, secrets.get(globex.id)!, randomUUID(), sampleBody(globex, n))).status, 202);
    // Every new record described in the failure queue: sum of the records' batch sizes (read without consuming).
    const described = async () => {
      const { receiveBatch, release } = await import("../../ops/queues");
      const messages = [];
      for (let batch = await receiveBatch(sqs, failuresUrl, 10, 30); batch.length > 0; batch = await receiveBatch(sqs, failuresUrl, 10, 30)) messages.push(...batch);
      await release(sqs, failuresUrl, messages);
      return { records: messages.length, events: messages.reduce((sum, message) => sum + (JSON.parse(message.Body!).DDBStreamBatchInfo.batchSize as number), 0) };
    };
    const failed = await eventually(described, (n) => n.events >= count, 30_000, "the stream batches in the failure queue");
    consumerBroken = false;
    const broken = await eventually(status, (s) => s.tenants.globex!.stored === baseline.tenants.globex!.stored + count, 10_000, "all stored");
    assert.ok(broken.tenants.globex!.published < broken.tenants.globex!.stored, "a gap: stored but not published");

    const dry = await local("republish", "--from-failures", "--dry-run", "--json");
    assert.equal(dry.code, 0, dry.stderr);
    assert.deepEqual(dry.json(), { republished: failed.events, skipped: 0, failureRecords: failed.records, unrecognised: 0, kept: 0, dryRun: true });
    assert.equal(await depth(failuresUrl), failed.records, "dry run deleted no failure record");
    assert.equal((await status()).tenants.globex!.published, broken.tenants.globex!.published, "dry run published nothing");

    const run = await local("republish", "--from-failures", "--json");
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.json(), { republished: failed.events, skipped: 0, failureRecords: failed.records, unrecognised: 0, kept: 0 });
    const final = await eventually(status, (s) => s.tenants.globex!.published === s.tenants.globex!.stored, 10_000, "published = stored");
    assert.equal(final.tenants.globex!.stored, baseline.tenants.globex!.stored + count);
    assert.equal(await depth(failuresUrl), 0, "each failure record deleted once its events were published");
  });

  /**
   * A failure record of a batch of `batchSize` events that arrived just now on a shard the stream does not have
   * (trimmed after 24 h on AWS): only its times are usable, so republish reads the table by time.
   */
  const sendGoneShardFailureRecord = async (batchSize: number) => {
    const now = new Date().toISOString();
    const streamArn = JSON.parse(readFileSync(endpoints, "utf8")).eventsTable;
    await sqs.send(new SendMessageCommand({
      QueueUrl: pipeline.names.streamFailureQueueUrl,
      MessageBody: JSON.stringify({ version: "1.0", DDBStreamBatchInfo: { shardId: "shardId-00000000000000000000-gone", startSequenceNumber: "1", endSequenceNumber: "2", approximateArrivalOfFirstRecord: now, approximateArrivalOfLastRecord: now, batchSize, streamArn: `arn:aws:dynamodb:us-east-1:000000000000:table/${streamArn}/stream/2020-01-01T00:00:00.000` } }),
    }));
  };

  it("a failure record the stream no longer serves is republished from the table by time", async () => {
    const failuresUrl = pipeline.names.streamFailureQueueUrl;
    const posted = await postSigned(pipeline.url(acme.id), acme, secrets.get(acme.id)!);
    assert.equal(posted.status, 202);
    await eventually(() => stored(acme.id, posted.eventId!), Boolean, 20_000, "stored");
    await sendGoneShardFailureRecord(1);
    const run = await local("republish", "--from-failures", "--lookback", "2m", "--json");
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /no longer in the stream; republishing events stored .* from the table/);
    const result = run.json<{ republished: number; failureRecords: number }>();
    assert.equal(result.failureRecords, 1);
    assert.ok(result.republished >= 1, "at least the event stored in the window");
    assert.equal(await depth(failuresUrl), 0);
  });

  it("a failure record whose batch holds more events than the table's window is kept, and the run exits 1", async () => {
    const failuresUrl = pipeline.names.streamFailureQueueUrl;
    // 5,000 events in the batch: far more than this test pipeline stored in the window, so some waited in the
    // queue longer than the lookback (a worker outage, a DLQ redrive) and the window cannot hold them.
    await sendGoneShardFailureRecord(5000);
    const run = await local("republish", "--from-failures", "--lookback", "2m", "--json");
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /the batch held 5000 event\(s\) but the stream and the window only \d+; record kept: run again with a longer --lookback/);
    const result = run.json<{ failureRecords: number; kept: number }>();
    assert.deepEqual([result.failureRecords, result.kept], [1, 1]);
    assert.equal(await depth(failuresUrl), 1, "the record is still there for the next run");
    // Cleared for the tests after this one.
    const { receiveBatch } = await import("../../ops/queues");
    for (const message of await receiveBatch(sqs, failuresUrl, 10, 30)) await sqs.send(new DeleteMessageCommand({ QueueUrl: failuresUrl, ReceiptHandle: message.ReceiptHandle! }));
    assert.equal(await depth(failuresUrl), 0);
  });

  it("replay --failures re-invokes the worker with the batches of its async failure destination, once the cause is removed", async () => {
    brokenWorkers.add(acme.id);
    const envelope = { tenant: acme.id, eventId: randomUUID(), scheme: acme.scheme, receivedAt: Date.now(), headers: {}, body: Buffer.from('{"replayed":true}') };
    const lambda = new LambdaClient({ endpoint: JSON.parse(readFileSync(endpoints, "utf8")).endpoints.lambda, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    try {
      const invoked = await lambda.send(new InvokeCommand({ FunctionName: "webhooks-dev-acme-worker", InvocationType: "Event", Payload: Buffer.from(JSON.stringify({ replay: true, Records: [sqsRecord({ messageId: randomUUID(), body: encodeEnvelope(envelope) })] })) }));
      assert.equal(invoked.StatusCode, 202);
    } finally {
      lambda.destroy();
    }
    const asyncFailures = pipeline.names.tenants.acme!.asyncFailureQueueUrl;
    await eventually(() => depth(asyncFailures), (n) => n >= 1, 20_000, "invocation record in the async failure destination");
    // One invocation failed for good: one record, or copies of that same record (same request id) if a write to
    // the destination that did land was retried (destinations deliver at least once).
    const records = await failureRecords(asyncFailures);
    assert.equal(new Set(records.map((record) => record.requestContext.requestId)).size, 1, "one failed invocation");

    const dry = await local("replay", "--tenant", "acme", "--failures", "--dry-run", "--json");
    assert.deepEqual(dry.json(), { replayed: records.length, skipped: 0, dryRun: true });
    assert.equal(await depth(asyncFailures), records.length, "dry run kept the records");

    brokenWorkers.delete(acme.id);
    const run = await local("replay", "--tenant", "acme", "--failures", "--json");
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.json(), { replayed: records.length, skipped: 0 });
    await eventually(() => stored(acme.id, envelope.eventId), Boolean, 20_000, "replayed batch stored");
    assert.equal(await depth(asyncFailures), 0);
  });
});
