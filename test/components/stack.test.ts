import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { loadStackFile, parseStackConfig, type StackConfig } from "../../components/config";
import { QUEUE, WORKER, WORKER_ASYNC } from "../../components/settings";
import { SCHEMES } from "../../handlers/core/verify/types";
import { isSecretValue, runOffline, type CapturedResource, type OfflineRun } from "../../scripts/lib/offline";

process.on("unhandledRejection", (error) => console.error("unhandledRejection:", error));

const RUNBOOK = readFileSync(`${__dirname}/../../RUNBOOK.md`, "utf8");
const runbookAnchors = new Set([...RUNBOOK.matchAll(/^#{2,3} (.+)$/gm)].map((m) => m[1]!.trim().toLowerCase().replace(/[^a-z0-9 -]/g, "").replace(/ /g, "-")));

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
    // The same numbers the local pipeline emulates (components/settings.ts is the one source).
    assert.equal(redrive.maxReceiveCount, QUEUE.maxReceiveCount);
    assert.equal(queue.inputs.visibilityTimeoutSeconds, QUEUE.visibilityTimeoutSeconds);
    assert.equal(mapping.inputs.batchSize, WORKER.batchSize);
    assert.equal(mapping.inputs.maximumBatchingWindowInSeconds, WORKER.maximumBatchingWindowSeconds);
    assert.equal(asyncConfig.inputs.maximumRetryAttempts, WORKER_ASYNC.maximumRetryAttempts);
    assert.ok((queue.inputs.visibilityTimeoutSeconds as number) >= 6 * (workerFn.inputs.timeout as number));
    assert.equal(dlq.inputs.messageRetentionSeconds, 14 * 24 * 3600);
    assert.equal(queue.inputs.sqsManagedSseEnabled, true);
    assert.equal((asyncConfig.inputs.destinationConfig as { onFailure: { destination: string } }).onFailure.destination, asyncFailures.state.arn);

    assert.deepEqual(policyOf(run, `${n}-worker`).filter((s) => s.Action.some((a) => a.startsWith("dynamodb:"))), [{ Effect: "Allow", Action: ["dynamodb:PutItem"], Resource: [table.state.arn] }]);
    const ingestPolicy = policyOf(run, `${n}-ingest`);
    assert.deepEqual(ingestPolicy.find((s) => s.Action.includes("sqs:SendMessage"))!.Resource, [queue.state.arn], "ingest sends only to its own queue");
    assert.deepEqual(ingestPolicy.find((s) => s.Action.includes("secretsmanager:GetSecretValue"))!.Resource, [secret.state.arn], "ingest reads only its own secret");
    assert.equal(ingestPolicy.length, 3, "logs, queue, secret: nothing else");

    const env = (ingestFn.inputs.environment as { variables: Record<string, string> }).variables;
    assert.equal(env.TENANT_ID, tenant.id);
    assert.equal(env.SCHEME, tenant.scheme);
    assert.equal(env.QUEUE_URL, queue.state.url);
    assert.equal(env.SECRET_ID, secret.state.arn);

    const alarms = run.resources.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && r.parent === n);
    assert.ok(alarms.length >= 6, `tenant ${tenant.id} has its alarms`);
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
      assert.ok(statement.Resource.every((r: string) => r !== "*" && !/^arn:aws:[a-z]+:[^:]*:[^:]*:\*$/.test(r)), `${policy.name}: wildcard resource`);
    }
  }
  for (const alarm of run.resources.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm")) {
    const i = alarm.inputs;
    assert.equal((i.alarmActions as string[]).length, 1, `${alarm.name}: action`);
    assert.deepEqual(i.okActions, i.alarmActions, `${alarm.name}: OK action`);
    assert.ok(["notBreaching", "breaching", "ignore", "missing"].includes(i.treatMissingData as string));
    assert.ok((i.datapointsToAlarm as number) >= 2 && (i.datapointsToAlarm as number) <= (i.evaluationPeriods as number), `${alarm.name}: M of N`);
    const anchor = /Runbook: RUNBOOK\.md#([a-z0-9-]+)$/.exec(i.alarmDescription as string)?.[1];
    assert.ok(anchor && runbookAnchors.has(anchor), `${alarm.name}: runbook section '${anchor}' exists`);
  }
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
    });
  }

  it("for generated tenant sets, the same invariants hold", async () => {
    const arbTenant = fc.record({
      scheme: fc.constantFrom(...SCHEMES),
      ingestConcurrency: fc.integer({ min: 1, max: 20 }),
      workerConcurrency: fc.integer({ min: 2, max: 10 }),
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
    const config = parseStackConfig("s", { tenants: { acme: { scheme: "github", ingestConcurrency: 1, workerConcurrency: 2 } }, secrets: { acme: ["one", "two"] } });
    const run = await runOffline(config);
    const version = find(run, "aws:secretsmanager/secretVersion:SecretVersion", "tenant-acme-secret-value");
    const secretString = version.inputs.secretString as { value: string };
    assert.ok(isSecretValue(secretString), "the value is passed to Pulumi as a secret");
    assert.equal(secretString.value, JSON.stringify(["one", "two"]));
    assert.equal(version.inputs.secretId, "tenant-acme-secret-id", "the version belongs to the tenant's secret");
  });
});
