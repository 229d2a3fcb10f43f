// The events table: on-demand, encrypted, TTL'd, with a NEW_IMAGE stream for the analytics fan-out.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EVENTS_TABLE } from "./settings";

export interface EventStoreArgs {
  /** Point-in-time recovery (prod: yes). */
  readonly pointInTimeRecovery: pulumi.Input<boolean>;
  /** Refuse to delete the table (prod: yes). */
  readonly deletionProtection: pulumi.Input<boolean>;
}

export class EventStore extends pulumi.ComponentResource {
  public readonly table: aws.dynamodb.Table;
  public readonly tableName: pulumi.Output<string>;
  public readonly tableArn: pulumi.Output<string>;
  public readonly streamArn: pulumi.Output<string>;

  constructor(name: string, args: EventStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webhooks:store:EventStore", name, {}, opts);
    const index = EVENTS_TABLE.tenantTimeIndex;
    this.table = new aws.dynamodb.Table(
      `${name}-table`,
      {
        billingMode: "PAY_PER_REQUEST",
        hashKey: EVENTS_TABLE.hashKey,
        attributes: [
          { name: EVENTS_TABLE.hashKey, type: "S" },
          { name: index.hashKey, type: "S" },
          { name: index.rangeKey, type: "S" },
        ],
        globalSecondaryIndexes: [
          {
            name: index.name,
            keySchemas: [
              { attributeName: index.hashKey, keyType: "HASH" },
              { attributeName: index.rangeKey, keyType: "RANGE" },
            ],
            projectionType: "INCLUDE",
            nonKeyAttributes: [...index.projected],
          },
        ],
        streamEnabled: true,
        streamViewType: "NEW_IMAGE",
        ttl: { attributeName: EVENTS_TABLE.ttlAttribute, enabled: true },
        serverSideEncryption: { enabled: true },
        pointInTimeRecovery: { enabled: args.pointInTimeRecovery },
        deletionProtectionEnabled: args.deletionProtection,
      },
      { parent: this },
    );
    this.tableName = this.table.name;
    this.tableArn = this.table.arn;
    this.streamArn = this.table.streamArn;
    this.registerOutputs({ tableName: this.tableName, tableArn: this.tableArn, streamArn: this.streamArn });
  }
}
