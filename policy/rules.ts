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

/**
 * Why an IAM resource is too wide, or undefined when it names one thing (or the sub-resources of one thing).
 * `*` alone, a wildcard partition, service, region or account (`arn:aws:kinesis:*:*:stream/*` is every stream
 * everywhere), and a wildcard in place of a resource's name (`stream/*`, `log-group:*`, `tenant-*`) are too wide.
 * A trailing `*` segment is allowed only after a resource type and a concrete name: the log streams of one log
 * group (`log-group:/aws/lambda/x:*`), the streams of one table (`table/events/stream/*`).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */
export function wildcardResourceProblem(resource: string): string | undefined {
  if (!resource.includes("*")) return undefined;
  if (resource === "*") return "every resource";
  const parts = resource.split(":");
  if (parts[0] !== "arn" || parts.length < 6) return "a wildcard outside an ARN";
  const [, partition, service, region, account] = parts;
  if ([partition, service, region, account].some((part) => part!.includes("*"))) return "wildcard partition, service, region or account";
  const segments = parts.slice(5).join(":").split(/[:/]/);
  const last = segments.length - 1;
  if (segments.some((segment, i) => segment.includes("*") && (i !== last || segment !== "*"))) return "a wildcard inside a name";
  const named = segments.slice(0, last).filter((segment) => segment !== "");
  return named.length >= 2 ? undefined : "a wildcard in place of the resource's name";
}

// The bodies bucket's invariants (components/bodyStore.ts): each setting is its own resource in the AWS provider,
// so each is checked where it is made, and the stack rule below checks every bucket has all of them.
const BUCKET_PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const BUCKET_ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const BUCKET_LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";
const BUCKET_OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls";
const PUBLIC_ACCESS_SWITCHES = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

/** All four switches on: no ACL or policy can make anything public. */
const blocksPublicAccess = (props: Record<string, unknown>) => PUBLIC_ACCESS_SWITCHES.filter((name) => props[name] !== true);

/** A Deny of every S3 action on requests without TLS (aws:SecureTransport false). */
function deniesInsecureTransport(policy: unknown): boolean {
  let statements: { Effect?: string; Action?: unknown; Principal?: unknown; Condition?: Record<string, Record<string, unknown>> }[];
  try {
    statements = parsePolicy(policy) as typeof statements;
  } catch {
    return false;
  }
  return statements.some((statement) => {
    const secure = statement.Condition?.Bool?.["aws:SecureTransport"];
    const principal = statement.Principal === "*" || asList((statement.Principal as { AWS?: unknown } | undefined)?.AWS).includes("*");
    return statement.Effect === "Deny" && principal && asList(statement.Action).includes("s3:*") && (secure === "false" || secure === false);
  });
}

const encrypts = (props: Record<string, unknown>) =>
  asList(props.rules).some((rule) => ["AES256", "aws:kms", "aws:kms:dsse"].includes(String((rule as { applyServerSideEncryptionByDefault?: { sseAlgorithm?: unknown } })?.applyServerSideEncryptionByDefault?.sseAlgorithm)));

const expires = (props: Record<string, unknown>) =>
  asList(props.rules).some((rule) => {
    const r = rule as { status?: unknown; expiration?: unknown };
    const days = (asList(r.expiration)[0] as { days?: unknown } | undefined)?.days;
    return r.status === "Enabled" && typeof days === "number" && days > 0;
  });

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
        for (const resource of asList(statement.Resource)) {
          const problem = typeof resource === "string" ? wildcardResourceProblem(resource) : undefined;
          if (problem) problems.push(`${r.name}: wildcard resource ${resource} (${problem})`);
        }
      }
      return problems;
    },
  },
  {
    name: "topics-not-under-aws-managed-keys",
    description:
      "No SNS topic of the stack is encrypted with an AWS-managed key (alias/aws/...): CloudWatch alarms and other AWS services cannot publish to it. " +
      "Checked per resource, so a preview of a new stack, where nothing has an ARN yet, catches it too.",
    check: (r) => (r.type === "aws:sns/topic:Topic" && isAwsManagedKeyAlias(r.props.kmsMasterKeyId) ? [`${r.name}: encrypted with the AWS-managed key ${String(r.props.kmsMasterKeyId)}, which CloudWatch cannot use`] : []),
  },
  {
    name: "kms-keys-rotate",
    description: "Customer-managed KMS keys rotate automatically.",
    check: (r) => (r.type === "aws:kms/key:Key" && r.props.enableKeyRotation !== true ? [`${r.name}: enableKeyRotation must be true`] : []),
  },
  {
    name: "alarms-link-runbook",
    description: "Every alarm description links its runbook section by an absolute https URL (a relative path cannot be opened from an email).",
    check: (r) =>
      r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && typeof r.props.alarmDescription === "string" && !/Runbook section "[a-z0-9-]+": https:\/\/\S+$/.test(r.props.alarmDescription)
        ? [`${r.name}: the description does not end in 'Runbook section "<anchor>": https://...'`]
        : [],
  },
  {
    name: "table-writes-confined-to-a-tenant",
    description: "A policy that allows dynamodb:PutItem confines it to one tenant's keys with a dynamodb:LeadingKeys condition.",
    check: (r) => {
      if (r.type !== "aws:iam/rolePolicy:RolePolicy" || (typeof r.props.policy !== "string" && typeof r.props.policy !== "object")) return [];
      const problems: string[] = [];
      for (const statement of parsePolicy(r.props.policy) as { Action?: unknown; Condition?: Record<string, Record<string, unknown>> }[]) {
        if (!asList(statement.Action).includes("dynamodb:PutItem")) continue;
        const leading = statement.Condition?.["ForAllValues:StringLike"]?.["dynamodb:LeadingKeys"] ?? statement.Condition?.["ForAllValues:StringEquals"]?.["dynamodb:LeadingKeys"];
        const patterns = asList(leading);
        if (patterns.length === 0 || patterns.some((p) => typeof p !== "string" || !/^[a-z0-9-]+#/.test(p))) {
          problems.push(`${r.name}: dynamodb:PutItem without a dynamodb:LeadingKeys condition naming one tenant's '<tenant>#' prefix`);
        }
      }
      return problems;
    },
  },
  {
    name: "buckets-block-public-access",
    description: "A bucket's public access block turns on all four switches (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html).",
    check: (r) => (r.type === BUCKET_PUBLIC_ACCESS_BLOCK ? blocksPublicAccess(r.props).map((name) => `${r.name}: ${name} must be true`) : []),
  },
  {
    name: "buckets-tls-only",
    description: "A bucket policy denies every S3 action to requests without TLS (aws:SecureTransport false).",
    check: (r) => (r.type === BUCKET_POLICY && r.props.policy !== undefined && !deniesInsecureTransport(r.props.policy) ? [`${r.name}: the bucket policy does not deny s3:* when aws:SecureTransport is false`] : []),
  },
  {
    name: "buckets-encrypted",
    description: "A bucket's default encryption is SSE-S3 or SSE-KMS.",
    check: (r) => (r.type === BUCKET_ENCRYPTION && !encrypts(r.props) ? [`${r.name}: no server-side encryption by default`] : []),
  },
  {
    name: "buckets-expire-objects",
    description: "A bucket's lifecycle configuration expires objects (bodies must not outlive the events that point at them).",
    check: (r) => (r.type === BUCKET_LIFECYCLE && !expires(r.props) ? [`${r.name}: no enabled rule expires objects after a number of days`] : []),
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

/** A rule over the whole stack, for invariants that relate resources (an alarm and the topic it notifies). */
export interface StackRule {
  readonly name: string;
  readonly description: string;
  check(resources: readonly ResourceUnderTest[]): string[];
}

/** An AWS-managed key (`alias/aws/<service>`, by alias name or alias ARN): its key policy cannot be changed. */
export function isAwsManagedKeyAlias(keyId: unknown): boolean {
  return typeof keyId === "string" && /(^|:)alias\/aws\//.test(keyId);
}

function keyAllowsCloudWatch(policy: unknown): boolean {
  let statements: { Effect?: string; Principal?: { Service?: unknown }; Action?: unknown }[];
  try {
    statements = parsePolicy(policy) as typeof statements;
  } catch {
    return false;
  }
  const allowed = new Set<string>();
  for (const statement of statements) {
    if (statement.Effect !== "Allow" || !asList(statement.Principal?.Service).includes("cloudwatch.amazonaws.com")) continue;
    for (const action of asList(statement.Action)) if (typeof action === "string") allowed.add(action);
  }
  const grants = (needed: string) => allowed.has(needed) || allowed.has("kms:*") || [...allowed].some((a) => a.endsWith("*") && needed.startsWith(a.slice(0, -1)));
  return grants("kms:Decrypt") && grants("kms:GenerateDataKey");
}

export const stackRules: readonly StackRule[] = [
  {
    name: "buckets-private-encrypted-tls-expiring",
    description:
      "Every S3 bucket has a public access block with all switches on, BucketOwnerEnforced ownership (no ACLs), default encryption, " +
      "a TLS-only bucket policy and a lifecycle rule that expires objects. Buckets whose name is not known yet (a preview) are skipped.",
    check(resources) {
      const problems: string[] = [];
      for (const bucket of resources.filter((r) => r.type === "aws:s3/bucket:Bucket")) {
        const name = bucket.props.bucket;
        if (typeof name !== "string") continue;
        const of = (type: string) => resources.filter((r) => r.type === type && r.props.bucket === name);
        if (!of(BUCKET_PUBLIC_ACCESS_BLOCK).some((r) => blocksPublicAccess(r.props).length === 0)) problems.push(`${bucket.name}: no public access block with all four switches on`);
        if (!of(BUCKET_OWNERSHIP).some((r) => (asList(r.props.rule)[0] as { objectOwnership?: unknown } | undefined)?.objectOwnership === "BucketOwnerEnforced")) problems.push(`${bucket.name}: object ownership is not BucketOwnerEnforced`);
        if (!of(BUCKET_ENCRYPTION).some((r) => encrypts(r.props))) problems.push(`${bucket.name}: no default encryption`);
        if (!of(BUCKET_POLICY).some((r) => deniesInsecureTransport(r.props.policy))) problems.push(`${bucket.name}: no bucket policy denying requests without TLS`);
        if (!of(BUCKET_LIFECYCLE).some((r) => expires(r.props))) problems.push(`${bucket.name}: no lifecycle rule expiring objects`);
      }
      return problems;
    },
  },
  {
    name: "alarm-topics-usable-by-cloudwatch",
    description:
      "An alarm's SNS topic is not encrypted with an AWS-managed key, and a customer-managed key lets cloudwatch.amazonaws.com use it: " +
      "otherwise CloudWatch cannot publish and every alarm action fails silently (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).",
    check(resources) {
      const topics = new Map(resources.filter((r) => r.type === "aws:sns/topic:Topic" && typeof r.props.arn === "string").map((r) => [r.props.arn as string, r]));
      const keys = resources.filter((r) => r.type === "aws:kms/key:Key");
      const problems: string[] = [];
      for (const alarm of resources.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm")) {
        for (const action of new Set([...asList(alarm.props.alarmActions), ...asList(alarm.props.okActions)])) {
          const topic = typeof action === "string" ? topics.get(action) : undefined;
          if (!topic) continue; // a topic outside this stack, or not known yet (preview)
          const keyId = topic.props.kmsMasterKeyId;
          if (keyId === undefined || keyId === null || keyId === "") continue;
          if (isAwsManagedKeyAlias(keyId)) {
            problems.push(`${alarm.name}: notifies topic ${topic.name}, encrypted with the AWS-managed key ${String(keyId)} that CloudWatch cannot use`);
            continue;
          }
          const key = keys.find((k) => k.props.arn === keyId || k.props.keyId === keyId || k.props.id === keyId);
          if (key && !keyAllowsCloudWatch(key.props.policy)) {
            problems.push(`${alarm.name}: the key of topic ${topic.name} (${key.name}) does not let cloudwatch.amazonaws.com use kms:Decrypt and kms:GenerateDataKey*`);
          }
        }
      }
      return problems;
    },
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
