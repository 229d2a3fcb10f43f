// How the components declare their resources (components/*.ts), under Pulumi mocks: each resource under the
// component that owns it (so `pulumi destroy` of one tenant, the plan's tree and the policy pack's parent checks
// see it there), the ordering AWS needs (dependsOn), the outputs each component registers, and the inputs of the
// bodies bucket, the alarm topic and the shared alarms as AWS documents them.
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { loadStackFile, parseStackConfig } from "../../components/config";
import { runOffline, type OfflineRun } from "../../scripts/lib/offline";

function find(run: OfflineRun, type: string, name: string) {
  const found = run.resources.find((r) => r.type === type && r.name === name);
  assert.ok(found, `missing ${type} ${name}`);
  return found;
}

/** The component a resource belongs to, from the names the program gives (components/stack.ts, tenantPipeline.ts). */
function expectedParent(name: string, tenants: readonly string[]): string | null {
  if (["events", "bodies", "analytics", "oncall", "dashboards"].includes(name) || tenants.some((t) => name === `tenant-${t}`)) return null;
  const fn = /^(tenant-[a-z0-9-]+-(?:ingest|worker)|analytics-consumer)-(?:logs|role|policy|fn)$/.exec(name);
  if (fn) return fn[1]!;
  if (name === "analytics-consumer") return "analytics";
  for (const tenant of tenants) if (name.startsWith(`tenant-${tenant}-`)) return `tenant-${tenant}`;
  return name.split("-")[0]!;
}

describe("component resources", () => {
  it("every resource sits under the component that owns it", async () => {
    const config = loadStackFile("dev");
    const run = await runOffline(config);
    const tenants = config.tenants.map((t) => t.id);
    for (const r of run.resources) assert.equal(r.parent, expectedParent(r.name, tenants), `${r.type} ${r.name}`);
    assert.ok(run.resources.some((r) => r.parent === "dashboards") && run.resources.some((r) => r.parent === "events"));
  });

  it("what must exist first is declared: the TLS-only policy after the public access block, each function after its policy and log group, each mapping after its function", async () => {
    const run = await runOffline(loadStackFile("dev"));
    assert.deepEqual(find(run, "aws:s3/bucketPolicy:BucketPolicy", "bodies-tls-only").dependsOn, ["bodies-public-access"]);
    for (const fn of run.resources.filter((r) => r.type === "aws:lambda/function:Function")) {
      const base = fn.name.replace(/-fn$/, "");
      // A worker also waits for the stream consumer, which reads the items it writes: a new item format (bodies
      // gzip'ed at rest) is only written once the reader that understands it is deployed.
      const readers = /^tenant-.*-worker$/.test(base) ? ["analytics-consumer-fn"] : [];
      assert.deepEqual(fn.dependsOn, [`${base}-policy`, `${base}-logs`, ...readers], fn.name);
    }
    assert.deepEqual(find(run, "aws:lambda/eventSourceMapping:EventSourceMapping", "analytics-mapping").dependsOn, ["analytics-consumer"]);
  });

  it("each component registers its outputs: the names and ARNs of what it made", async () => {
    const registered = new Map<string, Record<string, unknown>>();
    const prototype = pulumi.ComponentResource.prototype as unknown as { registerOutputs(outputs?: unknown): void };
    const original = prototype.registerOutputs;
    prototype.registerOutputs = function (this: { __name?: string }, outputs?: unknown) {
      if (outputs && this.__name) registered.set(this.__name, outputs as Record<string, unknown>);
      return original.call(this, outputs);
    };
    let run: OfflineRun;
    try {
      run = await runOffline(loadStackFile("dev"));
    } finally {
      prototype.registerOutputs = original;
    }
    const resolved = async (component: string) => {
      const outputs = registered.get(component);
      assert.ok(outputs, `${component} registers outputs`);
      const entries = await Promise.all(Object.entries(outputs).map(async ([k, v]) => [k, await new Promise((done) => (pulumi.output(v) as pulumi.Output<unknown>).apply(done))] as const));
      return Object.fromEntries(entries);
    };
    const bucket = find(run, "aws:s3/bucket:Bucket", "bodies-bucket").state;
    assert.deepEqual(await resolved("bodies"), { bucketName: bucket.bucket, bucketArn: bucket.arn });
    const table = find(run, "aws:dynamodb/table:Table", "events-table").state;
    assert.deepEqual(await resolved("events"), { tableName: table.name, tableArn: table.arn, streamArn: table.streamArn });
    const stream = find(run, "aws:kinesis/stream:Stream", "analytics-stream").state;
    assert.deepEqual(await resolved("analytics"), { streamName: stream.name, failureQueueUrl: find(run, "aws:sqs/queue:Queue", "analytics-failures").state.url });
    const fn = find(run, "aws:lambda/function:Function", "analytics-consumer-fn").state;
    assert.deepEqual(await resolved("analytics-consumer"), { arn: fn.arn, functionName: fn.name, logGroupName: find(run, "aws:cloudwatch/logGroup:LogGroup", "analytics-consumer-logs").inputs.name });
    assert.deepEqual(await resolved("oncall"), { topicArn: find(run, "aws:sns/topic:Topic", "oncall-alarms").state.arn, alarmDelivery: run.outputs.alarmDelivery });
    assert.deepEqual(await resolved("dashboards"), { operations: "webhooks-dev", runbook: "webhooks-dev-runbook" });
  });

  it("the bodies bucket: owner-enforced, never public, SSE-S3, unversioned, expiring after the longest retention + 1 day, TLS only", async () => {
    const config = parseStackConfig("b", { tenants: { acme: { scheme: "github", ingestConcurrency: 1, workerConcurrency: 2, retentionDays: 30 }, beta: { scheme: "github", ingestConcurrency: 1, workerConcurrency: 2 } } });
    const run = await runOffline(config);
    const bucket = find(run, "aws:s3/bucket:Bucket", "bodies-bucket").state;
    const inputs = (type: string, name: string) => {
      const { bucket: b, ...rest } = find(run, type, name).inputs;
      assert.equal(b, bucket.bucket, `${name} configures the bodies bucket`);
      return rest;
    };
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
    assert.deepEqual(inputs("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "bodies-ownership"), { rule: { objectOwnership: "BucketOwnerEnforced" } });
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
    assert.deepEqual(inputs("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "bodies-public-access"), { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    assert.deepEqual(inputs("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "bodies-encryption"), { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] });
    assert.deepEqual(inputs("aws:s3/bucketVersioning:BucketVersioning", "bodies-versioning"), { versioningConfiguration: { status: "Disabled" } });
    assert.deepEqual(inputs("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "bodies-lifecycle"), {
      rules: [{ id: "expire-bodies", status: "Enabled", filter: {}, expiration: { days: 31 }, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } }],
    });
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html#transit
    assert.deepEqual(JSON.parse(inputs("aws:s3/bucketPolicy:BucketPolicy", "bodies-tls-only").policy as string), {
      Version: "2012-10-17",
      Statement: [{ Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [bucket.arn, `${bucket.arn as string}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } }],
    });
  });

  it("the alarm topic: a described, rotated key under alias/webhooks-<stack>-alarms; the email subscription mails the configured address", async () => {
    const run = await runOffline(loadStackFile("prod"));
    const key = find(run, "aws:kms/key:Key", "oncall-key");
    assert.equal(key.inputs.description, "webhooks: encrypts the alarm topic; CloudWatch may use it to publish alarms");
    assert.deepEqual(find(run, "aws:kms/alias:Alias", "oncall-key-alias").inputs, { name: "alias/webhooks-prod-alarms", targetKeyId: key.state.keyId });
    const topic = find(run, "aws:sns/topic:Topic", "oncall-alarms");
    assert.deepEqual(find(run, "aws:sns/topicSubscription:TopicSubscription", "oncall-email").inputs, { topic: topic.state.arn, protocol: "email", endpoint: "oncall@example.com" });
    const policy = JSON.parse(find(run, "aws:sns/topicPolicy:TopicPolicy", "oncall-alarms-policy").inputs.policy as string);
    assert.deepEqual(policy.Statement[0], {
      Sid: "AccountManagesTheTopic",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::123456789012:root" },
      // The topic owner's default permissions: https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html
      Action: ["sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:AddPermission", "sns:RemovePermission", "sns:DeleteTopic", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish"],
      Resource: topic.state.arn,
    });
  });

  it("the shared alarms say what broke and sit on their dashboard panel", async () => {
    const run = await runOffline(loadStackFile("dev"));
    const meaning = (name: string) => /^(.*) Runbook section /.exec(find(run, "aws:cloudwatch/metricAlarm:MetricAlarm", `oncall-${name}`).inputs.alarmDescription as string)?.[1];
    assert.match(meaning("consumer-iterator-age")!, /^The analytics consumer is falling behind/);
    assert.match(meaning("consumer-errors")!, /^The analytics consumer is failing invocations/);
    assert.match(meaning("consumer-throttles")!, /^The analytics consumer is throttled/);
    assert.match(meaning("consumer-destination-failures")!, /^Lambda could not write a failed stream batch's record/);
    assert.match(meaning("malformed-stream-records")!, /^The analytics consumer dropped stream images/);
    assert.match(meaning("kinesis-write-throttling")!, /^The analytics Kinesis stream is refusing writes/);
    assert.match(meaning("dynamodb-throttling")!, /^The events table is throttling writes/);
    assert.match(meaning("analytics-failures")!, /^Stream records exhausted their retries/);
    const widgets = (JSON.parse(find(run, "aws:cloudwatch/dashboard:Dashboard", "dashboards-operations").inputs.dashboardBody as string).widgets as { properties: { title: string; metrics: unknown[][] } }[]);
    const panel = (title: string) => widgets.find((w) => w.properties.title === title)?.properties.metrics.map((row) => (row.at(-1) as { label: string }).label);
    assert.deepEqual(panel("analytics consumer"), ["IteratorAge (consumer-iterator-age)", "Errors (consumer-errors)", "Throttles (consumer-throttles)", "DestinationDeliveryFailures (consumer-destination-failures)", "MalformedStreamRecords (malformed-stream-records)"].map((l) => l.replace("(", "(oncall-")));
    assert.deepEqual(panel("analytics stream"), ["WriteProvisionedThroughputExceeded (oncall-kinesis-write-throttling)", "ApproximateNumberOfMessagesVisible (oncall-analytics-failures)"]);
    assert.deepEqual(panel("events table"), ["ThrottledRequests (oncall-dynamodb-throttling)"]);
  });

  it("shared alarm windows: one dropped stream record in 5 minutes pages; Kinesis write throttling in 2 of 3 five-minute periods", async () => {
    const run = await runOffline(loadStackFile("dev"));
    const window = (name: string) => {
      const i = find(run, "aws:cloudwatch/metricAlarm:MetricAlarm", `oncall-${name}`).inputs;
      return [i.period, i.datapointsToAlarm, i.evaluationPeriods, i.threshold, i.statistic, i.comparisonOperator];
    };
    assert.deepEqual(window("malformed-stream-records"), [300, 1, 1, 1, "Sum", "GreaterThanOrEqualToThreshold"]);
    assert.deepEqual(window("kinesis-write-throttling"), [300, 2, 3, 1, "Sum", "GreaterThanOrEqualToThreshold"]);
    assert.deepEqual(window("consumer-iterator-age"), [60, 5, 5, 300_000, "Maximum", "GreaterThanOrEqualToThreshold"]);
  });

  it("a math alarm returns only its expression (e0); the metrics it reads (m0..) return nothing", async () => {
    const run = await runOffline(loadStackFile("dev"));
    const queries = find(run, "aws:cloudwatch/metricAlarm:MetricAlarm", "tenant-acme-ingest-down").inputs.metricQueries as { id: string; returnData: boolean }[];
    assert.deepEqual(queries.map((q) => [q.id, q.returnData]), [["e0", true], ["m0", false], ["m1", false], ["m2", false], ["m3", false]]);
  });

  it("the stream consumer says what it is", async () => {
    const run = await runOffline(loadStackFile("dev"));
    assert.equal(find(run, "aws:lambda/function:Function", "analytics-consumer-fn").inputs.description, "webhooks: DynamoDB stream -> Kinesis analytics fan-out");
    assert.equal(find(run, "aws:iam/role:Role", "analytics-consumer-role").inputs.description, "webhooks: DynamoDB stream -> Kinesis analytics fan-out");
  });
});
