// Every alarm of the project goes through here, so each has an action, an OK action, an explicit
// treatMissingData, M-of-N datapoints, and a description that names its RUNBOOK.md section.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface AlarmSpec {
  /** What it means when this fires, in one sentence. */
  readonly meaning: string;
  /** Anchor of the RUNBOOK.md section (its heading, lower-cased with dashes). */
  readonly runbook: string;
  readonly namespace: pulumi.Input<string>;
  readonly metricName: string;
  readonly dimensions: pulumi.Input<Record<string, pulumi.Input<string>>>;
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

export const RUNBOOK_URL = "RUNBOOK.md";

export function createAlarm(name: string, spec: AlarmSpec, topicArn: pulumi.Input<string>, parent: pulumi.Resource): aws.cloudwatch.MetricAlarm {
  return new aws.cloudwatch.MetricAlarm(
    name,
    {
      alarmDescription: `${spec.meaning} Runbook: ${RUNBOOK_URL}#${spec.runbook}`,
      namespace: spec.namespace,
      metricName: spec.metricName,
      dimensions: spec.dimensions,
      statistic: spec.statistic,
      threshold: spec.threshold,
      period: spec.periodSeconds,
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm,
      comparisonOperator: spec.comparison ?? "GreaterThanOrEqualToThreshold",
      treatMissingData: spec.treatMissingData,
      alarmActions: [topicArn],
      okActions: [topicArn],
    },
    { parent },
  );
}

/** A queue that should stay empty (DLQ, failure destination): any visible message for two 5-minute periods. */
export function queueNotEmpty(meaning: string, runbook: string, queueName: pulumi.Input<string>): AlarmSpec {
  return {
    meaning,
    runbook,
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesVisible",
    dimensions: { QueueName: queueName },
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
  meaning: string,
  runbook: string,
  metric: { namespace: pulumi.Input<string>; metricName: string; dimensions: pulumi.Input<Record<string, pulumi.Input<string>>> },
  overrides: Partial<Pick<AlarmSpec, "threshold" | "periodSeconds" | "datapointsToAlarm" | "evaluationPeriods">> = {},
): AlarmSpec {
  return {
    meaning,
    runbook,
    ...metric,
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
export function ageAlarm(
  meaning: string,
  runbook: string,
  metric: { namespace: pulumi.Input<string>; metricName: string; dimensions: pulumi.Input<Record<string, pulumi.Input<string>>> },
  threshold: number,
): AlarmSpec {
  return { meaning, runbook, ...metric, statistic: "Maximum", threshold, periodSeconds: 60, datapointsToAlarm: 5, evaluationPeriods: 5, treatMissingData: "notBreaching" };
}

/** Lambda Errors (or Throttles) on a function. */
export function lambdaMetric(meaning: string, runbook: string, metricName: "Errors" | "Throttles", functionName: pulumi.Input<string>): AlarmSpec {
  return countAlarm(meaning, runbook, { namespace: "AWS/Lambda", metricName, dimensions: { FunctionName: functionName } });
}
