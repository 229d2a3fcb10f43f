// The whole pipeline on 127.0.0.1: AWS-compatible servers, the resources the Pulumi program creates (from the
// same settings), the handlers composed exactly as their Lambda entries compose them, and the emulated event
// sources between them. `npm start` (local/start.ts) and the end-to-end tests both run this.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { StackConfig, TenantConfig } from "../components/config";
import { ingestEnvironment, streamConsumerEnvironment, workerEnvironment } from "../components/functionEnvironment";
import { metricsNamespaceOf } from "../components/naming";
import { FAILURE_QUEUE, INGEST, queueVisibilityTimeoutSeconds, STREAM_CONSUMER, WORKER, WORKER_ASYNC } from "../components/settings";
import { composeIngest } from "../handlers/compose/ingest";
import { composeStream } from "../handlers/compose/stream";
import { composeWorker } from "../handlers/compose/worker";
import type { Logger } from "../handlers/observability";
import { AsyncInvoker } from "./asyncInvoke";
import { startFaultProxy, type FailSpec, type FaultProxy, type FaultService } from "./faultProxy";
import { ReservedConcurrency } from "./invocation";
import { startFunctionUrlServer, type FunctionUrlServer, type HostedFunction } from "./functionUrlServer";
import { makeLocalRoutes } from "./localRoutes";
import { createAnalyticsStream, createEventsTable, createQueue, createTenantQueues, type TenantResources } from "./resources";
import { freePort, LOCAL_CREDENTIALS, LOCAL_REGION, LOCAL_S3_CREDENTIALS, startDynamoDbLocal, startKinesalite, startS3, startSqs, type RunningServer } from "./servers";
import { startSqsRulesProxy } from "./sqsRules";
import { countStored, HandlerCounters, KinesisReadBack, queueDepth, type PipelineStatus } from "./status";
import { defaultStreamRetryDelayMs, DynamoStreamEventSourceMapping } from "./streamMapping";
import { SqsEventSourceMapping } from "./sqsMapping";

export type { TenantResources };

/** Timings that are minutes on AWS; tests shorten them, `npm start` keeps AWS's. */
export interface LocalTiming {
  /**
   * The tenant queues' visibility timeout: how long a failed message waits before its next delivery. A number: that,
   * for every tenant (tests); a function: per tenant; unset: each tenant's as on AWS (6x the worker timeout plus its
   * batching window, components/settings.ts).
   */
  readonly visibilityTimeoutSeconds?: number | ((tenant: TenantConfig) => number);
  /** Delay before retry n of a failed asynchronous worker invocation (Lambda: about 1, then 2 minutes). */
  readonly asyncRetryDelayMs: (retry: number) => number;
  /** Delay before retry n of a failed stream batch. */
  readonly streamRetryDelayMs: (attempt: number) => number;
}

export const AWS_TIMING: LocalTiming = {
  asyncRetryDelayMs: (retry) => retry * 60_000,
  streamRetryDelayMs: defaultStreamRetryDelayMs,
};

/** A tenant queue's visibility timeout under `timing` (see LocalTiming.visibilityTimeoutSeconds). */
export function tenantVisibilityTimeoutSeconds(timing: Pick<LocalTiming, "visibilityTimeoutSeconds">, tenant: TenantConfig): number {
  const given = timing.visibilityTimeoutSeconds;
  if (typeof given === "function") return given(tenant);
  return given ?? queueVisibilityTimeoutSeconds(tenant.batchWindowSeconds);
}

export interface LocalPipelineOptions {
  readonly config: StackConfig;
  /** Port of the function URLs; 0 picks a free one. */
  readonly port: number;
  /** JSON file `{"<tenant>": ["<secret>", ...]}`, read by the ingest handlers as their secret source. */
  readonly secretsFile: string;
  readonly fail?: FailSpec;
  /** Where the handlers and the emulators log. */
  readonly logger: Logger;
  readonly timing?: Partial<LocalTiming>;
  /**
   * Tests only: wraps a composed handler, so a test can make the worker or the stream consumer fail while a
   * condition holds and then remove the cause (how the ops tests fill a DLQ, the async failure queue and the
   * analytics failure queue, then repair them). The handlers themselves are unchanged.
   */
  readonly rig?: {
    readonly worker?: (tenant: string, handler: WorkerFunction) => WorkerFunction;
    readonly streamConsumer?: (handler: StreamConsumerFunction) => StreamConsumerFunction;
  };
}

export type WorkerFunction = ReturnType<typeof composeWorker>;
export type StreamConsumerFunction = ReturnType<typeof composeStream>;

/**
 * What `npm start` writes to `.local/<stack>.endpoints.json` and `npm run ops -- --local` reads: the local
 * servers' endpoints and the resource names, in the shape of the Pulumi stack's outputs (components/stack.ts),
 * so the operator commands resolve a local run and a deployed stack alike.
 */
export interface LocalEndpointsFile {
  readonly stack: string;
  /** The `npm start` process; ops refuses a file whose process is gone (a run killed before it could remove it). */
  readonly pid: number;
  readonly region: string;
  readonly endpoints: { readonly dynamodb: string; readonly kinesis: string; readonly sqs: string; readonly s3: string; readonly lambda: string; readonly status: string };
  readonly eventsTable: string;
  /** The bodies bucket (claim check): path-style on the s3 endpoint, signed with LOCAL_S3_CREDENTIALS. */
  readonly bodiesBucket: string;
  readonly analyticsStream: string;
  readonly queues: { readonly tenants: Record<string, { queue: string; dlq: string; asyncFailures: string }>; readonly analyticsFailures: string };
  readonly functions: { readonly tenants: Record<string, { ingest: string; worker: string }>; readonly streamConsumer: string };
}


export interface LocalPipeline {
  readonly port: number;
  url(tenant: string): string;
  /** The servers (SQS: behind its rules proxy, as AWS answers), never the --fail proxies. */
  readonly endpoints: { readonly dynamodb: string; readonly kinesis: string; readonly sqs: string; readonly s3: string };
  readonly names: { readonly table: string; readonly bodiesBucket: string; readonly analyticsStream: string; readonly streamFailureQueueUrl: string; readonly tenants: Readonly<Record<string, TenantResources>> };
  status(): Promise<PipelineStatus>;
  /** Per faulty service: calls forwarded and faults injected (empty without --fail). */
  readonly faults: Readonly<Record<string, FaultProxy["stats"]>>;
  /** The endpoints file's content (see LocalEndpointsFile). */
  endpointsFile(pid?: number): LocalEndpointsFile;
  /** Stops taking requests, drains in-flight work, stops every server. */
  stop(): Promise<void>;
}

const clientBase = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };

async function startServers(): Promise<{ dynamodb: RunningServer; kinesis: RunningServer; sqs: RunningServer; s3: RunningServer }> {
  const started = await Promise.allSettled([startDynamoDbLocal(), startKinesalite(), startSqs(), startS3()]);
  const failure = started.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failure) {
    await Promise.all(started.map((result) => (result.status === "fulfilled" ? result.value.stop() : undefined)));
    throw failure.reason;
  }
  const [dynamodb, kinesis, sqs, s3] = started.map((result) => (result as PromiseFulfilledResult<RunningServer>).value) as [RunningServer, RunningServer, RunningServer, RunningServer];
  return { dynamodb, kinesis, sqs, s3 };
}

export async function startLocalPipeline(options: LocalPipelineOptions): Promise<LocalPipeline> {
  const { config, logger } = options;
  const timing: LocalTiming = { ...AWS_TIMING, ...options.timing };
  const prefix = `webhooks-${config.stack}`;
  const servers = await startServers();
  const stoppables: (() => Promise<void>)[] = [() => servers.dynamodb.stop(), () => servers.kinesis.stop(), () => servers.sqs.stop(), () => servers.s3.stop()];
  const destroyables: { destroy(): void }[] = [];
  let stopped: Promise<void> | undefined;
  // Idempotent: a second stop (a test's after(), a second signal) waits for the first.
  const stopAll = () =>
    (stopped ??= (async () => {
      for (const stop of [...stoppables].reverse()) await stop().catch((error: Error) => logger.error({ reason: error.message }, "stop failed"));
      for (const client of destroyables) client.destroy();
    })());

  try {
    // SQS's own message rules (1 MiB, its character set) are enforced in front of local-aws-sqs, which checks
    // neither exactly, and its visible count is corrected, so the local pipeline fails and counts where AWS would
    // (see sqsRules.ts). Everything speaks to SQS through it: setup, the status page, operators and tests.
    const sqsRules = await startSqsRulesProxy({ target: servers.sqs.endpoint });
    stoppables.push(() => sqsRules.stop());
    const sqsEndpoint = sqsRules.endpoint;
    // Setup and the status page talk to the servers directly (SQS through its rules proxy); the handlers and the
    // emulated event sources go through the fault proxies when --fail asks for them.
    const direct = {
      dynamodb: new DynamoDBClient({ ...clientBase, endpoint: servers.dynamodb.endpoint }),
      kinesis: new KinesisClient({ ...clientBase, endpoint: servers.kinesis.endpoint, requestHandler: new NodeHttpHandler() }),
      sqs: new SQSClient({ ...clientBase, endpoint: sqsEndpoint }),
      s3: new S3Client({ region: LOCAL_REGION, credentials: LOCAL_S3_CREDENTIALS, endpoint: servers.s3.endpoint, forcePathStyle: true }),
    };
    destroyables.push(direct.dynamodb, direct.kinesis, direct.sqs, direct.s3);

    const proxies: Partial<Record<FaultService, FaultProxy>> = {};
    const endpointFor = async (service: FaultService, server: RunningServer) => {
      const rate = options.fail?.[service] ?? 0;
      const target = service === "sqs" ? sqsEndpoint : server.endpoint;
      if (rate <= 0) return target;
      const proxy = await startFaultProxy({ service, target, rate });
      proxies[service] = proxy;
      stoppables.push(() => proxy.stop());
      return proxy.endpoint;
    };
    const via = {
      dynamodb: await endpointFor("dynamodb", servers.dynamodb),
      kinesis: await endpointFor("kinesis", servers.kinesis),
      sqs: await endpointFor("sqs", servers.sqs),
      s3: await endpointFor("s3", servers.s3),
    };
    // The clients the functions and event sources use (through the fault proxies when --fail names the service);
    // one per service, as a Lambda container holds one at module scope.
    const viaProxies = {
      dynamodb: new DynamoDBClient({ ...clientBase, endpoint: via.dynamodb }),
      streams: new DynamoDBStreamsClient({ ...clientBase, endpoint: via.dynamodb }),
      kinesis: new KinesisClient({ ...clientBase, endpoint: via.kinesis, requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 10_000 }) }),
      sqs: new SQSClient({ ...clientBase, endpoint: via.sqs }),
      s3: new S3Client({ region: LOCAL_REGION, credentials: LOCAL_S3_CREDENTIALS, endpoint: via.s3, forcePathStyle: true }),
    };
    destroyables.push(viaProxies.dynamodb, viaProxies.streams, viaProxies.kinesis, viaProxies.sqs, viaProxies.s3);

    const tableName = `${prefix}-events`;
    const analyticsStream = `${prefix}-analytics`;
    // The bodies bucket (components/bodyStore.ts); its lifecycle rule is not emulated (the server is in memory
    // for one run), nor its TLS-only policy (everything here is plain HTTP on 127.0.0.1).
    const bodiesBucket = `${prefix}-bodies`;
    await direct.s3.send(new CreateBucketCommand({ Bucket: bodiesBucket }));
    const streamArn = await createEventsTable(direct.dynamodb, tableName);
    await createAnalyticsStream(direct.kinesis, analyticsStream, config.analyticsShards);
    const streamFailures = await createQueue(direct.sqs, `${prefix}-analytics-failures`, { MessageRetentionPeriod: String(FAILURE_QUEUE.messageRetentionSeconds) });
    const tenants: Record<string, TenantResources> = {};
    for (const tenant of config.tenants) {
      tenants[tenant.id] = await createTenantQueues(direct.sqs, prefix, tenant, tenantVisibilityTimeoutSeconds(timing, tenant));
    }

    const counters = new HandlerCounters();
    const metricsNamespace = metricsNamespaceOf(config.stack);
    const hosted = new Map<string, HostedFunction>();
    const sqsMappings: SqsEventSourceMapping[] = [];
    const asyncInvokers = new Map<string, AsyncInvoker>();
    const functionArn = (name: string) => `arn:aws:lambda:${LOCAL_REGION}:000000000000:function:${prefix}-${name}`;

    // The function URLs' address is known before the handlers are composed: Twilio signs the URL it posts to,
    // and ingest rebuilds it from PUBLIC_BASE_URL (never from a request header).
    const port = options.port || (await freePort());
    const publicBaseUrl = `http://127.0.0.1:${port}`;
    for (const tenant of config.tenants) {
      const resources = tenants[tenant.id]!;
      const tenantLogger = logger.child({ function: `${tenant.id}-ingest` });
      const ingest = composeIngest(
        ingestEnvironment(tenant, { queueUrl: resources.queueUrl, secrets: { secretsFile: options.secretsFile }, metricsNamespace, publicBaseUrl, bodyBucket: bodiesBucket }),
        { sqs: viaProxies.sqs, secretsManager: () => { throw new Error("the local pipeline reads secrets from a file"); }, s3: () => viaProxies.s3 },
        tenantLogger,
        counters.sink,
      );
      hosted.set(tenant.id, { handler: ingest, reservedConcurrency: tenant.ingestConcurrency, timeoutSeconds: INGEST.timeoutSeconds });

      // The worker's reserved concurrency, shared by its SQS mapping and its asynchronous invocations.
      const workerConcurrency = new ReservedConcurrency(tenant.workerConcurrency);
      const composedWorker = composeWorker(workerEnvironment(tenant, { tableName, metricsNamespace }), viaProxies.dynamodb, logger.child({ function: `${tenant.id}-worker` }), counters.sink);
      const worker = options.rig?.worker?.(tenant.id, composedWorker) ?? composedWorker;
      const mapping = new SqsEventSourceMapping({
        client: viaProxies.sqs,
        queueUrl: resources.queueUrl,
        queueArn: resources.queueArn,
        handler: worker,
        batchSize: WORKER.batchSize,
        maximumBatchingWindowSeconds: tenant.batchWindowSeconds,
        // tenantPipeline.ts sets the mapping's maximumConcurrency to the worker's reserved concurrency.
        maximumConcurrency: tenant.workerConcurrency,
        functionTimeoutSeconds: WORKER.timeoutSeconds,
        concurrency: workerConcurrency,
        logger: logger.child({ mapping: `${tenant.id}-worker` }),
      });
      sqsMappings.push(mapping);
      asyncInvokers.set(
        tenant.id,
        new AsyncInvoker({
          functionArn: functionArn(`${tenant.id}-worker`),
          handler: worker as never,
          maximumRetryAttempts: WORKER_ASYNC.maximumRetryAttempts,
          maximumEventAgeSeconds: WORKER_ASYNC.maximumEventAgeSeconds,
          concurrency: workerConcurrency,
          functionTimeoutSeconds: WORKER.timeoutSeconds,
          onFailure: async (record) => {
            await viaProxies.sqs.send(new SendMessageCommand({ QueueUrl: resources.asyncFailureQueueUrl, MessageBody: JSON.stringify(record) }));
          },
          retryDelayMs: timing.asyncRetryDelayMs,
          logger: logger.child({ function: `${tenant.id}-worker`, invocation: "async" }),
        }),
      );
    }

    const composedConsumer = composeStream(streamConsumerEnvironment({ streamName: analyticsStream, metricsNamespace }), viaProxies.kinesis, logger.child({ function: "analytics-consumer" }), counters.sink);
    const consumer = options.rig?.streamConsumer?.(composedConsumer) ?? composedConsumer;
    const streamMapping = new DynamoStreamEventSourceMapping({
      client: viaProxies.streams,
      streamArn,
      functionArn: functionArn("analytics-consumer"),
      handler: consumer,
      batchSize: STREAM_CONSUMER.batchSize,
      maximumBatchingWindowSeconds: STREAM_CONSUMER.maximumBatchingWindowSeconds,
      maximumRetryAttempts: STREAM_CONSUMER.maximumRetryAttempts,
      maximumRecordAgeSeconds: STREAM_CONSUMER.maximumRecordAgeSeconds,
      bisectBatchOnFunctionError: STREAM_CONSUMER.bisectBatchOnFunctionError,
      filterPattern: STREAM_CONSUMER.filterPattern,
      functionTimeoutSeconds: STREAM_CONSUMER.timeoutSeconds,
      concurrency: new ReservedConcurrency(config.streamConcurrency),
      onFailure: async (record) => {
        await viaProxies.sqs.send(new SendMessageCommand({ QueueUrl: streamFailures.url, MessageBody: JSON.stringify(record) }));
      },
      retryDelayMs: timing.streamRetryDelayMs,
      logger: logger.child({ mapping: "analytics-consumer" }),
    });

    const readBack = new KinesisReadBack(direct.kinesis, analyticsStream);
    const status = async (): Promise<PipelineStatus> => {
      await readBack.catchUp();
      const result: PipelineStatus["tenants"] = {};
      for (const tenant of config.tenants) {
        const [stored, dlq] = await Promise.all([countStored(direct.dynamodb, tableName, tenant.id), queueDepth(direct.sqs, tenants[tenant.id]!.dlqUrl)]);
        result[tenant.id] = { ...counters.of(tenant.id), stored, published: readBack.published(tenant.id), dlq };
      }
      return { tenants: result };
    };

    const invokeWorkerAsync = (tenant: string, payload: unknown) => {
      const invoker = asyncInvokers.get(tenant);
      if (!invoker) throw new Error(`no tenant '${tenant}'`);
      return invoker.invoke(payload);
    };

    const localRoutes = makeLocalRoutes({ status, invokeWorkerAsync, hasWorker: (tenant) => asyncInvokers.has(tenant), functionPrefix: prefix });

    const urlServer: FunctionUrlServer = await startFunctionUrlServer(hosted, port, localRoutes);
    for (const mapping of sqsMappings) mapping.start();
    streamMapping.start();

    // Stop order: no new requests, then drain the workers and async invocations, then the stream consumer, then
    // the proxies and servers.
    stoppables.push(async () => {
      await streamMapping.stop();
    });
    stoppables.push(async () => {
      await Promise.all([...sqsMappings.map((mapping) => mapping.stop()), ...[...asyncInvokers.values()].map((invoker) => invoker.stop())]);
    });
    stoppables.push(() => urlServer.close());

    return {
      port: urlServer.port,
      url: (tenant) => urlServer.url(tenant),
      endpoints: { dynamodb: servers.dynamodb.endpoint, kinesis: servers.kinesis.endpoint, sqs: sqsEndpoint, s3: servers.s3.endpoint },
      names: { table: tableName, bodiesBucket, analyticsStream, streamFailureQueueUrl: streamFailures.url, tenants },
      status,
      faults: Object.fromEntries(Object.entries(proxies).map(([service, proxy]) => [service, proxy.stats])),
      endpointsFile: (pid = process.pid) => ({
        stack: config.stack,
        pid,
        region: LOCAL_REGION,
        // The servers themselves (SQS behind its rules proxy), never the --fail proxies: an operator's command must
        // not meet injected faults.
        endpoints: {
          dynamodb: servers.dynamodb.endpoint,
          kinesis: servers.kinesis.endpoint,
          sqs: sqsEndpoint,
          s3: servers.s3.endpoint,
          lambda: `http://127.0.0.1:${urlServer.port}/_local/lambda`,
          status: `http://127.0.0.1:${urlServer.port}/_local/status`,
        },
        eventsTable: tableName,
        bodiesBucket,
        analyticsStream,
        queues: {
          tenants: Object.fromEntries(config.tenants.map((tenant) => [tenant.id, { queue: tenants[tenant.id]!.queueUrl, dlq: tenants[tenant.id]!.dlqUrl, asyncFailures: tenants[tenant.id]!.asyncFailureQueueUrl }])),
          analyticsFailures: streamFailures.url,
        },
        // The names the Lambda functions get on AWS; the local Invoke route accepts them.
        functions: {
          tenants: Object.fromEntries(config.tenants.map((tenant) => [tenant.id, { ingest: `${prefix}-${tenant.id}-ingest`, worker: `${prefix}-${tenant.id}-worker` }])),
          streamConsumer: `${prefix}-analytics-consumer`,
        },
      }),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

