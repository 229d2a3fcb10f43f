// Lambda entry point of every tenant's ingest function (function URL, payload format 2.0).
// SDK clients live at module scope: one per container, connections kept alive across invocations.
import { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { LambdaFunctionURLEvent } from "aws-lambda";
import { composeIngest } from "./compose/ingest";
import type { IngestResponse } from "./ingestHandler";
import { misconfiguredIngest } from "./misconfigured";
import { createLogger, stdoutMetricSink } from "./observability";

const logger = createLogger();

function build(): (event: LambdaFunctionURLEvent, context?: { awsRequestId?: string }) => Promise<IngestResponse> {
  try {
    return composeIngest(process.env, { sqs: new SQSClient({}), secretsManager: () => new SecretsManagerClient({}), s3: () => new S3Client({}) }, logger, stdoutMetricSink);
  } catch (error) {
    return misconfiguredIngest(error, process.env, logger, stdoutMetricSink);
  }
}

export const handler = build();
