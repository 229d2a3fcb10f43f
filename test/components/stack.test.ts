import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { loadStackFile, parseStackConfig, type StackConfig } from "../../components/config";
import { QUEUE, WORKER, WORKER_ASYNC } from "../../components/settings";
import { SCHEMES } from "../../handlers/core/verify/types";
import { runbookSections } from "../../components/dashboard";
import { wildcardResourceProblem } from "../../policy/rules";
import { isSecretValue, runOffline, type CapturedResource, type OfflineRun } from "../../scripts/lib/offline";

process.on("unhandledRejection", (error) => console.error("unhandledRejection:", error));

const RUNBOOK = readFileSync(`${__dirname}/../../RUNBOOK.md`, "utf8");
const runbookAnchors = new Set(runbookSections(RUNBOOK).map((section) => section.anchor));

/** Each tenant's alarms: one per failure mode (see RUNBOOK.md). */
const TENANT_ALARMS = [
  "ingest-down",
  "ingest-throttles",
  "signature-failures",
  "refusing",
  "body-store-failures",
  "secrets-unavailable",
  "secrets-stale",
  "queue-age",
  "dlq-not-empty",
  "worker-errors",
  "worker-throttles",
  "async-failures",
  "worker-destination-failures",
];
const SHARED_ALARMS = [
  "consumer-iterator-age",
  "consumer-errors",
  "consumer-throttles",
  "consumer-destination-failures",
  "malformed-stream-records",
  "kinesis-write-throttling",
  "dynamodb-throttling",
  "analytics-failures",
];

function find(run: OfflineRun, type: string, name: string): CapturedResource {
  const found = run.resources.find((r) => r.type === type && r.name === name);
  assert.ok(found, `missing ${type} ${name}`);
  return found;
}

function policyOf(run: OfflineRun, fn: string): { Action: string[]; Resource: string[] }[] {
  return JSON.parse(find(run, "aws:iam/rolePolicy:RolePolicy", `${fn}-policy`).inputs.policy as string).Statement;
}

/** Every property the issue asks of a stack, for any config. */
function assertCompleteStack(config: StackConfig, run: OfflineRun) {
  const keys = run.resources.map((r) => `${r.type}::${r.name}`);
  assert.equal(new Set(keys).size, keys.length, "resource names are unique");

  const table = find(run, "aws:dynamodb/table:Table", "events-table");
  for (const tenant of config.tenants) {
    const n = `tenant-${tenant.id}`;
    const ingestFn = find(run, "aws:lambda/function:Function", `${n}-ingest-fn`);
    const workerFn = find(run, "aws:lambda/function:Function", `${n}-worker-fn`);
    const queue = find(run, "aws:sqs/queue:Queue", `${n}-queue`);
    const dlq = find(run, "aws:sqs/queue:Queue", `${n}-dlq`);
    const secret = find(run, "aws:secretsmanager/secret:Secret", `${n}-secret`);
    const url = find(run, "aws:lambda/functionUrl:FunctionUrl", `${n}-url`);
    const mapping = find(run, "aws:lambda/eventSourceMapping:EventSourceMapping", `${n}-worker-mapping`);
    const asyncConfig = find(run, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", `${n}-worker-async`);
    const asyncFailures = find(run, "aws:sqs/queue:Queue", `${n}-async-failures`);

    assert.equal(url.inputs.functionName, ingestFn.state.name, "the URL's function is the ingest function");
    assert.equal(url.inputs.authorizationType, "NONE");
    const permissions = run.resources.filter((r) => r.type === "aws:lambda/permission:Permission" && r.inputs.function === ingestFn.state.name);
    assert.deepEqual(
      permissions.map((p) => [p.inputs.action, p.inputs.principal, p.inputs.functionUrlAuthType ?? null, p.inputs.invokedViaFunctionUrl ?? null]).sort(),
      [["lambda:InvokeFunction", "*", null, true], ["lambda:InvokeFunctionUrl", "*", "NONE", null]],
    );
    assert.equal(mapping.inputs.eventSourceArn, queue.state.arn, "the mapping reads the tenant's queue");
    assert.equal(mapping.inputs.functionName, workerFn.state.arn);
    assert.deepEqual(mapping.inputs.functionResponseTypes, ["ReportBatchItemFailures"]);
    assert.equal((mapping.inputs.scalingConfig as { maximumConcurrency: number }).maximumConcurrency, tenant.workerConcurrency);
    assert.ok(tenant.workerConcurrency <= (workerFn.inputs.reservedConcurrentExecutions as number), "mapping concurrency within the worker's reservation");
    assert.equal(ingestFn.inputs.reservedConcurrentExecutions, tenant.ingestConcurrency);

    const redrive = JSON.parse(queue.inputs.redrivePolicy as string);
    assert.equal(redrive.deadLetterTargetArn, dlq.state.arn, "the redrive points at the tenant's DLQ");
    // What AWS fixes or advises, as literals (not the settings.ts constants the program reads, which a wrong value
    // would change on both sides). https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html:
    // maxReceiveCount at least 5 (a message survives throttled or failed batches before it goes to the DLQ), and a
    // visibility timeout at least six times the function's timeout.
    assert.ok(redrive.maxReceiveCount >= 5, `maxReceiveCount ${redrive.maxReceiveCount} < 5`);
    assert.ok((queue.inputs.visibilityTimeoutSeconds as number) >= 6 * (workerFn.inputs.timeout as number), "visibility >= 6x the worker's timeout");
    assert.ok((workerFn.inputs.timeout as number) > 0);
    // SQS's largest message, 1 MiB (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html):
    // the ingest's 413 check assumes the queue takes that much.
    assert.equal(queue.inputs.maxMessageSize, 1_048_576);
    // Kept the SQS maximum, 14 days (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html).
    assert.equal(dlq.inputs.messageRetentionSeconds, 1_209_600);
    // A mapping's maximumConcurrency is 2 to 1000 (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html).
    assert.ok(tenant.workerConcurrency >= 2 && tenant.workerConcurrency <= 1000);
    // The same numbers the local pipeline emulates (components/settings.ts is the one source).
    assert.equal(redrive.maxReceiveCount, QUEUE.maxReceiveCount);
    assert.equal(queue.inputs.visibilityTimeoutSeconds, QUEUE.visibilityTimeoutSeconds + tenant.batchWindowSeconds);
    assert.equal(mapping.inputs.batchSize, WORKER.batchSize);
    assert.equal(mapping.inputs.maximumBatchingWindowInSeconds, tenant.batchWindowSeconds);
    // A poller holds a received message through the window before the worker runs: the visibility timeout covers
    // both, or a message turns visible again mid-batch and is received twice (a receive counts towards the DLQ).
    assert.ok((queue.inputs.visibilityTimeoutSeconds as number) >= 6 * (workerFn.inputs.timeout as number) + (mapping.inputs.maximumBatchingWindowInSeconds as number));
    assert.equal(asyncConfig.inputs.maximumRetryAttempts, WORKER_ASYNC.maximumRetryAttempts);
    assert.equal(queue.inputs.sqsManagedSseEnabled, true);
    assert.equal((asyncConfig.inputs.destinationConfig as { onFailure: { destination: string } }).onFailure.destination, asyncFailures.state.arn);

    assert.deepEqual(policyOf(run, `${n}-worker`).filter((s) => s.Action.some((a) => a.startsWith("dynamodb:"))), [
      { Effect: "Allow", Action: ["dynamodb:PutItem"], Resource: [table.state.arn], Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [`${tenant.id}#*`] } } },
    ], "the worker writes only its own tenant's items");
    assert.equal(find(run, "aws:cloudwatch/logGroup:LogGroup", `${n}-ingest-logs`).inputs.name, `/aws/lambda/webhooks-${config.stack}-${tenant.id}-ingest`);
    assert.equal(find(run, "aws:cloudwatch/logGroup:LogGroup", `${n}-worker-logs`).inputs.name, `/aws/lambda/webhooks-${config.stack}-${tenant.id}-worker`);
    assert.equal((ingestFn.inputs.loggingConfig as { logGroup: string }).logGroup, `/aws/lambda/webhooks-${config.stack}-${tenant.id}-ingest`, "the function logs to the named group");
    assert.deepEqual((run.outputs.logGroups as { tenants: Record<string, unknown> }).tenants[tenant.id], {
      ingest: `/aws/lambda/webhooks-${config.stack}-${tenant.id}-ingest`,
      worker: `/aws/lambda/webhooks-${config.stack}-${tenant.id}-worker`,
    });
    const ingestPolicy = policyOf(run, `${n}-ingest`);
    assert.deepEqual(ingestPolicy.find((s) => s.Action.includes("sqs:SendMessage"))!.Resource, [queue.state.arn], "ingest sends only to its own queue");
    assert.deepEqual(ingestPolicy.find((s) => s.Action.includes("secretsmanager:GetSecretValue"))!.Resource, [secret.state.arn], "ingest reads only its own secret");
    // Issue 13: puts of large bodies, under the tenant's own prefix of the bodies bucket only.
    const bucket = find(run, "aws:s3/bucket:Bucket", "bodies-bucket");
    assert.deepEqual(ingestPolicy.find((s) => s.Action.includes("s3:PutObject"))!.Resource, [`${bucket.state.arn as string}/${tenant.id}/*`], "ingest puts only under its tenant's prefix");
    assert.equal(ingestPolicy.length, 4, "logs, queue, secret, its bodies prefix: nothing else");

    const env = (ingestFn.inputs.environment as { variables: Record<string, string> }).variables;
    assert.equal(env.TENANT_ID, tenant.id);
    assert.equal(env.SCHEME, tenant.scheme);
    assert.equal(env.QUEUE_URL, queue.state.url);
    assert.equal(env.SECRET_ID, secret.state.arn);

    const alarms = run.resources.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && r.parent === n);
    assert.deepEqual(alarms.map((a) => a.name).sort(), TENANT_ALARMS.map((a) => `${n}-${a}`).sort(), `tenant ${tenant.id} has one alarm per failure mode`);
    assert.equal(run.outputs.ingestUrls && (run.outputs.ingestUrls as Record<string, string>)[tenant.id], url.state.functionUrl);
  }

  for (const fn of run.resources.filter((r) => r.type === "aws:lambda/function:Function")) {
    assert.equal(fn.inputs.runtime, "nodejs22.x");
    assert.deepEqual(fn.inputs.architectures, ["arm64"]);
    assert.ok(typeof fn.inputs.reservedConcurrentExecutions === "number" && fn.inputs.reservedConcurrentExecutions > 0, `${fn.name} has reserved concurrency`);
  }
  for (const policy of run.resources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy")) {
    for (const statement of JSON.parse(policy.inputs.policy as string).Statement) {
      assert.ok(statement.Action.every((a: string) => !a.includes("*")), `${policy.name}: wildcard action`);
      for (const resource of statement.Resource as string[]) assert.equal(wildcardResourceProblem(resource), undefined, `${policy.name}: wildcard resource ${resource}`);
    }
  }
  for (const alarm of run.resources.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm")) {
    const i = alarm.inputs;
    assert.equal((i.alarmActions as string[]).length, 1, `${alarm.name}: action`);
    assert.deepEqual(i.okActions, i.alarmActions, `${alarm.name}: OK action`);
    assert.ok(["notBreaching", "breaching", "ignore", "missing"].includes(i.treatMissingData as string));
    // M of N against flapping; a dropped stream record is a loss each time, so one is enough there.
    const minimum = alarm.name.endsWith("-malformed-stream-records") ? 1 : 2;
    assert.ok((i.datapointsToAlarm as number) >= minimum && (i.datapointsToAlarm as number) <= (i.evaluationPeriods as number), `${alarm.name}: M of N`);
    const link = /Runbook section "([a-z0-9-]+)": (https:\/\/\S+)$/.exec(i.alarmDescription as string);
    assert.ok(link && runbookAnchors.has(link[1]!), `${alarm.name}: runbook section '${link?.[1]}' exists`);
    assert.equal(link[2], config.runbookUrl ? `${config.runbookUrl}#${link[1]}` : run.outputs.runbook, `${alarm.name}: links the runbook absolutely`);
  }
  const shared = run.resources.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && r.parent === "oncall").map((a) => a.name);
  assert.deepEqual(shared.sort(), SHARED_ALARMS.map((a) => `oncall-${a}`).sort());
  const urls = run.resources.filter((r) => r.type === "aws:lambda/functionUrl:FunctionUrl");
  assert.ok(urls.every((u) => /-ingest-fn-/.test(String(u.inputs.functionName))), "URLs only on ingest functions");
  assert.equal(urls.length, config.tenants.length);
}

describe("Pulumi program under mocks", () => {
  for (const stack of ["dev", "prod"]) {
    it(`${stack}: every tenant gets the complete pipeline, wired to its own resources`, async () => {
      const config = loadStackFile(stack);
      const run = await runOffline(config);
      assertCompleteStack(config, run);
      const table = find(run, "aws:dynamodb/table:Table", "events-table").inputs;
      assert.equal((table.pointInTimeRecovery as { enabled: boolean }).enabled, stack === "prod");
      assert.equal(table.deletionProtectionEnabled, stack === "prod");
      assert.equal(table.streamViewType, "NEW_IMAGE");
      const mapping = find(run, "aws:lambda/eventSourceMapping:EventSourceMapping", "analytics-mapping").inputs;
      assert.equal(mapping.eventSourceArn, find(run, "aws:dynamodb/table:Table", "events-table").state.streamArn);
      assert.equal(mapping.bisectBatchOnFunctionError, true);
      assert.equal((mapping.destinationConfig as { onFailure: { destinationArn: string } }).onFailure.destinationArn, find(run, "aws:sqs/queue:Queue", "analytics-failures").state.arn);
      const subscriptions = run.resources.filter((r) => r.type === "aws:sns/topicSubscription:TopicSubscription");
      assert.equal(subscriptions.length, config.alarmEmail ? 1 : 0);
      assert.ok(subscriptions.every((s) => s.parent === "oncall"), "the email subscription belongs to the on-call component");
    });
  }

  it("tenants are registered one after another: every resource of a tenant before the next tenant's first (what keeps a plan's memory linear and small)", async () => {
    const config = loadStackFile("prod");
    const run = await runOffline(config);
    // The mocks capture resources in the order the SDK registers them.
    const tenantOf = (name: string) => config.tenants.find((t) => name === `tenant-${t.id}` || name.startsWith(`tenant-${t.id}-`))?.id;
    const order = run.resources.map((r) => tenantOf(r.name)).filter((id): id is string => id !== undefined);
    const runs = order.filter((id, i) => i === 0 || order[i - 1] !== id);
    assert.deepEqual(runs, config.tenants.map((t) => t.id), "one unbroken run of registrations per tenant, in the stack file's order");
  });

  it("the stream consumer logs to the group RUNBOOK.md names (CONSUMER_LOGS), and the stack outputs it", async () => {
    const config = loadStackFile("dev");
    const run = await runOffline(config);
    const runbookName = /^CONSUMER_LOGS=(\S+)$/m.exec(RUNBOOK)?.[1]?.replace("$STACK", config.stack);
    assert.equal(runbookName, `/aws/lambda/webhooks-${config.stack}-stream-consumer`);
    assert.equal(find(run, "aws:cloudwatch/logGroup:LogGroup", "analytics-consumer-logs").inputs.name, runbookName);
    assert.equal((find(run, "aws:lambda/function:Function", "analytics-consumer-fn").inputs.loggingConfig as { logGroup: string }).logGroup, runbookName);
    assert.equal((run.outputs.logGroups as { streamConsumer: string }).streamConsumer, runbookName);
  });

  it("for generated tenant sets, the same invariants hold", async () => {
    const arbTenant = fc.record({
      scheme: fc.constantFrom(...SCHEMES),
      ingestConcurrency: fc.integer({ min: 1, max: 20 }),
      workerConcurrency: fc.integer({ min: 2, max: 10 }),
      batchWindowSeconds: fc.integer({ min: 0, max: 60 }),
    });
    const arbTenants = fc.dictionary(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,31}$/), arbTenant, { minKeys: 1, maxKeys: 4 });
    await fc.assert(
      fc.asyncProperty(arbTenants, async (tenants) => {
        const withHmac = Object.fromEntries(
          Object.entries(tenants).map(([id, t]) => [id, t.scheme === "hmac-sha256" ? { ...t, hmac: { header: "X-Sig", encoding: "hex" } } : t]),
        );
        const config = parseStackConfig("gen", { tenants: withHmac, analyticsShards: 1 });
        assertCompleteStack(config, await runOffline(config));
      }),
      { numRuns: 6 },
    );
  });

  it("secrets land in each tenant's Secrets Manager secret as a JSON list", async () => {
    const config = parseStackConfig("s", { tenants: { acme: { scheme: "github", ingestConcurrency: 1, workerConcurrency: 2 } }, secrets: { acme: ["secret-one", "secret-two"] } });
    const run = await runOffline(config);
    const version = find(run, "aws:secretsmanager/secretVersion:SecretVersion", "tenant-acme-secret-value");
    const secretString = version.inputs.secretString as { value: string };
    assert.ok(isSecretValue(secretString), "the value is passed to Pulumi as a secret");
    assert.equal(secretString.value, JSON.stringify(["secret-one", "secret-two"]));
    assert.equal(version.inputs.secretId, "tenant-acme-secret-id", "the version belongs to the tenant's secret");
  });

  it("alarms reach someone: the topic's key is customer-managed, rotated, and lets CloudWatch use it; only this account's alarms may publish", async () => {
    const run = await runOffline(loadStackFile("prod"));
    const topic = find(run, "aws:sns/topic:Topic", "oncall-alarms");
    const key = find(run, "aws:kms/key:Key", "oncall-key");
    assert.equal(topic.inputs.kmsMasterKeyId, key.state.arn, "encrypted with the stack's own key, not alias/aws/sns");
    assert.equal(key.inputs.enableKeyRotation, true);
    const policy = JSON.parse(key.inputs.policy as string) as { Statement: { Principal: Record<string, string>; Action: string | string[]; Condition?: unknown }[] };
    const cloudwatch = policy.Statement.find((s) => s.Principal.Service === "cloudwatch.amazonaws.com");
    assert.deepEqual(cloudwatch?.Action, ["kms:Decrypt", "kms:GenerateDataKey*"]);
    assert.equal(cloudwatch?.Condition, undefined, "the statement AWS documents: an undocumented condition could silently block delivery");
    const topicPolicy = JSON.parse(find(run, "aws:sns/topicPolicy:TopicPolicy", "oncall-alarms-policy").inputs.policy as string) as { Statement: { Principal: Record<string, string>; Action: string; Resource: string; Condition?: unknown }[] };
    const publish = topicPolicy.Statement.find((s) => s.Principal.Service === "cloudwatch.amazonaws.com");
    assert.deepEqual([publish?.Action, publish?.Resource, publish?.Condition], ["sns:Publish", topic.state.arn, { ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:*" } }], "only this account's alarms publish");
    for (const alarm of run.resources.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm")) {
      assert.deepEqual(alarm.inputs.alarmActions, [topic.state.arn], `${alarm.name} notifies the topic`);
    }
    assert.match(run.outputs.alarmDelivery as string, /^ACTION NEEDED: oncall@example\.com must open the .*Subscription Confirmation/, "the operator is told to confirm");
  });

  it("without an alarm email, the outputs say that alarms reach nobody", async () => {
    const run = await runOffline(loadStackFile("dev"));
    assert.match(run.outputs.alarmDelivery as string, /no webhooks:alarmEmail is set, so alarms reach nobody/);
  });

  it("every failure mode's alarm watches the metric that reports it", async () => {
    const run = await runOffline(loadStackFile("prod"));
    const alarm = (name: string) => find(run, "aws:cloudwatch/metricAlarm:MetricAlarm", name).inputs;
    const ingestFn = find(run, "aws:lambda/function:Function", "tenant-acme-ingest-fn").state.name;
    const workerFn = find(run, "aws:lambda/function:Function", "tenant-acme-worker-fn").state.name;
    const consumerFn = find(run, "aws:lambda/function:Function", "analytics-consumer-fn").state.name;
    const queries = alarm("tenant-acme-ingest-down").metricQueries as { id: string; expression?: string; returnData?: boolean; metric?: { namespace: string; metricName: string; dimensions: Record<string, string> } }[];
    assert.deepEqual(queries.find((q) => q.returnData)?.expression, "FILL(m0, 0) - FILL(m1, 0) - FILL(m2, 0) - FILL(m3, 0)");
    assert.deepEqual(queries.filter((q) => q.metric).map((q) => [q.id, q.metric!.namespace, q.metric!.metricName, q.metric!.dimensions]), [
      ["m0", "AWS/Lambda", "Url5xxCount", { FunctionName: ingestFn }],
      ["m1", "Webhooks/prod", "EnqueueFailures", { Tenant: "acme" }],
      ["m2", "Webhooks/prod", "SecretsUnavailable", { Tenant: "acme" }],
      ["m3", "Webhooks/prod", "BodyStoreFailures", { Tenant: "acme" }],
    ]);
    const simple = (name: string) => [alarm(name).namespace, alarm(name).metricName, alarm(name).dimensions];
    assert.deepEqual(simple("tenant-acme-worker-throttles"), ["AWS/Lambda", "Throttles", { FunctionName: workerFn }]);
    assert.deepEqual(simple("tenant-acme-worker-destination-failures"), ["AWS/Lambda", "DestinationDeliveryFailures", { FunctionName: workerFn }]);
    assert.deepEqual(simple("tenant-acme-secrets-stale"), ["Webhooks/prod", "StaleSecrets", { Tenant: "acme" }]);
    assert.deepEqual(simple("oncall-consumer-throttles"), ["AWS/Lambda", "Throttles", { FunctionName: consumerFn }]);
    assert.deepEqual(simple("oncall-consumer-destination-failures"), ["AWS/Lambda", "DestinationDeliveryFailures", { FunctionName: consumerFn }]);
    assert.deepEqual(simple("oncall-malformed-stream-records"), ["Webhooks/prod", "MalformedStreamRecords", {}]);
    const table = find(run, "aws:dynamodb/table:Table", "events-table").state.name;
    assert.deepEqual(simple("oncall-dynamodb-throttling"), ["AWS/DynamoDB", "ThrottledRequests", { TableName: table, Operation: "PutItem" }], "index throttles count too");
  });

  it("with webhooks:runbookUrl, alarms link its sections and no runbook dashboard is deployed", async () => {
    const config = parseStackConfig("r", {
      tenants: { acme: { scheme: "github", ingestConcurrency: 1, workerConcurrency: 2 } },
      runbookUrl: "https://wiki.example.com/webhooks/RUNBOOK.md",
    });
    const run = await runOffline(config);
    assertCompleteStack(config, run);
    assert.match(find(run, "aws:cloudwatch/metricAlarm:MetricAlarm", "tenant-acme-dlq-not-empty").inputs.alarmDescription as string, /: https:\/\/wiki\.example\.com\/webhooks\/RUNBOOK\.md#dlq-not-empty$/);
    assert.equal(run.resources.filter((r) => r.type === "aws:cloudwatch/dashboard:Dashboard").length, 1);
  });

  it("without it, the runbook is deployed as a dashboard holding every section of RUNBOOK.md", async () => {
    const run = await runOffline(loadStackFile("dev"));
    const body = JSON.parse(find(run, "aws:cloudwatch/dashboard:Dashboard", "dashboards-runbook").inputs.dashboardBody as string) as { widgets: { properties: { markdown: string } }[] };
    assert.deepEqual(body.widgets.map((w) => w.properties.markdown), runbookSections(RUNBOOK).map((s) => s.markdown));
    assert.match(run.outputs.runbook as string, /^https:\/\/eu-west-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=eu-west-1#dashboards\/dashboard\/webhooks-dev-runbook$/);
  });
});
