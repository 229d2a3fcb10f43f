// One tenant's pipeline: secret, queue + DLQ, ingest function behind a public function URL, worker with its SQS
// mapping and async-invocation destination, log groups, and the tenant's alarms. Tenants share nothing here,
// so one tenant's flood or failure cannot starve another (reserved concurrency on both functions).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ageAlarm, awsMetric, countAlarm, createAlarm, customMetric, lambdaCount, queueNotEmpty, type CreatedAlarm, type RunbookLinks } from "./alarms";
import type { TenantConfig } from "./config";
import { ingestEnvironment, workerEnvironment } from "./functionEnvironment";
import { tenantLogGroupName } from "./naming";
import { NodeFunction } from "./nodeFunction";
import { FAILURE_QUEUE, INGEST, QUEUE, queueVisibilityTimeoutSeconds, WORKER, WORKER_ASYNC } from "./settings";

export interface TenantPipelineArgs {
  /** The tenant's validated settings. */
  readonly tenant: TenantConfig;
  /** The tenant's active secrets (a Pulumi secret); absent only in a preview or the offline plan. */
  readonly secrets?: pulumi.Input<readonly string[]>;
  /** The events table's name and ARN. */
  readonly tableName: pulumi.Input<string>;
  readonly tableArn: pulumi.Input<string>;
  /** The stack's bodies bucket (components/bodyStore.ts): name and ARN. */
  readonly bodyBucketName: pulumi.Input<string>;
  readonly bodyBucketArn: pulumi.Input<string>;
  /** Where the tenant's alarms notify. */
  readonly alarmTopicArn: pulumi.Input<string>;
  /** Links from alarm descriptions to runbook sections. */
  readonly runbook: RunbookLinks;
  /** The stack's name, for the log group names on-call can guess. */
  readonly stack: string;
  /** Seconds ingest may serve stale keys while refreshing its secret fails. */
  readonly secretsMaxStaleSeconds: number;
  readonly logRetentionDays: pulumi.Input<number>;
  /** CloudWatch namespace of the handlers' EMF metrics. */
  readonly metricsNamespace: string;
  /**
   * Functions that read the items this tenant's worker writes (the stream consumer): their update finishes before
   * the worker's, so a new item format (bodies gzip'ed at rest, say) is never written while an old reader runs.
   */
  readonly itemReaders?: readonly pulumi.Resource[];
}

export class TenantPipeline extends pulumi.ComponentResource {
  public readonly secret: aws.secretsmanager.Secret;
  public readonly queue: aws.sqs.Queue;
  public readonly deadLetterQueue: aws.sqs.Queue;
  public readonly asyncFailureQueue: aws.sqs.Queue;
  public readonly ingest: NodeFunction;
  public readonly functionUrl: aws.lambda.FunctionUrl;
  public readonly worker: NodeFunction;
  public readonly mapping: aws.lambda.EventSourceMapping;
  public readonly alarms: CreatedAlarm[];
  public readonly url: pulumi.Output<string>;

  constructor(name: string, args: TenantPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webhooks:tenant:TenantPipeline", name, {}, opts);
    const { tenant } = args;

    this.secret = new aws.secretsmanager.Secret(`${name}-secret`, { description: `webhooks: signing secrets of tenant ${tenant.id} (JSON list; several while rotating)` }, { parent: this });
    if (args.secrets !== undefined) {
      new aws.secretsmanager.SecretVersion(
        `${name}-secret-value`,
        { secretId: this.secret.id, secretString: pulumi.secret(pulumi.output(args.secrets).apply((list) => JSON.stringify(list))) },
        { parent: this },
      );
    }

    this.deadLetterQueue = new aws.sqs.Queue(`${name}-dlq`, { messageRetentionSeconds: QUEUE.dlqRetentionSeconds, sqsManagedSseEnabled: true }, { parent: this });
    this.queue = new aws.sqs.Queue(
      `${name}-queue`,
      {
        visibilityTimeoutSeconds: queueVisibilityTimeoutSeconds(tenant.batchWindowSeconds),
        messageRetentionSeconds: QUEUE.messageRetentionSeconds,
        maxMessageSize: QUEUE.maximumMessageBytes,
        sqsManagedSseEnabled: true,
        redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount: QUEUE.maxReceiveCount }),
      },
      { parent: this },
    );
    this.asyncFailureQueue = new aws.sqs.Queue(
      `${name}-async-failures`,
      { messageRetentionSeconds: FAILURE_QUEUE.messageRetentionSeconds, sqsManagedSseEnabled: true },
      { parent: this },
    );

    this.ingest = new NodeFunction(
      `${name}-ingest`,
      {
        handler: "ingest",
        description: `webhooks: ingest for tenant ${tenant.id} (${tenant.scheme})`,
        environment: ingestEnvironment(tenant, {
          queueUrl: this.queue.url,
          secrets: { secretId: this.secret.arn },
          metricsNamespace: args.metricsNamespace,
          secretsMaxStaleSeconds: args.secretsMaxStaleSeconds,
          bodyBucket: args.bodyBucketName,
          // Unset: ingest rebuilds the URL as https://<function URL domain>/..., what Twilio signs when posting to it.
          ...(tenant.publicBaseUrl !== undefined ? { publicBaseUrl: tenant.publicBaseUrl } : {}),
        }),
        reservedConcurrency: tenant.ingestConcurrency,
        timeoutSeconds: INGEST.timeoutSeconds,
        memoryMb: INGEST.memoryMb,
        logRetentionDays: args.logRetentionDays,
        logGroupName: tenantLogGroupName(args.stack, tenant.id, "ingest"),
        statements: [
          { actions: ["sqs:SendMessage"], resources: [this.queue.arn] },
          { actions: ["secretsmanager:GetSecretValue"], resources: [this.secret.arn] },
          // Large bodies: puts under its own tenant's prefix only (keys are `<tenant>/<sha256(eventId)>/<sha256(body)>`, tenant
          // ids [a-z0-9-], so `acme/*` never covers `acme-2/...`); no read, list or delete. The worker and the
          // stream consumer get no S3 access at all: they carry the pointer, never the bytes.
          // https://docs.aws.amazon.com/AmazonS3/latest/userguide/security_iam_service-with-iam.html
          { actions: ["s3:PutObject"], resources: [pulumi.interpolate`${args.bodyBucketArn}/${tenant.id}/*`] },
        ],
      },
      { parent: this },
    );

    this.functionUrl = new aws.lambda.FunctionUrl(
      `${name}-url`,
      { functionName: this.ingest.functionName, authorizationType: "NONE", invokeMode: "BUFFERED" },
      { parent: this },
    );
    // Since October 2025 a public function URL needs both grants.
    // https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html
    new aws.lambda.Permission(
      `${name}-url-invoke-url`,
      { function: this.ingest.functionName, action: "lambda:InvokeFunctionUrl", principal: "*", functionUrlAuthType: "NONE" },
      { parent: this },
    );
    new aws.lambda.Permission(
      `${name}-url-invoke`,
      { function: this.ingest.functionName, action: "lambda:InvokeFunction", principal: "*", invokedViaFunctionUrl: true },
      { parent: this },
    );

    this.worker = new NodeFunction(
      `${name}-worker`,
      {
        handler: "worker",
        description: `webhooks: worker for tenant ${tenant.id}`,
        environment: workerEnvironment(tenant, { tableName: args.tableName, metricsNamespace: args.metricsNamespace }),
        reservedConcurrency: tenant.workerConcurrency,
        timeoutSeconds: WORKER.timeoutSeconds,
        memoryMb: WORKER.memoryMb,
        logRetentionDays: args.logRetentionDays,
        logGroupName: tenantLogGroupName(args.stack, tenant.id, "worker"),
        deployAfter: args.itemReaders,
        statements: [
          // Only items of its own tenant: every key is `<tenant>#<eventId>`, and tenant ids cannot hold '#', so
          // a worker (or a forged envelope it was handed) can never write or shadow another tenant's events.
          // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html
          {
            actions: ["dynamodb:PutItem"],
            resources: [args.tableArn],
            condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [`${tenant.id}#*`] } },
          },
          { actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"], resources: [this.queue.arn] },
          // Destinations of asynchronous invocations are written with the function's role.
          { actions: ["sqs:SendMessage"], resources: [this.asyncFailureQueue.arn] },
        ],
      },
      { parent: this },
    );

    // Destinations apply to asynchronous invocations only (replays); SQS-triggered failures go to the DLQ via
    // the queue's redrive policy. No on-success destination: a replay's success is visible in the table itself.
    // https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
    new aws.lambda.FunctionEventInvokeConfig(
      `${name}-worker-async`,
      {
        functionName: this.worker.functionName,
        maximumRetryAttempts: WORKER_ASYNC.maximumRetryAttempts,
        maximumEventAgeInSeconds: WORKER_ASYNC.maximumEventAgeSeconds,
        destinationConfig: { onFailure: { destination: this.asyncFailureQueue.arn } },
      },
      { parent: this },
    );

    this.mapping = new aws.lambda.EventSourceMapping(
      `${name}-worker-mapping`,
      {
        eventSourceArn: this.queue.arn,
        functionName: this.worker.arn,
        batchSize: WORKER.batchSize,
        maximumBatchingWindowInSeconds: tenant.batchWindowSeconds,
        functionResponseTypes: ["ReportBatchItemFailures"],
        // Equal to the worker's reserved concurrency: above it, pollers would be throttled and valid messages
        // would burn receive counts into the DLQ.
        scalingConfig: { maximumConcurrency: tenant.workerConcurrency },
      },
      { parent: this, dependsOn: [this.worker] },
    );

    const context = { topicArn: args.alarmTopicArn, runbook: args.runbook, parent: this };
    const tenantDims = { Tenant: tenant.id };
    const ns = args.metricsNamespace;
    const ingestPanel = `${tenant.id}: ingest`;
    const workerPanel = `${tenant.id}: worker`;
    this.alarms = [
      // 5xx not explained by another alarm: misconfiguration, init crash, function errors, timeouts. The 503s of
      // an SQS outage and the 500s of missing secrets have alarms of their own and are subtracted, so each failure
      // pages once. https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
      createAlarm(
        `${name}-ingest-down`,
        countAlarm(
          { meaning: `Tenant ${tenant.id}'s ingest URL answers 5xx (misconfigured, crashing or timing out); senders retry.`, runbook: "ingest-down", panel: ingestPanel },
          awsMetric("AWS/Lambda", "Url5xxCount", { FunctionName: this.ingest.functionName }),
          {
            math: {
              expression: "FILL(m0, 0) - FILL(m1, 0) - FILL(m2, 0) - FILL(m3, 0)",
              label: "5xx not explained by SQS, S3 or secrets",
              extraMetrics: [customMetric(ns, "EnqueueFailures", tenantDims), customMetric(ns, "SecretsUnavailable", tenantDims), customMetric(ns, "BodyStoreFailures", tenantDims)],
            },
          },
        ),
        context,
      ),
      createAlarm(
        `${name}-ingest-throttles`,
        lambdaCount({ meaning: `Tenant ${tenant.id}'s ingest function hit its reserved concurrency; senders get 429 and retry.`, runbook: "ingest-throttles", panel: ingestPanel }, "Throttles", this.ingest.functionName),
        context,
      ),
      createAlarm(
        `${name}-signature-failures`,
        countAlarm(
          {
            meaning: `Tenant ${tenant.id} is receiving many requests with bad signatures or stale timestamps: a rotated secret not yet configured, or an attack.`,
            runbook: "signature-rejections-spike",
            panel: ingestPanel,
          },
          customMetric(ns, "SignatureFailures", tenantDims),
          { threshold: 20, periodSeconds: 300, datapointsToAlarm: 2, evaluationPeriods: 3 },
        ),
        context,
      ),
      createAlarm(
        `${name}-refusing`,
        countAlarm(
          { meaning: `Tenant ${tenant.id}'s ingest cannot enqueue verified requests: they get 503 and senders retry.`, runbook: "ingest-refusing-requests", panel: ingestPanel },
          customMetric(ns, "EnqueueFailures", tenantDims),
        ),
        context,
      ),
      createAlarm(
        `${name}-body-store-failures`,
        countAlarm(
          { meaning: `Tenant ${tenant.id}'s ingest cannot put large bodies to the bodies bucket: those requests get 503 and senders retry.`, runbook: "body-store-failures", panel: ingestPanel },
          customMetric(ns, "BodyStoreFailures", tenantDims),
        ),
        context,
      ),
      createAlarm(
        `${name}-secrets-unavailable`,
        countAlarm(
          { meaning: `Tenant ${tenant.id}'s ingest cannot read its secret and refuses every request with 500.`, runbook: "secrets-unavailable", panel: ingestPanel },
          customMetric(ns, "SecretsUnavailable", tenantDims),
          { datapointsToAlarm: 2, evaluationPeriods: 3 },
        ),
        context,
      ),
      createAlarm(
        `${name}-secrets-stale`,
        countAlarm(
          {
            meaning: `Tenant ${tenant.id}'s ingest cannot refresh its secret and is serving the last good keys; after ${args.secretsMaxStaleSeconds} s it fails closed.`,
            runbook: "secrets-stale",
            panel: ingestPanel,
          },
          customMetric(ns, "StaleSecrets", tenantDims),
          { datapointsToAlarm: 2, evaluationPeriods: 3 },
        ),
        context,
      ),
      createAlarm(
        `${name}-queue-age`,
        ageAlarm(
          { meaning: `Tenant ${tenant.id}'s queue holds a message older than 5 minutes: the worker is not keeping up or is failing.`, runbook: "queue-oldest-message-age", panel: workerPanel },
          awsMetric("AWS/SQS", "ApproximateAgeOfOldestMessage", { QueueName: this.queue.name }),
          300,
        ),
        context,
      ),
      createAlarm(
        `${name}-dlq-not-empty`,
        queueNotEmpty({ meaning: `Tenant ${tenant.id} has messages in its dead-letter queue: events accepted but not stored.`, runbook: "dlq-not-empty", panel: workerPanel }, this.deadLetterQueue.name),
        context,
      ),
      createAlarm(
        `${name}-worker-errors`,
        lambdaCount({ meaning: `Tenant ${tenant.id}'s worker is failing whole invocations (not single records).`, runbook: "worker-errors", panel: workerPanel }, "Errors", this.worker.functionName),
        context,
      ),
      createAlarm(
        `${name}-worker-throttles`,
        lambdaCount(
          {
            meaning: `Tenant ${tenant.id}'s worker is throttled: asynchronous replays share its reserved concurrency with the SQS pollers.`,
            runbook: "worker-throttles",
            panel: workerPanel,
          },
          "Throttles",
          this.worker.functionName,
        ),
        context,
      ),
      createAlarm(
        `${name}-async-failures`,
        queueNotEmpty(
          { meaning: `A replayed batch for tenant ${tenant.id} failed and went to the worker's on-failure destination.`, runbook: "worker-async-failures", panel: workerPanel },
          this.asyncFailureQueue.name,
        ),
        context,
      ),
      createAlarm(
        `${name}-worker-destination-failures`,
        lambdaCount(
          {
            meaning: `Lambda could not write a failed replay of tenant ${tenant.id} to the worker's on-failure queue: that failure is recorded nowhere.`,
            runbook: "worker-destination-failures",
            panel: workerPanel,
          },
          "DestinationDeliveryFailures",
          this.worker.functionName,
        ),
        context,
      ),
    ];

    this.url = this.functionUrl.functionUrl;
    this.registerOutputs({
      url: this.url,
      queueUrl: this.queue.url,
      deadLetterQueueUrl: this.deadLetterQueue.url,
      ingestLogGroup: this.ingest.logGroupName,
      workerLogGroup: this.worker.logGroupName,
    });
  }
}
