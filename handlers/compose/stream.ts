// Wires the analytics stream consumer from its environment and Kinesis client; shared by the Lambda entry and
// the local pipeline.
import { setTimeout as sleep } from "node:timers/promises";
import type { KinesisClient } from "@aws-sdk/client-kinesis";
import { KinesisPublisher } from "../adapters/kinesis";
import { readStreamEnv } from "../env";
import { metricsNamespace, type Logger, type MetricSink } from "../observability";
import { STREAM_RETRY } from "../retry";
import { makeStreamHandler } from "../streamHandler";

/** Throws ConfigError on a bad environment. */
export function composeStream(env: NodeJS.ProcessEnv, kinesis: KinesisClient, logger: Logger, metrics: MetricSink, now: () => number = Date.now) {
  const settings = readStreamEnv(env);
  return makeStreamHandler({
    kinesis: new KinesisPublisher(kinesis, settings.streamName),
    retry: { ...STREAM_RETRY, sleep: (ms) => sleep(ms).then(() => undefined), random: Math.random },
    now,
    logger,
    metrics,
    namespace: metricsNamespace(env),
  });
}
