// The compositions (handlers/compose/*.ts) wire each handler from its environment and SDK clients, as the Lambda
// entries and the local pipeline run them: the variables reach the adapters (queue URL, secret id or file,
// bodies bucket, table, stream, metrics namespace), and a bad environment is a ConfigError before any request.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DynamoDBRecord } from "aws-lambda";
import { composeIngest } from "../../../handlers/compose/ingest";
import { composeStream } from "../../../handlers/compose/stream";
import { composeWorker } from "../../../handlers/compose/worker";
import { ConfigError } from "../../../handlers/core/errors";
import { encodeEnvelope } from "../../../handlers/core/envelope";
import { functionUrlEvent, sqsRecord } from "../../../local/events";
import { MetricsSpy, silentLogger } from "../../helpers/handlers";

const SECRET = "compose-test-github-secret";
const NOW = 1_760_000_000_000;

/** A client double answering by command name, recording each input. */
function client(answers: Record<string, (input: Record<string, unknown>) => unknown>) {
  const calls: [string, Record<string, unknown>][] = [];
  const double = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      calls.push([command.constructor.name, command.input]);
      const answer = answers[command.constructor.name];
      if (!answer) throw new Error(`unexpected ${command.constructor.name}`);
      return answer(command.input);
    },
  };
  return { double: double as never, calls };
}

const github = (body: string) =>
  functionUrlEvent(
    {
      method: "POST",
      url: "https://example.lambda-url.eu-west-1.on.aws/",
      headers: { "content-type": "application/json", "x-github-event": "push", "x-github-delivery": "d-1", "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}` },
      body: Buffer.from(body),
    },
    NOW,
  );

const ingestEnv = { TENANT_ID: "acme", SCHEME: "github", QUEUE_URL: "https://sqs.local/000000000000/acme", METRICS_NAMESPACE: "Webhooks/test" };
const noSecretsManager = () => assert.fail("no Secrets Manager client when the secrets come from a file");

describe("composed ingest", () => {
  it("reads the tenant's secret from SECRET_ID and sends a verified event to QUEUE_URL", async () => {
    const sqs = client({ SendMessageCommand: () => ({ MessageId: "m-1" }) });
    const secrets = client({ GetSecretValueCommand: () => ({ SecretString: JSON.stringify([SECRET]) }) });
    const metrics = new MetricsSpy();
    const ingest = composeIngest({ ...ingestEnv, SECRET_ID: "arn:aws:secretsmanager:eu-west-1:000000000000:secret:acme" }, { sqs: sqs.double, secretsManager: () => secrets.double }, silentLogger, metrics.sink, () => NOW);
    const response = await ingest(github('{"n":1}'));
    assert.equal(response.statusCode, 202);
    assert.deepEqual(secrets.calls, [["GetSecretValueCommand", { SecretId: "arn:aws:secretsmanager:eu-west-1:000000000000:secret:acme" }]]);
    assert.equal(sqs.calls.length, 1);
    assert.equal(sqs.calls[0]![1].QueueUrl, "https://sqs.local/000000000000/acme");
    assert.match(String(sqs.calls[0]![1].MessageBody), /"tenant":"acme"/);
    assert.deepEqual([metrics.lines[0]!.Tenant, metrics.lines[0]!.Accepted, (metrics.lines[0]! as { _aws: { Timestamp: number; CloudWatchMetrics: { Namespace: string }[] } })._aws.Timestamp], ["acme", 1, NOW]);
    assert.equal((metrics.lines[0]! as { _aws: { CloudWatchMetrics: { Namespace: string }[] } })._aws.CloudWatchMetrics[0]!.Namespace, "Webhooks/test");
  });

  it("reads the tenant's entry of SECRETS_FILE without creating a Secrets Manager client", async () => {
    const dir = mkdtempSync(join(tmpdir(), "compose-"));
    try {
      const file = join(dir, "secrets.json");
      writeFileSync(file, JSON.stringify({ acme: [SECRET], globex: ["other"] }));
      const sqs = client({ SendMessageCommand: () => ({ MessageId: "m-1" }) });
      const ingest = composeIngest({ ...ingestEnv, SECRETS_FILE: file }, { sqs: sqs.double, secretsManager: noSecretsManager }, silentLogger, () => {}, () => NOW);
      assert.equal((await ingest(github('{"n":1}'))).statusCode, 202);
      assert.equal((await ingest(functionUrlEvent({ method: "POST", url: "https://example.lambda-url.eu-west-1.on.aws/", headers: { "x-github-event": "push", "x-github-delivery": "d-2", "x-hub-signature-256": `sha256=${"0".repeat(64)}` }, body: Buffer.from("{}") }, NOW))).statusCode, 401);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("BODY_BUCKET without an S3 client is a ConfigError naming it; with one, a large body goes to that bucket first", async () => {
    assert.throws(
      () => composeIngest({ ...ingestEnv, SECRET_ID: "s", BODY_BUCKET: "bodies" }, { sqs: client({}).double, secretsManager: () => client({}).double }, silentLogger, () => {}),
      (error: unknown) => error instanceof ConfigError && error.message === "BODY_BUCKET is set but no S3 client was given",
    );
    const order: string[] = [];
    const s3 = client({ PutObjectCommand: () => void order.push("s3") });
    const sqs = client({ SendMessageCommand: () => (order.push("sqs"), { MessageId: "m-1" }) });
    const ingest = composeIngest(
      { ...ingestEnv, SECRET_ID: "s", BODY_BUCKET: "bodies" },
      { sqs: sqs.double, secretsManager: () => client({ GetSecretValueCommand: () => ({ SecretString: JSON.stringify([SECRET]) }) }).double, s3: () => s3.double },
      silentLogger,
      () => {},
      () => NOW,
    );
    assert.equal((await ingest(github(JSON.stringify({ pad: "x".repeat(20_000) })))).statusCode, 202);
    assert.deepEqual(order, ["s3", "sqs"]);
    assert.equal(s3.calls[0]![1].Bucket, "bodies");
  });

  it("a refresh that fails past the TTL serves the last good keys and counts StaleSecrets under the tenant", async () => {
    let up = true;
    let now = NOW;
    const metrics = new MetricsSpy();
    const secrets = client({ GetSecretValueCommand: () => { if (!up) throw Object.assign(new Error("down"), { name: "ServiceUnavailable" }); return { SecretString: JSON.stringify([SECRET]) }; } });
    const ingest = composeIngest(
      { ...ingestEnv, SECRET_ID: "s", SECRETS_TTL_SECONDS: "1", SECRETS_MAX_STALE_SECONDS: "10" },
      { sqs: client({ SendMessageCommand: () => ({ MessageId: "m" }) }).double, secretsManager: () => secrets.double },
      silentLogger,
      metrics.sink,
      () => now,
    );
    assert.equal((await ingest(github('{"n":1}'))).statusCode, 202);
    up = false;
    now += 1_500;
    assert.equal((await ingest(github('{"n":2}'))).statusCode, 202, "the last good keys are served");
    const stale = metrics.lines.filter((line) => "StaleSecrets" in line);
    assert.deepEqual(stale.map((line) => [line.Tenant, line.StaleSecrets, (line as { _aws: { Timestamp: number } })._aws.Timestamp]), [["acme", 1, now]]);
    now += 20_000;
    assert.equal((await ingest(github('{"n":3}'))).statusCode, 500, "past the stale limit it fails closed");
  });

  it("a bad environment is a ConfigError before any client is made", () => {
    assert.throws(() => composeIngest({ TENANT_ID: "acme" }, { sqs: client({}).double, secretsManager: noSecretsManager }, silentLogger, () => {}), ConfigError);
  });
});

describe("composed worker and stream consumer", () => {
  it("the worker stores into TABLE_NAME, keeps RETENTION_DAYS, and counts under METRICS_NAMESPACE", async () => {
    const dynamo = client({ PutItemCommand: () => ({}) });
    const metrics = new MetricsSpy();
    const worker = composeWorker({ TENANT_ID: "acme", TABLE_NAME: "events-acme", RETENTION_DAYS: "2", METRICS_NAMESPACE: "Webhooks/test" }, dynamo.double, silentLogger, metrics.sink, () => NOW);
    const body = encodeEnvelope({ tenant: "acme", eventId: "e1", scheme: "github", receivedAt: NOW, headers: {}, unsignedHeaders: [], body: Buffer.from("{}") });
    assert.deepEqual(await worker({ Records: [sqsRecord({ messageId: "m1", body })] }), { batchItemFailures: [] });
    assert.equal(dynamo.calls[0]![1].TableName, "events-acme");
    assert.deepEqual((dynamo.calls[0]![1].Item as Record<string, unknown>).expiresAt, { N: String(NOW / 1000 + 2 * 86_400) });
    assert.deepEqual([metrics.total("Stored"), (metrics.lines[0] as { _aws: { Timestamp: number; CloudWatchMetrics: { Namespace: string }[] } })._aws.CloudWatchMetrics[0]!.Namespace], [1, "Webhooks/test"]);
    assert.throws(() => composeWorker({ TENANT_ID: "acme" }, dynamo.double, silentLogger, () => {}), (error: unknown) => error instanceof ConfigError && /TABLE_NAME/.test(error.message));
  });

  it("the stream consumer publishes to ANALYTICS_STREAM_NAME", async () => {
    const kinesis = client({ PutRecordsCommand: (input) => ({ Records: (input.Records as unknown[]).map(() => ({ SequenceNumber: "1", ShardId: "s" })) }) });
    const metrics = new MetricsSpy();
    const stream = composeStream({ ANALYTICS_STREAM_NAME: "analytics-test", METRICS_NAMESPACE: "Webhooks/test" }, kinesis.double, silentLogger, metrics.sink, () => NOW);
    const record: DynamoDBRecord = {
      eventName: "INSERT",
      dynamodb: {
        SequenceNumber: "1",
        NewImage: { pk: { S: "acme#e1" }, tenant: { S: "acme" }, eventId: { S: "e1" }, scheme: { S: "github" }, receivedAt: { N: String(NOW) }, body: { B: Buffer.from("{}").toString("base64") } as never, size: { N: "2" } },
      },
    };
    assert.deepEqual(await stream({ Records: [record] }), { batchItemFailures: [] });
    assert.equal(kinesis.calls[0]![1].StreamName, "analytics-test");
    assert.equal(metrics.total("Published"), 1);
    assert.throws(() => composeStream({}, kinesis.double, silentLogger, () => {}), (error: unknown) => error instanceof ConfigError && /ANALYTICS_STREAM_NAME/.test(error.message));
  });
});

describe("Lambda entries", () => {
  it("the stream consumer's entry composes its handler from the environment when the module loads", async () => {
    const saved = { ANALYTICS_STREAM_NAME: process.env.ANALYTICS_STREAM_NAME, LOG_LEVEL: process.env.LOG_LEVEL };
    Object.assign(process.env, { ANALYTICS_STREAM_NAME: "analytics-entry-test", LOG_LEVEL: "silent" });
    try {
      const entry = await import("../../../handlers/stream");
      assert.equal(typeof entry.handler, "function");
      assert.deepEqual(await entry.handler({ Records: [] }), { batchItemFailures: [] });
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});
