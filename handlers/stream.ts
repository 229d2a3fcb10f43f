// Lambda entry point of the analytics fan-out (DynamoDB stream event source with ReportBatchItemFailures).
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { composeStream } from "./compose/stream";
import { createLogger, stdoutMetricSink } from "./observability";

// PutRecords over HTTP/1.1 with keep-alive: the client's default HTTP/2 handler is only needed for
// SubscribeToShard, and HTTP/1.1 also works against local Kinesis emulators.
const kinesis = new KinesisClient({ requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 10_000 }) });

export const handler = composeStream(process.env, kinesis, createLogger(), stdoutMetricSink);
