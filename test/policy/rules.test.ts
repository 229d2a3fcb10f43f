import assert from "node:assert/strict";
import { loadStackFile } from "../../components/config";
import { parentTypeFromUrn, rules, type ResourceUnderTest } from "../../policy/rules";
import { runOffline } from "../../scripts/lib/offline";

const rule = (name: string) => rules.find((r) => r.name === name)!;

describe("policy pack rules", () => {
  let captured: ResourceUnderTest[];
  before(async () => {
    const run = await runOffline(loadStackFile("prod"));
    const typeOf = new Map(run.resources.map((r) => [r.name, r.type]));
    captured = run.resources.map((r) => ({ type: r.type, name: r.name, parentType: r.parent ? typeOf.get(r.parent)! : null, props: r.inputs }));
  });

  it("the prod stack as the program creates it violates no rule", () => {
    const violations = captured.flatMap((r) => rules.flatMap((rule) => rule.check(r)));
    assert.deepEqual(violations, []);
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
});
