// Lambda entry point of every tenant's worker (SQS event source with ReportBatchItemFailures).
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoEventStore } from "./adapters/dynamo";
import { readWorkerEnv } from "./env";
import { createLogger, metricsNamespace, stdoutMetricSink } from "./observability";
import { makeWorkerHandler } from "./workerHandler";

// A bad environment throws at init: the batch returns to the queue, and the Errors alarm fires.
const env = readWorkerEnv(process.env);

export const handler = makeWorkerHandler({
  settings: env.settings,
  store: new DynamoEventStore(new DynamoDBClient({}), env.tableName),
  now: Date.now,
  logger: createLogger(),
  metrics: stdoutMetricSink,
  namespace: metricsNamespace(),
});
