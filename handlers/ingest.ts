// Lambda entry point of every tenant's ingest function (function URL, payload format 2.0).
// SDK clients live at module scope: one per container, connections kept alive across invocations.
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { LambdaFunctionURLEvent } from "aws-lambda";
import { CachedSecrets, FileSecretSource, SecretsManagerSource } from "./adapters/secrets";
import { SqsEventQueue } from "./adapters/sqs";
import { createVerifier } from "./core/verify/registry";
import { readIngestEnv } from "./env";
import { makeIngestHandler, type IngestResponse } from "./ingestHandler";
import { createLogger, metricsNamespace, stdoutMetricSink } from "./observability";

const logger = createLogger();

function build(): (event: LambdaFunctionURLEvent, context?: { awsRequestId?: string }) => Promise<IngestResponse> {
  try {
    const env = readIngestEnv(process.env);
    const verifier = createVerifier(env.verifier);
    const source = env.secretId ? new SecretsManagerSource(new SecretsManagerClient({}), env.secretId) : new FileSecretSource(env.secretsFile!, env.settings.tenant);
    const keys = new CachedSecrets(source, (secrets) => verifier.prepare(secrets), env.secretsTtlMs, (error) =>
      logger.warn({ tenant: env.settings.tenant, reason: (error as Error).message }, "secrets refresh failed; serving cached keys"),
    );
    return makeIngestHandler({
      settings: env.settings,
      verifier,
      keys,
      queue: new SqsEventQueue(new SQSClient({}), env.queueUrl),
      now: Date.now,
      logger,
      metrics: stdoutMetricSink,
      namespace: metricsNamespace(),
    });
  } catch (error) {
    // A broken deployment fails closed: every request is a 500 and every one logs an alarm line.
    const message = (error as Error).message;
    return async () => {
      logger.error({ alarm: "IngestMisconfigured", reason: message }, "ingest function is misconfigured");
      return { statusCode: 500, headers: { "content-type": "application/json" }, body: JSON.stringify({ error: "misconfigured", message: "endpoint misconfigured" }) };
    };
  }
}

export const handler = build();
