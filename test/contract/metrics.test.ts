// The metric contract between the handlers and the alarms, over the plan of the prod stack:
// - every alarm on the stack's own namespace reads a metric name and dimension set that a handler really emits
//   (the handlers run here, through their compositions, and their EMF lines are parsed as CloudWatch would);
// - every AWS/* alarm reads a metric and dimension set from the documented table (components/awsMetrics.ts);
// - every custom series the handlers publish is read by an alarm or the dashboard (none is paid for in vain);
// - the operations dashboard charts every alarm's metric.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { documentedDimensions } from "../../components/awsMetrics";
import { loadStackFile } from "../../components/config";
import { composeIngest } from "../../handlers/compose/ingest";
import { composeStream } from "../../handlers/compose/stream";
import { composeWorker } from "../../handlers/compose/worker";
import { PUBLISHED_METRICS } from "../../handlers/metrics";
import { misconfiguredIngest } from "../../handlers/misconfigured";
import { functionUrlEvent, sqsRecord } from "../../local/events";
import { lambdaAttributeValue } from "../../local/streamMapping";
import { runOffline, type OfflineRun } from "../../scripts/lib/offline";
import { silentLogger } from "../helpers/handlers";

process.on("unhandledRejection", (error) => console.error("unhandledRejection:", error));

const STACK = "prod";
const NAMESPACE = `Webhooks/${STACK}`;
const TENANT = "globex"; // a github tenant of the prod stack
const SECRET = "contract-test-github-secret";
const NOW = 1_760_000_000_000;

interface MetricUse {
  readonly alarm: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
}

/** Every metric every alarm of the plan reads, metric math included. */
function alarmMetrics(run: OfflineRun): MetricUse[] {
  const uses: MetricUse[] = [];
  for (const alarm of run.resources.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm")) {
    const i = alarm.inputs as Record<string, unknown>;
    if (typeof i.metricName === "string") {
      uses.push({ alarm: alarm.name, namespace: i.namespace as string, metricName: i.metricName, dimensions: (i.dimensions ?? {}) as Record<string, string> });
    }
    for (const query of (i.metricQueries ?? []) as { metric?: { namespace: string; metricName: string; dimensions?: Record<string, string> } }[]) {
      if (query.metric) uses.push({ alarm: alarm.name, namespace: query.metric.namespace, metricName: query.metric.metricName, dimensions: query.metric.dimensions ?? {} });
    }
  }
  return uses;
}

/** A series as CloudWatch extracts it from EMF: namespace, metric, and the dimension name=value pairs. */
const seriesKey = (namespace: string, metricName: string, dimensions: Record<string, string>) =>
  `${namespace} ${metricName} {${Object.entries(dimensions).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(",")}}`;

function seriesOfEmf(line: string): string[] {
  const document = JSON.parse(line) as Record<string, unknown> & { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] } };
  const out: string[] = [];
  for (const directive of document._aws.CloudWatchMetrics) {
    for (const metric of directive.Metrics) {
      for (const set of directive.Dimensions) {
        out.push(seriesKey(directive.Namespace, metric.Name, Object.fromEntries(set.map((name) => [name, String(document[name])]))));
      }
    }
  }
  return out;
}

/** A client double: `send` answers by command name, as the SDK's clients dispatch. */
function fakeClient(answers: Record<string, (input: Record<string, unknown>) => unknown>) {
  return {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const answer = answers[command.constructor.name];
      if (!answer) throw new Error(`unexpected ${command.constructor.name}`);
      return answer(command.input);
    },
  } as never;
}

const githubRequest = (body: string, signature?: string) =>
  functionUrlEvent(
    {
      method: "POST",
      url: `https://example.lambda-url.eu-west-1.on.aws/`,
      headers: {
        "content-type": "application/json",
        "x-github-event": "push",
        "x-github-delivery": "d-1",
        "x-hub-signature-256": signature ?? `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`,
      },
      body: Buffer.from(body),
    },
    NOW,
  );

/** Runs each handler through the outcomes that report metrics, and returns every series their EMF lines make. */
async function emittedSeries(): Promise<Set<string>> {
  const lines: string[] = [];
  const sink = (line: string) => lines.push(line);
  const env = { TENANT_ID: TENANT, SCHEME: "github", QUEUE_URL: "https://sqs.local/q", SECRET_ID: "arn:secret", METRICS_NAMESPACE: NAMESPACE, SECRETS_TTL_SECONDS: "1" };
  let now = NOW;
  const sent: string[] = [];
  let sqsUp = true;
  let secretsUp = true;
  const ingest = composeIngest(
    env,
    {
      sqs: fakeClient({
        SendMessageCommand: (input) => {
          if (!sqsUp) throw Object.assign(new Error("down"), { name: "InternalError" });
          sent.push(input.MessageBody as string);
          return { MessageId: `m-${sent.length}` };
        },
      }),
      secretsManager: () =>
        fakeClient({
          GetSecretValueCommand: () => {
            if (!secretsUp) throw Object.assign(new Error("down"), { name: "ServiceUnavailable" });
            return { SecretString: JSON.stringify([SECRET]) };
          },
        }),
    },
    silentLogger,
    sink,
    () => now,
  );
  assert.equal((await ingest(githubRequest('{"n":1}'))).statusCode, 202, "accepted");
  assert.equal((await ingest(githubRequest('{"n":2}', `sha256=${"0".repeat(64)}`))).statusCode, 401, "signature failure");
  sqsUp = false;
  assert.equal((await ingest(githubRequest('{"n":3}'))).statusCode, 503, "enqueue failure");
  sqsUp = true;
  // Issue 13: a body over the inline threshold whose put to the bodies bucket fails (BodyStoreFailures).
  const withBucket = composeIngest(
    { ...env, BODY_BUCKET: "bodies" },
    {
      sqs: fakeClient({ SendMessageCommand: () => assert.fail("nothing is enqueued when the body was not stored") }),
      secretsManager: () => fakeClient({ GetSecretValueCommand: () => ({ SecretString: JSON.stringify([SECRET]) }) }),
      s3: () => fakeClient({ PutObjectCommand: () => { throw Object.assign(new Error("slow down"), { name: "SlowDown" }); } }),
    },
    silentLogger,
    sink,
    () => now,
  );
  assert.equal((await withBucket(githubRequest(JSON.stringify({ pad: "x".repeat(20_000) })))).statusCode, 503, "body store failure");
  secretsUp = false;
  now += 2_000; // past the TTL: the refresh fails and the last good keys are served
  assert.equal((await ingest(githubRequest('{"n":4}'))).statusCode, 202, "stale keys served");
  now += 4 * 3600_000; // past secretsMaxStaleSeconds: fail closed
  assert.equal((await ingest(githubRequest('{"n":5}'))).statusCode, 500, "secrets unavailable");
  await misconfiguredIngest(new Error("environment variable QUEUE_URL is required"), { TENANT_ID: TENANT, METRICS_NAMESPACE: NAMESPACE }, silentLogger, sink, () => now)();

  const items: Record<string, unknown>[] = [];
  const worker = composeWorker(
    { TENANT_ID: TENANT, TABLE_NAME: "events", METRICS_NAMESPACE: NAMESPACE },
    fakeClient({ PutItemCommand: (input) => void items.push(input.Item as Record<string, unknown>) }),
    silentLogger,
    sink,
    () => now,
  );
  await worker({ Records: sent.map((body, i) => sqsRecord({ messageId: `m${i}`, body, sentAt: now })) });
  assert.ok(items.length >= 2, "stored");

  const stream = composeStream(
    { ANALYTICS_STREAM_NAME: "analytics", METRICS_NAMESPACE: NAMESPACE },
    fakeClient({ PutRecordsCommand: (input) => ({ Records: (input.Records as unknown[]).map(() => ({ SequenceNumber: "1", ShardId: "s" })) }) }),
    silentLogger,
    sink,
    () => now,
  );
  const image = (item: Record<string, unknown>) => Object.fromEntries(Object.entries(item).map(([k, v]) => [k, lambdaAttributeValue(v as never)]));
  await stream({
    Records: [
      ...items.map((item, i) => ({ eventName: "INSERT" as const, dynamodb: { SequenceNumber: String(i + 1), NewImage: image(item) as never } })),
      { eventName: "INSERT" as const, dynamodb: { SequenceNumber: "100", NewImage: { tenant: { S: TENANT } } as never } },
      { eventName: "INSERT" as const, dynamodb: { SequenceNumber: "101", NewImage: { note: { S: "not an event" } } as never } },
    ],
  });
  return new Set(lines.flatMap(seriesOfEmf));
}

/** Every series a metric widget of the operations dashboard charts. */
function chartedSeries(run: OfflineRun): Set<string> {
  const pages = run.resources.filter((r) => r.type === "aws:cloudwatch/dashboard:Dashboard" && r.name.startsWith("dashboards-operations"));
  const widgets = pages.flatMap((page) => (JSON.parse(page.inputs.dashboardBody as string) as { widgets: { properties: { metrics: unknown[][] } }[] }).widgets);
  return new Set(
    widgets.flatMap((w) =>
      w.properties.metrics
        .filter((row) => typeof row[0] === "string")
        .map((row) => {
          const [namespace, metricName, ...rest] = row.filter((x): x is string => typeof x === "string");
          return seriesKey(namespace!, metricName!, Object.fromEntries(rest.flatMap((_, i) => (i % 2 === 0 ? [[rest[i]!, rest[i + 1]!]] : []))));
        }),
    ),
  );
}

describe("metric contract (prod plan against the handlers)", () => {
  let run: OfflineRun;
  let emitted: Set<string>;
  before(async () => {
    run = await runOffline(loadStackFile(STACK));
    emitted = await emittedSeries();
  });

  it("every alarm on the stack's namespace reads a series the handlers really emit", () => {
    const custom = alarmMetrics(run).filter((use) => use.namespace === NAMESPACE);
    assert.ok(custom.length > 0);
    for (const use of custom) {
      // The handlers above ran as tenant globex; any other tenant's alarm reads the same shape.
      const dimensions = Object.fromEntries(Object.entries(use.dimensions).map(([name, value]) => [name, name === "Tenant" ? TENANT : value]));
      const key = seriesKey(use.namespace, use.metricName, dimensions);
      assert.ok(emitted.has(key), `${use.alarm} reads ${key}, which no handler emits (emitted: ${[...emitted].join("; ")})`);
    }
  });

  it("every AWS/* alarm reads a documented metric under its documented dimensions", () => {
    const aws = alarmMetrics(run).filter((use) => use.namespace.startsWith("AWS/"));
    assert.ok(aws.length > 0);
    for (const use of aws) {
      const documented = documentedDimensions(use.namespace, use.metricName);
      assert.ok(documented, `${use.alarm}: ${use.namespace} ${use.metricName} is not in components/awsMetrics.ts`);
      assert.deepEqual(Object.keys(use.dimensions).sort(), [...documented].sort(), `${use.alarm}: ${use.metricName} dimensions`);
      assert.ok(Object.values(use.dimensions).every((value) => typeof value === "string" && value !== ""), `${use.alarm}: every dimension has a value`);
    }
  });

  it("a metric the AWS table does not list has no documented dimensions, in a listed namespace or not (the check above then fails by name)", () => {
    assert.deepEqual(documentedDimensions("AWS/Kinesis", "WriteProvisionedThroughputExceeded"), ["StreamName"]);
    assert.equal(documentedDimensions("AWS/Kinesis", "NoSuchMetric"), undefined);
    assert.equal(documentedDimensions("AWS/NoSuchService", "Errors"), undefined);
  });

  it("every custom series the handlers publish is read by an alarm or the dashboard", () => {
    const charted = chartedSeries(run);
    const alarmed = alarmMetrics(run).filter((use) => use.namespace === NAMESPACE);
    for (const [metric, sets] of Object.entries(PUBLISHED_METRICS)) {
      for (const set of sets) {
        const byAlarm = alarmed.some((use) => use.metricName === metric && Object.keys(use.dimensions).sort().join() === [...set].sort().join());
        const onDashboard = charted.has(seriesKey(NAMESPACE, metric, Object.fromEntries(set.map((d) => [d, TENANT]))));
        assert.ok(byAlarm || onDashboard, `${metric} [${set.join(",")}] is published (a billed series) but neither alarmed nor charted`);
      }
    }
  });

  it("the operations dashboard charts every alarm's metric", () => {
    const charted = chartedSeries(run);
    for (const use of alarmMetrics(run)) {
      assert.ok(charted.has(seriesKey(use.namespace, use.metricName, use.dimensions)), `${use.alarm}: ${use.metricName} is not on the dashboard`);
    }
  });
});
