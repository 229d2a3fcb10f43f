// The stack's invariants as plain functions, so they are unit-tested offline against the resources the program
// creates under mocks; policy/index.ts wraps them in a Pulumi PolicyPack.

export interface ResourceUnderTest {
  readonly type: string;
  /** Logical name. */
  readonly name: string;
  /** Type of the parent component, null at the top. */
  readonly parentType: string | null;
  readonly props: Record<string, unknown>;
}

export interface Rule {
  readonly name: string;
  readonly description: string;
  /** Messages of every violation; empty when the resource complies. */
  check(resource: ResourceUnderTest): string[];
}

/** Queues that are themselves where failures land need no DLQ of their own. */
const isFailureSink = (name: string) => /-(dlq|failures|async-failures)$/.test(name);

function parsePolicy(policy: unknown): { Action?: unknown; Resource?: unknown }[] {
  const document = typeof policy === "string" ? JSON.parse(policy) : policy;
  const statements = (document as { Statement?: unknown })?.Statement;
  return Array.isArray(statements) ? statements : statements ? [statements as object] : [];
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

export const rules: readonly Rule[] = [
  {
    name: "functions-have-reserved-concurrency",
    description: "Every Lambda function has reserved concurrency (tenant isolation).",
    check: (r) =>
      r.type === "aws:lambda/function:Function" && !(typeof r.props.reservedConcurrentExecutions === "number" && r.props.reservedConcurrentExecutions > 0)
        ? [`${r.name}: reservedConcurrentExecutions must be a positive number`]
        : [],
  },
  {
    name: "queues-have-dlq",
    description: "Every SQS queue that is not itself a dead-letter or failure queue has a redrive policy.",
    check: (r) => {
      if (r.type !== "aws:sqs/queue:Queue" || isFailureSink(r.name)) return [];
      if (r.props.redrivePolicy === undefined) return [`${r.name}: queue has no redrive policy (DLQ)`];
      if (typeof r.props.redrivePolicy !== "string") return []; // unknown until the DLQ exists (preview)
      const redrive = JSON.parse(r.props.redrivePolicy) as { maxReceiveCount?: number };
      return (redrive.maxReceiveCount ?? 0) >= 5 ? [] : [`${r.name}: maxReceiveCount must be at least 5`];
    },
  },
  {
    name: "alarms-have-actions",
    description: "Every CloudWatch alarm notifies on ALARM and on OK.",
    check: (r) => {
      if (r.type !== "aws:cloudwatch/metricAlarm:MetricAlarm") return [];
      const problems: string[] = [];
      if (asList(r.props.alarmActions).length === 0) problems.push(`${r.name}: alarm has no alarmActions`);
      if (asList(r.props.okActions).length === 0) problems.push(`${r.name}: alarm has no okActions`);
      if (r.props.treatMissingData === undefined) problems.push(`${r.name}: alarm does not choose treatMissingData`);
      return problems;
    },
  },
  {
    name: "no-wildcard-iam",
    description: "IAM policies name their actions and resources: no '*' action, no '*' resource.",
    check: (r) => {
      if (r.type !== "aws:iam/rolePolicy:RolePolicy" && r.type !== "aws:iam/policy:Policy") return [];
      if (typeof r.props.policy !== "string" && typeof r.props.policy !== "object") return [];
      const problems: string[] = [];
      for (const statement of parsePolicy(r.props.policy)) {
        for (const action of asList(statement.Action)) if (typeof action === "string" && action.includes("*")) problems.push(`${r.name}: wildcard action ${action}`);
        for (const resource of asList(statement.Resource)) if (resource === "*") problems.push(`${r.name}: wildcard resource`);
      }
      return problems;
    },
  },
  {
    name: "urls-only-on-ingest",
    description: "Function URLs exist only on tenants' ingest functions.",
    check: (r) =>
      r.type === "aws:lambda/functionUrl:FunctionUrl" && !(r.parentType === "webhooks:tenant:TenantPipeline" && r.name.endsWith("-url"))
        ? [`${r.name}: a function URL outside a TenantPipeline's ingest function`]
        : [],
  },
];

/** The parent component's type from a URN (`...::parentType$childType::name`). */
export function parentTypeFromUrn(urn: string, type: string): string | null {
  const qualified = urn.split("::")[2] ?? "";
  const chain = qualified.split("$");
  chain.pop();
  const parent = chain.pop();
  return parent && parent !== "pulumi:pulumi:Stack" && parent !== type ? parent : null;
}
