// The AWS service metrics this stack alarms on or charts, as AWS documents them: namespace, metric name, the
// dimension names it is published under, and the page that says so. Alarm helpers only accept metrics from this
// table (see `awsMetric`), and test/contract/metrics.test.ts checks every AWS/* alarm of the plan against it: an
// alarm on a metric or dimension set AWS does not publish would sit in INSUFFICIENT_DATA forever, silently.
// No Pulumi import: the tests read it alone.

const LAMBDA_FUNCTION_METRICS = "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html";
const LAMBDA_URL_METRICS = "https://docs.aws.amazon.com/lambda/latest/dg/urls-monitoring.html";
const SQS_METRICS = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html";
const DYNAMODB_METRICS = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html";
const KINESIS_METRICS = "https://docs.aws.amazon.com/streams/latest/dev/monitoring-with-cloudwatch.html";

export const AWS_METRICS = {
  "AWS/Lambda": {
    /** Invocations that ended in a function error (thrown, crashed, timed out). */
    Errors: { dimensions: ["FunctionName"], doc: LAMBDA_FUNCTION_METRICS },
    /** Invocation requests refused for lack of concurrency (reserved concurrency reached). */
    Throttles: { dimensions: ["FunctionName"], doc: LAMBDA_FUNCTION_METRICS },
    /** Age of the last record of a stream event source batch when the function got it (ms). */
    IteratorAge: { dimensions: ["FunctionName"], doc: LAMBDA_FUNCTION_METRICS },
    /** Records Lambda could not send to an async invocation's or an event source mapping's on-failure destination. */
    DestinationDeliveryFailures: { dimensions: ["FunctionName"], doc: LAMBDA_FUNCTION_METRICS },
    /** Function URL responses with a 5xx status: function errors and timeouts, and 5xx the function returned. */
    Url5xxCount: { dimensions: ["FunctionName"], doc: LAMBDA_URL_METRICS },
    /** Function URL responses with a 4xx status (rejected webhooks, throttled requests). */
    Url4xxCount: { dimensions: ["FunctionName"], doc: LAMBDA_URL_METRICS },
  },
  "AWS/SQS": {
    ApproximateNumberOfMessagesVisible: { dimensions: ["QueueName"], doc: SQS_METRICS },
    ApproximateAgeOfOldestMessage: { dimensions: ["QueueName"], doc: SQS_METRICS },
  },
  "AWS/DynamoDB": {
    /**
     * Requests with any throttled part, the table's or a global secondary index's write (a throttled index write
     * rejects the PutItem too), counted once per request. WriteThrottleEvents with TableName alone leaves out
     * index throttles.
     */
    ThrottledRequests: { dimensions: ["TableName", "Operation"], doc: DYNAMODB_METRICS },
  },
  "AWS/Kinesis": {
    WriteProvisionedThroughputExceeded: { dimensions: ["StreamName"], doc: KINESIS_METRICS },
  },
} as const;

export type AwsNamespace = keyof typeof AWS_METRICS;
export type AwsMetricName<N extends AwsNamespace> = keyof (typeof AWS_METRICS)[N] & string;

/** The documented dimension names of a metric, or undefined when the table does not list it. */
export function documentedDimensions(namespace: string, metricName: string): readonly string[] | undefined {
  const metrics = (AWS_METRICS as Record<string, Record<string, { dimensions: readonly string[] }> | undefined>)[namespace];
  return metrics?.[metricName]?.dimensions;
}
