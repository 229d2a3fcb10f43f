// Wires the worker from its environment and DynamoDB client; shared by the Lambda entry and the local pipeline.
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoEventStore } from "../adapters/dynamo";
import { readWorkerEnv } from "../env";
import { metricsNamespace, type Logger, type MetricSink } from "../observability";
import { makeWorkerHandler } from "../workerHandler";

/** Throws ConfigError on a bad environment. */
export function composeWorker(env: NodeJS.ProcessEnv, dynamodb: DynamoDBClient, logger: Logger, metrics: MetricSink, now: () => number = Date.now) {
  const settings = readWorkerEnv(env);
  return makeWorkerHandler({
    settings: settings.settings,
    store: new DynamoEventStore(dynamodb, settings.tableName),
    now,
    logger,
    metrics,
    namespace: metricsNamespace(env),
  });
}
