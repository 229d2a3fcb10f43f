// Names people type. Log groups get names on-call and the runbook can guess from the stack and tenant alone
// (`/aws/lambda/webhooks-<stack>-<tenant>-ingest`); the functions' loggingConfig points at them.
//
// The functions themselves stay auto-named (`tenant-acme-ingest-fn-1a2b3c4`): a Lambda function name is
// immutable, so an explicit one turns any rename into a delete-then-create (Pulumi cannot create the new one
// first while the old name is taken), during which the function URL, its permissions and the event source
// mapping are gone and senders get errors; auto-names let Pulumi create the replacement first. Names are also
// capped at 64 characters, which `webhooks-<stack>-<32-char tenant>-worker` could exceed. A log group holds no
// traffic, so its explicit name costs nothing on replacement but its history (kept by retention in the old
// group until it is deleted).
// https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html

export function logGroupNameOf(stack: string, role: string): string {
  return `/aws/lambda/webhooks-${stack}-${role}`;
}

export const tenantLogGroupName = (stack: string, tenant: string, fn: "ingest" | "worker") => logGroupNameOf(stack, `${tenant}-${fn}`);
export const consumerLogGroupName = (stack: string) => logGroupNameOf(stack, "stream-consumer");

/** The CloudWatch namespace of a stack's custom metrics (handlers/metrics.ts), read by its alarms and dashboards. */
export function metricsNamespaceOf(stack: string): string {
  return `Webhooks/${stack}`;
}
