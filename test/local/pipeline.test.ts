// End to end on 127.0.0.1: the prod stack's tenants (every scheme) through the real local servers, the
// handlers as their Lambda entries compose them, and the emulated event sources. The queues' visibility timeout
// and the async retry delays are shortened (minutes on AWS); everything else is the shared settings.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { DeleteItemCommand, DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { loadStackFile } from "../../components/config";
import { QUEUE, WORKER_ASYNC } from "../../components/settings";
import { encodeEnvelope } from "../../handlers/core/envelope";
import { storedEventHeadOf } from "../../handlers/core/eventItem";
import { sqsRecord } from "../../local/events";
import { startLocalPipeline, type LocalPipeline } from "../../local/pipeline";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/servers";
import type { PipelineStatus, TenantStatus } from "../../local/status";
import { signRequest } from "../../local/sign";
import { sampleBody, sendWebhooks, type BadKind } from "../../scripts/send";
import { silentLogger } from "../helpers/handlers";
import { eventually, postSigned, signingKeyOf, VISIBILITY_TIMEOUT_SECONDS, writeSecrets } from "../helpers/localPipeline";

const minus = (after: TenantStatus, before: TenantStatus): TenantStatus =>
  Object.fromEntries(Object.entries(after).map(([key, value]) => [key, value - before[key as keyof TenantStatus]])) as unknown as TenantStatus;

describe("local pipeline end to end (npm start's engine)", function () {
  this.timeout(90_000);
  const config = loadStackFile("prod");
  const { file, secrets } = writeSecrets(config.tenants);
  let pipeline: LocalPipeline;
  let dynamodb: DynamoDBClient;
  let sqs: SQSClient;

  before(async () => {
    pipeline = await startLocalPipeline({
      config,
      port: 0,
      secretsFile: file,
      logger: silentLogger,
      timing: { visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS, asyncRetryDelayMs: () => 50 },
    });
    dynamodb = new DynamoDBClient({ endpoint: pipeline.endpoints.dynamodb, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    sqs = new SQSClient({ endpoint: pipeline.endpoints.sqs, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  });
  after(async () => {
    dynamodb?.destroy();
    sqs?.destroy();
    await pipeline?.stop();
  });

  const status = async (): Promise<PipelineStatus> => {
    const response = await fetch(`http://127.0.0.1:${pipeline.port}/_local/status`);
    assert.equal(response.status, 200);
    return (await response.json()) as PipelineStatus;
  };
  const itemOf = (tenant: string, eventId: string) => dynamodb.send(new GetItemCommand({ TableName: pipeline.names.table, Key: { pk: { S: `${tenant}#${eventId}` } }, ConsistentRead: true }));

  it("signed webhooks of every scheme end up in DynamoDB and Kinesis, and /_local/status agrees", async () => {
    const before = await status();
    const perTenant = 6;
    const accepted = new Map<string, string[]>();
    await Promise.all(
      config.tenants.map(async (tenant) => {
        const ids: string[] = [];
        for (let n = 0; n < perTenant; n++) {
          const result = await postSigned(pipeline.url(tenant.id), tenant, secrets.get(tenant.id)!, randomUUID(), sampleBody(tenant, n));
          assert.equal(result.status, 202, `${tenant.id} (${tenant.scheme})`);
          ids.push(result.eventId!);
        }
        accepted.set(tenant.id, ids);
      }),
    );
    const after = await eventually(status, (s) => config.tenants.every((t) => s.tenants[t.id]!.published - before.tenants[t.id]!.published >= perTenant), 30_000, "every event published");
    for (const tenant of config.tenants) {
      const delta = minus(after.tenants[tenant.id]!, before.tenants[tenant.id]!);
      // Every event here is new and sent once: each is stored and published exactly once. `duplicates` is left out
      // on purpose: with the tests' 2 s visibility timeout, a worker stalled by a loaded machine lets SQS deliver a
      // batch again, and recognising that redelivery as a duplicate is correct behaviour, not a loss. The tests
      // below assert duplicates where they are certain (the same delivery sent twice, replays).
      const { duplicates: _redeliveries, ...flow } = delta;
      assert.deepEqual(flow, { received: perTenant, accepted: perTenant, rejected: 0, stored: perTenant, published: perTenant, dlq: 0 }, tenant.id);
      for (const eventId of accepted.get(tenant.id)!) {
        const item = await itemOf(tenant.id, eventId);
        assert.equal(storedEventHeadOf(item.Item!)?.tenant, tenant.id);
        assert.equal(item.Item?.scheme?.S, tenant.scheme);
      }
    }
  });

  it("broken requests get the right 4xx each, and nothing is stored", async () => {
    const before = await status();
    const timestamped = new Set(["standard-webhooks", "stripe", "slack", "twitch", "discord", "mailgun", "custom"]);
    let sent = 0;
    for (const tenant of config.tenants) {
      const expected: Partial<Record<BadKind, string>> = { signature: "401", oversized: "413", method: "405", "missing-header": "400" };
      if (timestamped.has(tenant.scheme)) expected.stale = "401";
      for (const [bad, code] of Object.entries(expected)) {
        const report = await sendWebhooks({ tenant, url: pipeline.url(tenant.id), secret: secrets.get(tenant.id)!, signingKey: signingKeyOf(tenant.id), count: 1, rate: 0, concurrency: 1, bad: bad as BadKind });
        assert.deepEqual(report.statuses, { [code]: 1 }, `${tenant.id} --bad ${bad}`);
        sent += 1;
      }
    }
    // Give the pipeline time to (wrongly) store something before checking it did not.
    await new Promise((resolve) => setTimeout(resolve, 2 * 1000));
    const after = await status();
    let rejected = 0;
    for (const tenant of config.tenants) {
      const delta = minus(after.tenants[tenant.id]!, before.tenants[tenant.id]!);
      assert.deepEqual({ accepted: delta.accepted, stored: delta.stored, published: delta.published, dlq: delta.dlq }, { accepted: 0, stored: 0, published: 0, dlq: 0 }, tenant.id);
      rejected += delta.rejected;
    }
    assert.equal(rejected, sent);
  });

  it("the same event delivered twice: two 2xx, one item, one duplicate seen by the worker", async () => {
    const tenant = config.tenants.find((t) => t.scheme === "github")!;
    const before = (await status()).tenants[tenant.id]!;
    const deliveryId = randomUUID();
    const sample = sampleBody(tenant, 1);
    const first = await postSigned(pipeline.url(tenant.id), tenant, secrets.get(tenant.id)!, deliveryId, sample);
    const second = await postSigned(pipeline.url(tenant.id), tenant, secrets.get(tenant.id)!, deliveryId, sample);
    assert.deepEqual([first.status, second.status], [202, 202]);
    assert.equal(first.eventId, second.eventId);
    const after = await eventually(status, (s) => s.tenants[tenant.id]!.duplicates > before.duplicates && s.tenants[tenant.id]!.published > before.published, 20_000, "duplicate seen");
    const delta = minus(after.tenants[tenant.id]!, before);
    assert.equal(delta.accepted, 2);
    assert.equal(delta.stored, 1);
    assert.equal(delta.published, 1);
    assert.ok((await itemOf(tenant.id, first.eventId!)).Item);
  });

  it("a captured GitHub, Shopify and Twilio request replayed under a fresh delivery id: 2xx, stored once, a delivery id kept as metadata", async () => {
    const deliveryHeader: Record<string, string> = { github: "x-github-delivery", shopify: "x-shopify-webhook-id", twilio: "i-twilio-idempotency-token" };
    for (const scheme of ["github", "shopify", "twilio"] as const) {
      const tenant = config.tenants.find((t) => t.scheme === scheme)!;
      const before = (await status()).tenants[tenant.id]!;
      const sample = sampleBody(tenant, 7);
      const original = randomUUID();
      const signed = signRequest({
        scheme, secret: secrets.get(tenant.id)!, body: sample.body, nowSeconds: Math.floor(Date.now() / 1000), url: pipeline.url(tenant.id), contentType: sample.contentType, deliveryId: original,
      });
      const post = async (deliveryId: string) => {
        const response = await fetch(signed.url, { method: "POST", headers: { ...signed.headers, [deliveryHeader[scheme]!]: deliveryId }, body: sample.body });
        return { status: response.status, eventId: ((await response.json()) as { eventId?: string }).eventId };
      };
      const first = await post(original);
      const fresh = randomUUID();
      const replay = await post(fresh);
      assert.deepEqual([first.status, replay.status], [202, 202], scheme);
      assert.equal(replay.eventId, first.eventId, scheme);
      const after = await eventually(status, (s) => s.tenants[tenant.id]!.duplicates > before.duplicates && s.tenants[tenant.id]!.stored > before.stored, 20_000, `${scheme} replay seen`);
      const delta = minus(after.tenants[tenant.id]!, before);
      assert.equal(delta.accepted, 2, scheme);
      assert.equal(delta.stored, 1, scheme);
      const item = (await itemOf(tenant.id, first.eventId!)).Item!;
      // Both copies may share a worker batch: whichever write wins keeps its (unsigned) delivery id.
      assert.ok(([original, fresh] as string[]).includes(item.deliveryId!.S!), scheme);
      assert.ok(storedEventHeadOf(item)!.unsignedHeaders.includes("content-type"), scheme);
    }
  });

  it(`a poison message is retried, then in the DLQ after maxReceiveCount (${QUEUE.maxReceiveCount}); the rest of its batch is stored`, async () => {
    const tenant = config.tenants.find((t) => t.scheme === "shopify")!;
    const queues = pipeline.names.tenants[tenant.id]!;
    const before = (await status()).tenants[tenant.id]!;
    const valid = Array.from({ length: 3 }, () => ({ tenant: tenant.id, eventId: randomUUID(), scheme: tenant.scheme, receivedAt: Date.now(), headers: {}, body: Buffer.from('{"ok":true}') }));
    const poison = '{"v":1,"tenant":"' + tenant.id + '","note":"an envelope the worker cannot store"}';
    await Promise.all([...valid.map((envelope) => encodeEnvelope(envelope)), poison].map((body) => sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: body }))));
    const after = await eventually(status, (s) => s.tenants[tenant.id]!.dlq > before.dlq, (QUEUE.maxReceiveCount + 3) * VISIBILITY_TIMEOUT_SECONDS * 1000 + 10_000, "poison in DLQ");
    const delta = minus(after.tenants[tenant.id]!, before);
    assert.equal(delta.dlq, 1);
    assert.equal(delta.stored, 3);
    for (const envelope of valid) assert.ok((await itemOf(tenant.id, envelope.eventId)).Item);
    // (local-aws-sqs restarts the receive count in the DLQ, so the body is what identifies it.)
    const dead = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.dlqUrl, MaxNumberOfMessages: 10 }));
    assert.deepEqual(dead.Messages?.map((message) => message.Body), [poison]);
  });

  it("an asynchronous replay (Lambda Invoke API, InvocationType Event): stored when it works, in the on-failure destination when it cannot", async () => {
    const tenant = config.tenants.find((t) => t.scheme === "twilio")!;
    // The real Lambda client, pointed at the local Invoke API: what `aws lambda invoke --endpoint-url` does.
    const lambda = new LambdaClient({ endpoint: `http://127.0.0.1:${pipeline.port}/_local/lambda`, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    const invoke = async (payload: unknown, functionName = `webhooks-prod-${tenant.id}-worker`) => {
      const result = await lambda.send(new InvokeCommand({ FunctionName: functionName, InvocationType: "Event", Payload: Buffer.from(JSON.stringify(payload)) }));
      return { status: result.StatusCode };
    };

    const envelope = { tenant: tenant.id, eventId: randomUUID(), scheme: tenant.scheme, receivedAt: Date.now(), headers: {}, body: Buffer.from("Body=hi") };
    const good = await invoke({ replay: true, Records: [sqsRecord({ messageId: randomUUID(), body: encodeEnvelope(envelope) })] });
    assert.equal(good.status, 202);
    await eventually(() => itemOf(tenant.id, envelope.eventId), (item) => item.Item !== undefined, 10_000, "replayed event stored");

    const badPayload = { replay: true, Records: [sqsRecord({ messageId: "m-poison", body: "not an envelope" })] };
    const bad = await invoke(badPayload);
    assert.equal(bad.status, 202);
    const failureQueue = pipeline.names.tenants[tenant.id]!.asyncFailureQueueUrl;
    const received = await eventually(
      () => sqs.send(new ReceiveMessageCommand({ QueueUrl: failureQueue, WaitTimeSeconds: 1 })),
      (result) => (result.Messages?.length ?? 0) > 0,
      15_000,
      "invocation record in the on-failure destination",
    );
    const record = JSON.parse(received.Messages![0]!.Body!);
    assert.equal(record.requestContext.condition, "RetriesExhausted");
    assert.equal(record.requestContext.approximateInvokeCount, WORKER_ASYNC.maximumRetryAttempts + 1);
    assert.deepEqual(record.requestPayload, badPayload);
    assert.equal(record.responsePayload.errorType, "ReplayBatchFailedError");

    await assert.rejects(invoke({}, "nobody-worker"), { name: "ResourceNotFoundException" });
    lambda.destroy();
  });

  it("status reads the stores, not the handlers: an item lost behind the pipeline's back shows as a gap", async () => {
    const tenant = config.tenants.find((t) => t.scheme === "stripe")!;
    const posted = await postSigned(pipeline.url(tenant.id), tenant, secrets.get(tenant.id)!);
    assert.equal(posted.status, 202);
    const before = await eventually(status, (s) => s.tenants[tenant.id]!.stored === s.tenants[tenant.id]!.accepted, 20_000, "stored");
    await dynamodb.send(new DeleteItemCommand({ TableName: pipeline.names.table, Key: { pk: { S: `${tenant.id}#${posted.eventId}` } } }));
    const after = (await status()).tenants[tenant.id]!;
    assert.equal(after.accepted, before.tenants[tenant.id]!.accepted);
    assert.equal(after.stored, before.tenants[tenant.id]!.stored - 1);
  });
});
