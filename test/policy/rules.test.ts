import assert from "node:assert/strict";
import { loadStackFile } from "../../components/config";
import { isAwsManagedKeyAlias, parentTypeFromUrn, rules, stackRules, wildcardResourceProblem, type ResourceUnderTest } from "../../policy/rules";
import { runOffline } from "../../scripts/lib/offline";

const rule = (name: string) => rules.find((r) => r.name === name)!;
const stackRule = (name: string) => stackRules.find((r) => r.name === name)!;

describe("policy pack rules", () => {
  let captured: ResourceUnderTest[];
  before(async () => {
    const run = await runOffline(loadStackFile("prod"));
    const typeOf = new Map(run.resources.map((r) => [r.name, r.type]));
    // As the policy pack sees them after `up`: inputs and the provider's outputs (arn, keyId...).
    captured = run.resources.map((r) => ({ type: r.type, name: r.name, parentType: r.parent ? typeOf.get(r.parent)! : null, props: { ...r.state, ...r.inputs } }));
  });

  it("the prod stack as the program creates it violates no rule", () => {
    const violations = captured.flatMap((r) => rules.flatMap((rule) => rule.check(r)));
    assert.deepEqual(violations, []);
    assert.deepEqual(stackRules.flatMap((rule) => rule.check(captured)), []);
  });

  it("a function without reserved concurrency is a violation", () => {
    const fn = captured.find((r) => r.type === "aws:lambda/function:Function")!;
    assert.equal(rule("functions-have-reserved-concurrency").check({ ...fn, props: { ...fn.props, reservedConcurrentExecutions: undefined } }).length, 1);
  });

  it("a working queue without a DLQ is a violation; DLQs and failure queues are exempt", () => {
    const queue = captured.find((r) => r.name === "tenant-acme-queue")!;
    assert.equal(rule("queues-have-dlq").check({ ...queue, props: { ...queue.props, redrivePolicy: undefined } }).length, 1);
    assert.equal(rule("queues-have-dlq").check({ ...queue, props: { ...queue.props, redrivePolicy: JSON.stringify({ deadLetterTargetArn: "x", maxReceiveCount: 1 }) } }).length, 1);
    const dlq = captured.find((r) => r.name === "tenant-acme-dlq")!;
    assert.deepEqual(rule("queues-have-dlq").check(dlq), []);
  });

  it("an alarm without an action or OK action is a violation", () => {
    const alarm = captured.find((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm")!;
    assert.equal(rule("alarms-have-actions").check({ ...alarm, props: { ...alarm.props, alarmActions: [] } }).length, 1);
    assert.equal(rule("alarms-have-actions").check({ ...alarm, props: { ...alarm.props, okActions: undefined } }).length, 1);
  });

  it("a wildcard action or resource is a violation", () => {
    const policy = captured.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy")!;
    const wild = (statement: object) => ({ ...policy, props: { ...policy.props, policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) } });
    assert.equal(rule("no-wildcard-iam").check(wild({ Effect: "Allow", Action: "sqs:*", Resource: "arn:aws:sqs:eu-west-1:1:q" })).length, 1);
    assert.equal(rule("no-wildcard-iam").check(wild({ Effect: "Allow", Action: ["sqs:SendMessage"], Resource: "*" })).length, 1);
    assert.equal(rule("no-wildcard-iam").check(wild({ Effect: "Allow", Action: ["kinesis:PutRecords"], Resource: ["arn:aws:kinesis:*:*:stream/*"] })).length, 1, "every stream in every region");
  });

  it("a resource wider than one named thing is a wildcard: '*' in the partition, service, region, account or name", () => {
    const tooWide = [
      "*",
      "arn:aws:kinesis:*:*:stream/*",
      "arn:aws:kinesis:*:123456789012:stream/analytics",
      "arn:aws:kinesis:eu-west-1:*:stream/analytics",
      "arn:*:kinesis:eu-west-1:123456789012:stream/analytics",
      "arn:aws:*:eu-west-1:123456789012:stream/analytics",
      "arn:aws:kinesis:eu-west-1:123456789012:stream/*",
      "arn:aws:kinesis:eu-west-1:123456789012:*",
      "arn:aws:sqs:eu-west-1:123456789012:*",
      "arn:aws:sqs:eu-west-1:123456789012:tenant-*",
      "arn:aws:dynamodb:eu-west-1:123456789012:table/*",
      "arn:aws:dynamodb:eu-west-1:123456789012:table/events*/stream/*",
      "arn:aws:logs:eu-west-1:123456789012:log-group:*",
      "arn:aws:logs:eu-west-1:123456789012:*:log-stream",
    ];
    for (const resource of tooWide) assert.notEqual(wildcardResourceProblem(resource), undefined, resource);
    // One thing, or the sub-resources of one named thing: what the program itself grants.
    const oneThing = [
      "arn:aws:kinesis:eu-west-1:123456789012:stream/analytics-stream-37a0781",
      "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/webhooks-prod-acme-ingest:*",
      "arn:aws:dynamodb:eu-west-1:123456789012:table/events-table/stream/*",
      "arn:aws:sqs:eu-west-1:123456789012:tenant-acme-queue",
    ];
    for (const resource of oneThing) assert.equal(wildcardResourceProblem(resource), undefined, resource);
  });

  it("a function URL outside a tenant's ingest is a violation", () => {
    const url = captured.find((r) => r.type === "aws:lambda/functionUrl:FunctionUrl")!;
    assert.deepEqual(rule("urls-only-on-ingest").check(url), []);
    assert.equal(rule("urls-only-on-ingest").check({ ...url, parentType: "webhooks:analytics:AnalyticsFanout" }).length, 1);
  });

  it("reads the parent component's type from a URN", () => {
    assert.equal(parentTypeFromUrn("urn:pulumi:prod::webhooks::webhooks:tenant:TenantPipeline$aws:lambda/functionUrl:FunctionUrl::tenant-acme-url", "aws:lambda/functionUrl:FunctionUrl"), "webhooks:tenant:TenantPipeline");
    assert.equal(parentTypeFromUrn("urn:pulumi:prod::webhooks::aws:sqs/queue:Queue::q", "aws:sqs/queue:Queue"), null);
  });

  const withTopic = (change: (props: Record<string, unknown>) => Record<string, unknown>) =>
    captured.map((r) => (r.type === "aws:sns/topic:Topic" ? { ...r, props: change(r.props) } : r));

  it("an alarm notifying a topic encrypted with the AWS-managed SNS key is a violation, by alias name or alias ARN", () => {
    const check = stackRule("alarm-topics-usable-by-cloudwatch");
    const alarms = captured.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm").length;
    for (const keyId of ["alias/aws/sns", "arn:aws:kms:eu-west-1:123456789012:alias/aws/sns"]) {
      const problems = check.check(withTopic((props) => ({ ...props, kmsMasterKeyId: keyId })));
      assert.equal(problems.length, alarms, `every alarm is reported for ${keyId}`);
      assert.match(problems[0]!, /AWS-managed key/);
    }
    assert.equal(isAwsManagedKeyAlias("alias/webhooks-prod-alarms"), false);
    // Before `up` (a preview of a new stack) no ARN is known: the per-resource rule still sees the key.
    const topic = captured.find((r) => r.type === "aws:sns/topic:Topic")!;
    const { arn: _arn, ...unknownArn } = topic.props;
    assert.deepEqual(rule("topics-not-under-aws-managed-keys").check({ ...topic, props: unknownArn }), []);
    assert.equal(rule("topics-not-under-aws-managed-keys").check({ ...topic, props: { ...unknownArn, kmsMasterKeyId: "alias/aws/sns" } }).length, 1);
  });

  it("an alarm topic whose customer-managed key does not let CloudWatch use it is a violation", () => {
    const check = stackRule("alarm-topics-usable-by-cloudwatch");
    const key = captured.find((r) => r.type === "aws:kms/key:Key")!;
    const policy = JSON.parse(key.props.policy as string) as { Statement: { Principal?: { Service?: string } }[] };
    const withoutCloudWatch = JSON.stringify({ ...policy, Statement: policy.Statement.filter((s) => s.Principal?.Service !== "cloudwatch.amazonaws.com") });
    const resources = captured.map((r) => (r === key ? { ...r, props: { ...r.props, policy: withoutCloudWatch } } : r));
    assert.ok(check.check(resources).length > 0);
    assert.match(check.check(resources)[0]!, /does not let cloudwatch\.amazonaws\.com/);
  });

  it("a customer-managed key without rotation is a violation", () => {
    const key = captured.find((r) => r.type === "aws:kms/key:Key")!;
    assert.deepEqual(rule("kms-keys-rotate").check(key), []);
    assert.equal(rule("kms-keys-rotate").check({ ...key, props: { ...key.props, enableKeyRotation: false } }).length, 1);
  });

  it("an alarm whose runbook link is not an absolute https URL is a violation", () => {
    const alarm = captured.find((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm")!;
    assert.deepEqual(rule("alarms-link-runbook").check(alarm), []);
    assert.equal(rule("alarms-link-runbook").check({ ...alarm, props: { ...alarm.props, alarmDescription: "Queue is old. Runbook: RUNBOOK.md#queue-oldest-message-age" } }).length, 1);
  });

  it("a table write not confined to one tenant's keys is a violation", () => {
    const policy = captured.find((r) => r.name === "tenant-acme-worker-policy")!;
    assert.deepEqual(rule("table-writes-confined-to-a-tenant").check(policy), []);
    const document = JSON.parse(policy.props.policy as string) as { Statement: Record<string, unknown>[] };
    const unconfined = document.Statement.map(({ Condition: _condition, ...statement }) => statement);
    assert.equal(rule("table-writes-confined-to-a-tenant").check({ ...policy, props: { ...policy.props, policy: JSON.stringify({ ...document, Statement: unconfined }) } }).length, 1);
    const anyTenant = document.Statement.map((statement) => (statement.Condition ? { ...statement, Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["*"] } } } : statement));
    assert.equal(rule("table-writes-confined-to-a-tenant").check({ ...policy, props: { ...policy.props, policy: JSON.stringify({ ...document, Statement: anyTenant }) } }).length, 1);
  });
});
