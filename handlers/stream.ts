// Lambda entry point of the analytics fan-out (DynamoDB stream event source with ReportBatchItemFailures).
import { setTimeout as sleep } from "node:timers/promises";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { KinesisPublisher } from "./adapters/kinesis";
import { readStreamEnv } from "./env";
import { createLogger, metricsNamespace, stdoutMetricSink } from "./observability";
import { makeStreamHandler } from "./streamHandler";
import { STREAM_RETRY } from "./retry";

const env = readStreamEnv(process.env);

// PutRecords over HTTP/1.1 with keep-alive: the client's default HTTP/2 handler is only needed for
// SubscribeToShard, and HTTP/1.1 also works against local Kinesis emulators.
const kinesis = new KinesisClient({ requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 10_000 }) });

export const handler = makeStreamHandler({
  kinesis: new KinesisPublisher(kinesis, env.streamName),
  retry: { ...STREAM_RETRY, sleep: (ms) => sleep(ms).then(() => undefined), random: Math.random },
  now: Date.now,
  logger: createLogger(),
  metrics: stdoutMetricSink,
  namespace: metricsNamespace(),
});
