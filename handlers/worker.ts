// Lambda entry point of every tenant's worker (SQS event source with ReportBatchItemFailures).
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { composeWorker } from "./compose/worker";
import { createLogger, stdoutMetricSink } from "./observability";

// A bad environment throws at init: the batch returns to the queue, and the Errors alarm fires.
export const handler = composeWorker(process.env, new DynamoDBClient({}), createLogger(), stdoutMetricSink);
