// The on-call component built on its own (components/onCall.ts): what the operator is told once the email
// subscription is confirmed, and that the account, partition and region the policies name come from the same
// AWS provider the component deploys with (another account's or region's ARNs would lock CloudWatch out).
import assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { OnCall } from "../../components/onCall";

describe("on-call resources", () => {
  const calls: { token: string; provider?: string }[] = [];
  before(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => ({
          id: `${args.name}-id`,
          // SNS reports the subscription confirmed (someone followed the mail's link).
          state: args.type === "aws:sns/topicSubscription:TopicSubscription" ? { ...args.inputs, pendingConfirmation: false } : { ...args.inputs, arn: `arn:aws:x:::${args.name}` },
        }),
        call: (args) => {
          calls.push({ token: args.token, provider: args.provider });
          if (args.token === "aws:index/getRegion:getRegion") return { region: "eu-central-1", name: "eu-central-1", id: "eu-central-1" };
          if (args.token === "aws:index/getCallerIdentity:getCallerIdentity") return { accountId: "210987654321", arn: "", userId: "" };
          return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
        },
      },
      "webhooks",
      "oncall",
      false,
    );
  });

  const value = <T>(output: pulumi.Output<T>) => new Promise<T>((done) => output.apply(done));
  const runbook = { link: (anchor: string) => `https://wiki.example.com/RUNBOOK.md#${anchor}` };
  const args = { metricsNamespace: "Webhooks/oncall", runbook, tableName: "t", analyticsStreamName: "s", consumerFunctionName: "c", analyticsFailureQueueName: "q" };

  it("a confirmed subscription: alarms are mailed to the address", async () => {
    const onCall = new OnCall("confirmed", { ...args, alarmEmail: "oncall@example.com" });
    assert.equal(await value(onCall.alarmDelivery), "alarms are mailed to oncall@example.com (subscription confirmed)");
  });

  it("account, partition and region are asked of the component's own AWS provider", async () => {
    const provider = new aws.Provider("other-region", { region: "eu-central-1" });
    const onCall = new OnCall("provided", args, { providers: [provider] });
    const policy = JSON.parse(await value(onCall.key.policy));
    assert.equal(policy.Statement[0].Principal.AWS, "arn:aws:iam::210987654321:root");
    const providerRef = `${await value(provider.urn)}::${await value(provider.id)}`;
    const asked = calls.filter((c) => c.provider === providerRef).map((c) => c.token).sort();
    assert.deepEqual(asked, ["aws:index/getCallerIdentity:getCallerIdentity", "aws:index/getPartition:getPartition", "aws:index/getRegion:getRegion"]);
  });
});
