// How a tenant's pipeline is wired (components/tenantPipeline.ts), what each function's environment carries
// (components/functionEnvironment.ts) and the stack's dashboard output (components/stack.ts): the details on-call
// reads (descriptions, panels, alarm windows), the optional settings that only some tenants have, and the grants
// and ordering the worker needs.
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, type StackConfig, type TenantConfig } from "../../components/config";
import { ingestEnvironment, streamConsumerEnvironment, workerEnvironment } from "../../components/functionEnvironment";
import { runOffline, type CapturedResource, type OfflineRun } from "../../scripts/lib/offline";

function find(run: OfflineRun, type: string, name: string): CapturedResource {
  const found = run.resources.find((r) => r.type === type && r.name === name);
  assert.ok(found, `missing ${type} ${name}`);
  return found;
}

const FOURTEEN_DAYS = 14 * 24 * 3600;

/** acme: a public base URL and secrets; sq: a preset with settings and no secrets; cu: scheme custom. */
const CUSTOM_DESCRIPTION = {
  signature: { header: "X-Acme-Signature", algorithm: "hmac-sha256", encoding: "base64", format: { kind: "items", separator: ";", assign: "=", signatureKey: "s", timestampKey: "t" } },
  signed: [{ timestamp: true }, { literal: "." }, { body: true }],
  timestamp: { from: { item: true }, format: "unix" },
  eventId: { json: "id" },
  secret: { encoding: "utf8" },
};

function wiringConfig(): StackConfig {
  return parseStackConfig("wire", {
    tenants: {
      acme: { scheme: "github", ingestConcurrency: 1, workerConcurrency: 2, publicBaseUrl: "https://hooks.example.com/acme/" },
      sq: { scheme: "square", ingestConcurrency: 1, workerConcurrency: 2, settings: { notificationUrl: "https://hooks.example.com/sq" } },
      cu: { scheme: "custom", ingestConcurrency: 1, workerConcurrency: 2, custom: CUSTOM_DESCRIPTION },
    },
    secrets: { acme: ["secret-one"] },
    secretsMaxStaleSeconds: 900,
  });
}

function envOf(run: OfflineRun, fn: string): Record<string, string> {
  return (find(run, "aws:lambda/function:Function", fn).inputs.environment as { variables: Record<string, string> }).variables;
}

function policyOf(run: OfflineRun, fn: string): { Action: string[]; Resource: string[] }[] {
  return JSON.parse(find(run, "aws:iam/rolePolicy:RolePolicy", `${fn}-policy`).inputs.policy as string).Statement;
}

describe("tenant pipeline wiring (under mocks)", () => {
  let config: StackConfig;
  let run: OfflineRun;
  const registered = new Map<string, Record<string, unknown>>();

  before(async () => {
    config = wiringConfig();
    const prototype = pulumi.ComponentResource.prototype as unknown as { registerOutputs(outputs?: unknown): void };
    const original = prototype.registerOutputs;
    prototype.registerOutputs = function (this: { __name?: string }, outputs?: unknown) {
      if (outputs && this.__name) registered.set(this.__name, outputs as Record<string, unknown>);
      return original.call(this, outputs);
    };
    try {
      run = await runOffline(config);
    } finally {
      prototype.registerOutputs = original;
    }
  });

  it("a tenant's secret says whose signing secrets it holds", () => {
    for (const tenant of ["acme", "sq", "cu"]) {
      const description = find(run, "aws:secretsmanager/secret:Secret", `tenant-${tenant}-secret`).inputs.description as string;
      assert.equal(description, `webhooks: signing secrets of tenant ${tenant} (JSON list; several while rotating)`);
    }
  });

  it("a secret version exists only for a tenant whose secrets are configured, and belongs to its pipeline", () => {
    const versions = run.resources.filter((r) => r.type === "aws:secretsmanager/secretVersion:SecretVersion");
    assert.deepEqual(versions.map((v) => v.name), ["tenant-acme-secret-value"]);
    assert.equal(versions[0]!.parent, "tenant-acme", "destroyed with its tenant, shown under it in the plan");
  });

  it("the DLQ and the async-failure queue keep messages 14 days, encrypted at rest", () => {
    for (const tenant of ["acme", "sq"]) {
      for (const queue of [`tenant-${tenant}-dlq`, `tenant-${tenant}-async-failures`]) {
        const inputs = find(run, "aws:sqs/queue:Queue", queue).inputs;
        assert.equal(inputs.messageRetentionSeconds, FOURTEEN_DAYS, queue);
        assert.equal(inputs.sqsManagedSseEnabled, true, queue);
      }
    }
  });

  it("the ingest and worker functions (and their roles) say which tenant and scheme they serve", () => {
    const cases: [string, string][] = [
      ["tenant-acme-ingest", "webhooks: ingest for tenant acme (github)"],
      ["tenant-sq-ingest", "webhooks: ingest for tenant sq (square)"],
      ["tenant-acme-worker", "webhooks: worker for tenant acme"],
      ["tenant-cu-worker", "webhooks: worker for tenant cu"],
    ];
    for (const [fn, description] of cases) {
      assert.equal(find(run, "aws:lambda/function:Function", `${fn}-fn`).inputs.description, description, fn);
      assert.equal(find(run, "aws:iam/role:Role", `${fn}-role`).inputs.description, description, fn);
    }
  });

  it("the ingest function gets PUBLIC_BASE_URL only when the tenant sets publicBaseUrl", () => {
    assert.equal(envOf(run, "tenant-acme-ingest-fn").PUBLIC_BASE_URL, "https://hooks.example.com/acme");
    assert.ok(!("PUBLIC_BASE_URL" in envOf(run, "tenant-sq-ingest-fn")));
    assert.ok(!("PUBLIC_BASE_URL" in envOf(run, "tenant-cu-ingest-fn")));
  });

  it("the ingest function gets the bodies bucket, the stack's stale-secrets limit, and its preset settings or custom description", () => {
    const bucket = find(run, "aws:s3/bucket:Bucket", "bodies-bucket").state.bucket;
    for (const tenant of ["acme", "sq", "cu"]) {
      const env = envOf(run, `tenant-${tenant}-ingest-fn`);
      assert.equal(env.BODY_BUCKET, bucket, tenant);
      assert.equal(env.SECRETS_MAX_STALE_SECONDS, "900", tenant);
    }
    assert.deepEqual(JSON.parse(envOf(run, "tenant-sq-ingest-fn").PRESET_SETTINGS!), { notificationUrl: "https://hooks.example.com/sq" });
    assert.deepEqual(JSON.parse(envOf(run, "tenant-cu-ingest-fn").SCHEME_DESCRIPTION!), config.tenants.find((t) => t.id === "cu")!.custom);
    assert.ok(!("PRESET_SETTINGS" in envOf(run, "tenant-acme-ingest-fn")) && !("SCHEME_DESCRIPTION" in envOf(run, "tenant-acme-ingest-fn")));
  });

  it("the worker gets its tenant, table, retention and namespace", () => {
    const table = find(run, "aws:dynamodb/table:Table", "events-table").state.name;
    assert.deepEqual(envOf(run, "tenant-acme-worker-fn"), { TENANT_ID: "acme", TABLE_NAME: table, RETENTION_DAYS: "7", METRICS_NAMESPACE: "Webhooks/wire" });
  });

  it("the function URL buffers responses (ingest answers once it has enqueued)", () => {
    assert.equal(find(run, "aws:lambda/functionUrl:FunctionUrl", "tenant-acme-url").inputs.invokeMode, "BUFFERED");
  });

  it("the worker may consume its own queue and send failed replays to its own async-failure queue, nothing more", () => {
    const queue = find(run, "aws:sqs/queue:Queue", "tenant-acme-queue").state.arn;
    const failures = find(run, "aws:sqs/queue:Queue", "tenant-acme-async-failures").state.arn;
    const sqs = policyOf(run, "tenant-acme-worker").filter((s) => s.Action.some((a) => a.startsWith("sqs:")));
    assert.deepEqual(sqs.map((s) => [s.Action, s.Resource]), [
      [["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"], [queue]],
      [["sqs:SendMessage"], [failures]],
    ]);
  });

  it("the worker's SQS mapping waits for the worker component (AWS checks on creation that its role may read the queue)", () => {
    for (const tenant of ["acme", "sq"]) {
      assert.deepEqual(find(run, "aws:lambda/eventSourceMapping:EventSourceMapping", `tenant-${tenant}-worker-mapping`).dependsOn, [`tenant-${tenant}-worker`]);
    }
  });

  it("every tenant alarm's description says which tenant failed and how, before its runbook link", () => {
    const alarms = run.resources.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && r.parent === "tenant-acme");
    assert.equal(alarms.length, 13);
    for (const alarm of alarms) {
      const description = alarm.inputs.alarmDescription as string;
      const linkAt = description.indexOf(" Runbook section ");
      assert.ok(linkAt > 0, `${alarm.name}: the runbook link follows the meaning`);
      const meaning = description.slice(0, linkAt);
      assert.match(meaning, /\bacme\b/, `${alarm.name}: names the tenant`);
      assert.ok(meaning.length > "tenant acme".length + 20, `${alarm.name}: says what failed`);
    }
    const stale = find(run, "aws:cloudwatch/metricAlarm:MetricAlarm", "tenant-acme-secrets-stale").inputs.alarmDescription as string;
    assert.match(stale, /after 900 s it fails closed/, "the stale-secrets alarm states the configured limit");
  });

  it("the ingest-down chart says what it plots: 5xx not explained by the other alarms", () => {
    const queries = find(run, "aws:cloudwatch/metricAlarm:MetricAlarm", "tenant-acme-ingest-down").inputs.metricQueries as { returnData?: boolean; label?: string }[];
    assert.equal(queries.find((q) => q.returnData)?.label, "5xx not explained by SQS, S3 or secrets");
  });

  it("signature failures page on 20 in 5 minutes, twice in 15; secrets unavailable or stale on 2 of 3 minutes", () => {
    const alarm = (name: string) => find(run, "aws:cloudwatch/metricAlarm:MetricAlarm", `tenant-acme-${name}`).inputs;
    const shape = (name: string) => [alarm(name).threshold, alarm(name).period, alarm(name).datapointsToAlarm, alarm(name).evaluationPeriods];
    assert.deepEqual(shape("signature-failures"), [20, 300, 2, 3]);
    assert.deepEqual(shape("secrets-unavailable"), [1, 60, 2, 3]);
    assert.deepEqual(shape("secrets-stale"), [1, 60, 2, 3]);
  });

  it("a tenant's alarms are charted in that tenant's ingest and worker panels of the operations dashboard", () => {
    const body = JSON.parse(find(run, "aws:cloudwatch/dashboard:Dashboard", "dashboards-operations").inputs.dashboardBody as string) as { widgets: { properties: { title: string } }[] };
    const titles = body.widgets.map((w) => w.properties.title);
    for (const tenant of ["acme", "sq", "cu"]) {
      assert.ok(titles.includes(`${tenant}: ingest`), `${tenant}: ingest panel`);
      assert.ok(titles.includes(`${tenant}: worker`), `${tenant}: worker panel`);
    }
    assert.ok(!titles.includes(""), "no untitled panel");
  });

  it("a tenant pipeline registers its URL, queues and log groups as outputs", async () => {
    const outputs = registered.get("tenant-acme");
    assert.ok(outputs, "tenant-acme registers outputs");
    const entries = await Promise.all(Object.entries(outputs).map(async ([k, v]) => [k, await new Promise((done) => (pulumi.output(v) as pulumi.Output<unknown>).apply(done))] as const));
    assert.deepEqual(Object.fromEntries(entries), {
      url: find(run, "aws:lambda/functionUrl:FunctionUrl", "tenant-acme-url").state.functionUrl,
      queueUrl: find(run, "aws:sqs/queue:Queue", "tenant-acme-queue").state.url,
      deadLetterQueueUrl: find(run, "aws:sqs/queue:Queue", "tenant-acme-dlq").state.url,
      ingestLogGroup: "/aws/lambda/webhooks-wire-acme-ingest",
      workerLogGroup: "/aws/lambda/webhooks-wire-acme-worker",
    });
  });

  it("the stack's dashboard output opens the operations dashboard in the stack's region", () => {
    assert.equal(run.outputs.dashboard, "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/webhooks-wire");
  });
});

describe("function environments (plain values)", () => {
  const parsed = parseStackConfig("env", {
    tenants: {
      gh: { scheme: "github", ingestConcurrency: 1, workerConcurrency: 2, retentionDays: 30 },
      hm: { scheme: "hmac-sha256", ingestConcurrency: 1, workerConcurrency: 2, hmac: { header: "X-Sig", encoding: "base64", prefix: "sha256=" } },
      sq: { scheme: "square", ingestConcurrency: 1, workerConcurrency: 2, settings: { notificationUrl: "https://hooks.example.com/sq" } },
      cu: { scheme: "custom", ingestConcurrency: 1, workerConcurrency: 2, custom: CUSTOM_DESCRIPTION },
    },
  });
  const tenant = (id: string): TenantConfig => parsed.tenants.find((t) => t.id === id)!;
  const minimal = { queueUrl: "https://sqs/q", secrets: { secretId: "arn:secret" }, metricsNamespace: "Webhooks/env" };

  it("without the optional settings, ingest gets only the required variables", () => {
    assert.deepEqual(ingestEnvironment(tenant("gh"), minimal), {
      TENANT_ID: "gh",
      SCHEME: "github",
      QUEUE_URL: "https://sqs/q",
      SECRET_ID: "arn:secret",
      TOLERANCE_SECONDS: String(tenant("gh").toleranceSeconds),
      MAX_BODY_BYTES: String(tenant("gh").maxBodyBytes),
      METRICS_NAMESPACE: "Webhooks/env",
    });
  });

  it("PUBLIC_BASE_URL, BODY_BUCKET and SECRETS_MAX_STALE_SECONDS are set exactly when given", () => {
    const env = ingestEnvironment(tenant("gh"), { ...minimal, publicBaseUrl: "https://hooks.example.com/in", bodyBucket: "bodies", secretsMaxStaleSeconds: 120 });
    assert.equal(env.PUBLIC_BASE_URL, "https://hooks.example.com/in");
    assert.equal(env.BODY_BUCKET, "bodies");
    assert.equal(env.SECRETS_MAX_STALE_SECONDS, "120");
    const bare = ingestEnvironment(tenant("gh"), minimal);
    for (const name of ["PUBLIC_BASE_URL", "BODY_BUCKET", "SECRETS_MAX_STALE_SECONDS"]) assert.ok(!(name in bare), `${name} absent when not given`);
  });

  it("locally, ingest reads its secrets from a file instead of Secrets Manager", () => {
    const env = ingestEnvironment(tenant("gh"), { ...minimal, secrets: { secretsFile: "/tmp/secrets.json" } });
    assert.equal(env.SECRETS_FILE, "/tmp/secrets.json");
    assert.ok(!("SECRET_ID" in env));
  });

  it("an hmac-sha256 tenant's header, encoding and prefix reach ingest; no prefix means an empty one", () => {
    const env = ingestEnvironment(tenant("hm"), minimal);
    assert.deepEqual([env.HMAC_HEADER, env.HMAC_ENCODING, env.HMAC_PREFIX], ["X-Sig", "base64", "sha256="]);
    const noPrefix: TenantConfig = { ...tenant("hm"), hmac: { header: "X-Sig", encoding: "hex" } };
    assert.equal(ingestEnvironment(noPrefix, minimal).HMAC_PREFIX, "");
    assert.ok(!("HMAC_HEADER" in ingestEnvironment(tenant("gh"), minimal)), "no hmac variables for other schemes");
  });

  it("a preset's settings and a custom scheme's description reach ingest as JSON, only for those tenants", () => {
    assert.deepEqual(JSON.parse(ingestEnvironment(tenant("sq"), minimal).PRESET_SETTINGS!), { notificationUrl: "https://hooks.example.com/sq" });
    assert.deepEqual(JSON.parse(ingestEnvironment(tenant("cu"), minimal).SCHEME_DESCRIPTION!), tenant("cu").custom);
    assert.ok(!("SCHEME_DESCRIPTION" in ingestEnvironment(tenant("sq"), minimal)));
    assert.ok(!("PRESET_SETTINGS" in ingestEnvironment(tenant("cu"), minimal)));
  });

  it("the worker gets its tenant, table, retention and namespace; the stream consumer its stream and namespace", () => {
    assert.deepEqual(workerEnvironment(tenant("gh"), { tableName: "events", metricsNamespace: "Webhooks/env" }), {
      TENANT_ID: "gh",
      TABLE_NAME: "events",
      RETENTION_DAYS: "30",
      METRICS_NAMESPACE: "Webhooks/env",
    });
    assert.deepEqual(streamConsumerEnvironment({ streamName: "analytics", metricsNamespace: "Webhooks/env" }), { ANALYTICS_STREAM_NAME: "analytics", METRICS_NAMESPACE: "Webhooks/env" });
  });
});
