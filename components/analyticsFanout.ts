// Analytics: the encrypted Kinesis stream, the DynamoDB-stream consumer that feeds it, its event source
// mapping (INSERTs only, bisect on error, bounded retries and record age, partial batch responses) and the
// on-failure destination queue that keeps what could never be published.
// https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { streamConsumerEnvironment } from "./functionEnvironment";
import { NodeFunction } from "./nodeFunction";
import { FAILURE_QUEUE, STREAM_CONSUMER } from "./settings";

export interface AnalyticsFanoutArgs {
  /** The events table's ARN. */
  readonly tableArn: pulumi.Input<string>;
  /** The events table's stream ARN. */
  readonly tableStreamArn: pulumi.Input<string>;
  /** Provisioned shards of the analytics stream. */
  readonly shards: pulumi.Input<number>;
  /** Reserved concurrency of the consumer. */
  readonly reservedConcurrency: pulumi.Input<number>;
  readonly logRetentionDays: pulumi.Input<number>;
  /** The consumer's log group name (components/naming.ts). */
  readonly logGroupName: pulumi.Input<string>;
  /** CloudWatch namespace of the handlers' EMF metrics. */
  readonly metricsNamespace: pulumi.Input<string>;
}

export class AnalyticsFanout extends pulumi.ComponentResource {
  public readonly stream: aws.kinesis.Stream;
  public readonly consumer: NodeFunction;
  public readonly mapping: aws.lambda.EventSourceMapping;
  public readonly failureQueue: aws.sqs.Queue;
  public readonly streamName: pulumi.Output<string>;

  constructor(name: string, args: AnalyticsFanoutArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webhooks:analytics:AnalyticsFanout", name, {}, opts);

    this.stream = new aws.kinesis.Stream(
      `${name}-stream`,
      {
        shardCount: args.shards,
        streamModeDetails: { streamMode: "PROVISIONED" },
        encryptionType: "KMS",
        kmsKeyId: "alias/aws/kinesis",
        retentionPeriod: 24,
      },
      { parent: this },
    );

    this.failureQueue = new aws.sqs.Queue(
      `${name}-failures`,
      { messageRetentionSeconds: FAILURE_QUEUE.messageRetentionSeconds, sqsManagedSseEnabled: true },
      { parent: this },
    );

    this.consumer = new NodeFunction(
      `${name}-consumer`,
      {
        handler: "stream",
        description: "webhooks: DynamoDB stream -> Kinesis analytics fan-out",
        environment: streamConsumerEnvironment({ streamName: this.stream.name, metricsNamespace: args.metricsNamespace }),
        reservedConcurrency: args.reservedConcurrency,
        timeoutSeconds: STREAM_CONSUMER.timeoutSeconds,
        memoryMb: STREAM_CONSUMER.memoryMb,
        logRetentionDays: args.logRetentionDays,
        logGroupName: args.logGroupName,
        statements: [
          { actions: ["kinesis:PutRecords"], resources: [this.stream.arn] },
          {
            actions: ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"],
            resources: [args.tableStreamArn, pulumi.interpolate`${args.tableArn}/stream/*`],
          },
          // The mapping's on-failure destination is written with the function's role.
          { actions: ["sqs:SendMessage"], resources: [this.failureQueue.arn] },
        ],
      },
      { parent: this },
    );

    this.mapping = new aws.lambda.EventSourceMapping(
      `${name}-mapping`,
      {
        eventSourceArn: args.tableStreamArn,
        functionName: this.consumer.arn,
        startingPosition: STREAM_CONSUMER.startingPosition,
        batchSize: STREAM_CONSUMER.batchSize,
        maximumBatchingWindowInSeconds: STREAM_CONSUMER.maximumBatchingWindowSeconds,
        bisectBatchOnFunctionError: STREAM_CONSUMER.bisectBatchOnFunctionError,
        maximumRetryAttempts: STREAM_CONSUMER.maximumRetryAttempts,
        maximumRecordAgeInSeconds: STREAM_CONSUMER.maximumRecordAgeSeconds,
        functionResponseTypes: ["ReportBatchItemFailures"],
        destinationConfig: { onFailure: { destinationArn: this.failureQueue.arn } },
        filterCriteria: { filters: [{ pattern: JSON.stringify(STREAM_CONSUMER.filterPattern) }] },
      },
      { parent: this, dependsOn: [this.consumer] },
    );

    this.streamName = this.stream.name;
    this.registerOutputs({ streamName: this.streamName, failureQueueUrl: this.failureQueue.url });
  }
}
