// Every alarm of the project goes through here, so each has an action, an OK action, an explicit
// treatMissingData, M-of-N datapoints, a metric that is known to exist (a custom metric from the handlers'
// catalogue, or an AWS metric from the documented table), a dashboard panel, and a description with an absolute
// link to its runbook section.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PUBLISHED_METRICS, type PublishedMetric } from "../handlers/metrics";
import { AWS_METRICS, type AwsMetricName, type AwsNamespace } from "./awsMetrics";

/** One CloudWatch metric: where it lives and the dimension values that select the series. */
export interface MetricRef {
  readonly namespace: string;
  readonly metricName: string;
  /** Dimension name -> value. The names are plain strings so the dashboard and the tests can read them. */
  readonly dimensions: Readonly<Record<string, pulumi.Input<string>>>;
}

export interface AlarmSpec {
  /** What it means when this fires, in one sentence. */
  readonly meaning: string;
  /** Anchor of the RUNBOOK.md section (its heading, lower-cased with dashes). */
  readonly runbook: string;
  /** Title of the dashboard widget that charts this alarm's metric (alarms sharing a panel share a widget). */
  readonly panel: string;
  /** The metric alarmed on; for a metric math alarm, the metrics the expression reads, by id. */
  readonly metric: MetricRef;
  /** Metric math over `metric` (id `m0`) and `extraMetrics` (ids m1..), e.g. 5xx not explained by another alarm. */
  readonly math?: { readonly expression: string; readonly label: string; readonly extraMetrics: readonly MetricRef[] };
  readonly statistic: "Sum" | "Maximum" | "Average";
  readonly threshold: number;
  readonly periodSeconds: number;
  /** M of N: fire when `datapointsToAlarm` of the last `evaluationPeriods` periods breach. */
  readonly datapointsToAlarm: number;
  readonly evaluationPeriods: number;
  /** Missing data on an idle pipeline is normal, so most alarms treat it as not breaching. */
  readonly treatMissingData: "notBreaching" | "breaching" | "ignore" | "missing";
  readonly comparison?: "GreaterThanOrEqualToThreshold" | "GreaterThanThreshold";
}

/** Where alarm descriptions send on-call: an absolute URL per runbook section. */
export interface RunbookLinks {
  link(anchor: string): pulumi.Input<string>;
}

/** An alarm as created, with the spec it came from (the dashboard and the tests read the spec). */
export interface CreatedAlarm {
  readonly name: string;
  readonly spec: AlarmSpec;
  readonly alarm: aws.cloudwatch.MetricAlarm;
}

export interface AlarmContext {
  readonly topicArn: pulumi.Input<string>;
  readonly runbook: RunbookLinks;
  readonly parent: pulumi.Resource;
}

/** The alarm description: meaning first (it is what the email's subject line area shows), then the link. */
export function alarmDescription(spec: AlarmSpec, runbook: RunbookLinks): pulumi.Output<string> {
  return pulumi.interpolate`${spec.meaning} Runbook section "${spec.runbook}": ${runbook.link(spec.runbook)}`;
}

export function createAlarm(name: string, spec: AlarmSpec, context: AlarmContext): CreatedAlarm {
  const common = {
    alarmDescription: alarmDescription(spec, context.runbook),
    threshold: spec.threshold,
    evaluationPeriods: spec.evaluationPeriods,
    datapointsToAlarm: spec.datapointsToAlarm,
    comparisonOperator: spec.comparison ?? "GreaterThanOrEqualToThreshold",
    treatMissingData: spec.treatMissingData,
    alarmActions: [context.topicArn],
    okActions: [context.topicArn],
  };
  const args: aws.cloudwatch.MetricAlarmArgs = spec.math
    ? {
        ...common,
        metricQueries: [
          { id: "e0", expression: spec.math.expression, label: spec.math.label, returnData: true },
          ...[spec.metric, ...spec.math.extraMetrics].map((metric, index) => ({
            id: `m${index}`,
            returnData: false,
            metric: { namespace: metric.namespace, metricName: metric.metricName, dimensions: metric.dimensions, period: spec.periodSeconds, stat: spec.statistic },
          })),
        ],
      }
    : {
        ...common,
        namespace: spec.metric.namespace,
        metricName: spec.metric.metricName,
        dimensions: spec.metric.dimensions,
        statistic: spec.statistic,
        period: spec.periodSeconds,
      };
  return { name, spec, alarm: new aws.cloudwatch.MetricAlarm(name, args, { parent: context.parent }) };
}

type AwsDimensions<N extends AwsNamespace, M extends AwsMetricName<N>> = {
  readonly [K in ((typeof AWS_METRICS)[N][M] extends { dimensions: readonly (infer D extends string)[] } ? D : never)]: pulumi.Input<string>;
};

/** An AWS metric from the documented table (components/awsMetrics.ts): the compiler refuses any other. */
export function awsMetric<N extends AwsNamespace, M extends AwsMetricName<N>>(namespace: N, metricName: M, dimensions: AwsDimensions<N, M>): MetricRef {
  return { namespace, metricName, dimensions: dimensions as Record<string, pulumi.Input<string>> };
}

/**
 * A metric the handlers publish (handlers/metrics.ts). Throws at program time when the dimension names are not a
 * set the handlers publish the metric under: such an alarm would never see a datapoint.
 */
export function customMetric(namespace: string, metricName: PublishedMetric, dimensions: Readonly<Record<string, pulumi.Input<string>>>): MetricRef {
  const names = Object.keys(dimensions).sort().join(",");
  const published = PUBLISHED_METRICS[metricName] as readonly (readonly string[])[];
  if (!published.some((set) => [...set].sort().join(",") === names)) {
    throw new Error(`${metricName} is not published with dimensions [${names}] (handlers/metrics.ts lists ${published.map((s) => `[${s.join(",")}]`).join(" ")})`);
  }
  return { namespace, metricName, dimensions };
}

type Base = Pick<AlarmSpec, "meaning" | "runbook" | "panel">;

/** A queue that should stay empty (DLQ, failure destination): any visible message for two 5-minute periods. */
export function queueNotEmpty(base: Base, queueName: pulumi.Input<string>): AlarmSpec {
  return {
    ...base,
    metric: awsMetric("AWS/SQS", "ApproximateNumberOfMessagesVisible", { QueueName: queueName }),
    statistic: "Maximum",
    threshold: 1,
    periodSeconds: 300,
    datapointsToAlarm: 2,
    evaluationPeriods: 2,
    treatMissingData: "notBreaching",
  };
}

/**
 * A count that should stay at zero: at least one in 3 of the last 5 one-minute periods fires it. `overrides`
 * tunes the threshold or window for noisier metrics.
 */
export function countAlarm(
  base: Base,
  metric: MetricRef,
  overrides: Partial<Pick<AlarmSpec, "threshold" | "periodSeconds" | "datapointsToAlarm" | "evaluationPeriods" | "math">> = {},
): AlarmSpec {
  return {
    ...base,
    metric,
    statistic: "Sum",
    threshold: 1,
    periodSeconds: 60,
    datapointsToAlarm: 3,
    evaluationPeriods: 5,
    treatMissingData: "notBreaching",
    ...overrides,
  };
}

/** A level that should stay low (a queue's or a stream's age): over the threshold for 5 straight minutes. */
export function ageAlarm(base: Base, metric: MetricRef, threshold: number): AlarmSpec {
  return { ...base, metric, statistic: "Maximum", threshold, periodSeconds: 60, datapointsToAlarm: 5, evaluationPeriods: 5, treatMissingData: "notBreaching" };
}

/** A per-function Lambda count (Errors, Throttles, DestinationDeliveryFailures). */
export function lambdaCount(base: Base, metricName: "Errors" | "Throttles" | "DestinationDeliveryFailures", functionName: pulumi.Input<string>): AlarmSpec {
  return countAlarm(base, awsMetric("AWS/Lambda", metricName, { FunctionName: functionName }));
}
