// Lambda entry point of every tenant's ingest function (function URL, payload format 2.0).
// SDK clients live at module scope: one per container, connections kept alive across invocations.
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { LambdaFunctionURLEvent } from "aws-lambda";
import { composeIngest } from "./compose/ingest";
import type { IngestResponse } from "./ingestHandler";
import { createLogger, stdoutMetricSink } from "./observability";

const logger = createLogger();

function build(): (event: LambdaFunctionURLEvent, context?: { awsRequestId?: string }) => Promise<IngestResponse> {
  try {
    return composeIngest(process.env, { sqs: new SQSClient({}), secretsManager: () => new SecretsManagerClient({}) }, logger, stdoutMetricSink);
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
