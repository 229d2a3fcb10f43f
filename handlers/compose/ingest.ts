// Wires the ingest handler from its environment and SDK clients. The Lambda entry (../ingest.ts) and the local
// pipeline both call this, so what runs locally is the deployed composition, not a copy of it.
import type { S3Client } from "@aws-sdk/client-s3";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { S3BodyStore } from "../adapters/s3";
import { CachedSecrets, FileSecretSource, SecretsManagerSource } from "../adapters/secrets";
import { SqsEventQueue } from "../adapters/sqs";
import { createVerifier } from "../core/verify/registry";
import { ConfigError } from "../core/errors";
import { ENV, readIngestEnv } from "../env";
import { makeIngestHandler } from "../ingestHandler";
import { emfLine, metricsNamespace, type Logger, type MetricSink } from "../observability";

export interface IngestClients {
  readonly sqs: SQSClient;
  /** Created only when the environment names a Secrets Manager secret. */
  readonly secretsManager: () => SecretsManagerClient;
  /** Created only when the environment names a bodies bucket. */
  readonly s3?: () => S3Client;
}

/** Throws ConfigError on a bad environment. */
export function composeIngest(env: NodeJS.ProcessEnv, clients: IngestClients, logger: Logger, metrics: MetricSink, now: () => number = Date.now) {
  const settings = readIngestEnv(env);
  const verifier = createVerifier(settings.verifier);
  const source = settings.secretId ? new SecretsManagerSource(clients.secretsManager(), settings.secretId) : new FileSecretSource(settings.secretsFile!, settings.settings.tenant);
  const tenant = settings.settings.tenant;
  const namespace = metricsNamespace(env);
  const keys = new CachedSecrets(
    source,
    (secrets) => verifier.prepare(secrets),
    settings.secretsTtlMs,
    ({ error, staleForMs }) => {
      logger.warn({ tenant, alarm: "StaleSecrets", staleForSeconds: Math.round(staleForMs / 1000), reason: (error as Error).message }, "secrets refresh failed; serving the last good keys");
      metrics(emfLine({ namespace, dimensions: { Tenant: tenant }, values: { StaleSecrets: 1 }, timestampMs: now() }));
    },
    settings.secretsMaxStaleMs,
  );
  const bucket = settings.settings.bodyBucket;
  if (bucket !== undefined && !clients.s3) throw new ConfigError(`${ENV.bodyBucket} is set but no S3 client was given`);
  return makeIngestHandler({
    settings: settings.settings,
    verifier,
    keys,
    queue: new SqsEventQueue(clients.sqs, settings.queueUrl),
    ...(bucket !== undefined ? { bodies: new S3BodyStore(clients.s3!()) } : {}),
    now,
    logger,
    metrics,
    namespace,
  });
}
