// AWS list prices the cost model (components/cost/model.ts) reads: one table per region, every price with its unit,
// the page it comes from and how far it is confirmed. No Pulumi import: `npm run cost` and its tests read it alone.
//
// Read on 2026-11-27 (DynamoDB's on-demand and provisioned rates on 2026-11-28), offline, from stored copies of public
// pages (no live fetch was possible): where a copy showed the figure, `confirmed` names that copy; where none did,
// the figure is the one the official page lists as far as the author knows it and `confirmed` is "assumption".
// AWS's own pricing pages render their tables with JavaScript, so most stored copies of them hold the units and
// rules but not the numbers: several figures below are confirmed by third-party pages quoting the official one.
// Check the official page before relying on a figure; a price change is a one-line edit here. Free tiers are never
// applied (they are per account, shared with everything else in it).

export type Region = "eu-west-1" | "us-east-1";

export interface Price {
  readonly usd: number;
  /** What one `usd` buys, e.g. "per million requests". */
  readonly unit: string;
  /** The official pricing page. */
  readonly source: string;
  /** Where the figure was seen ("assumption" when no stored copy showed it). */
  readonly confirmed: string;
}

export interface PriceTable {
  readonly region: Region;
  readonly readOn: string;
  readonly lambda: { readonly requestsPerMillion: Price; readonly arm64GbSecond: Price };
  readonly sqs: { readonly standardRequestsPerMillion: Price };
  readonly dynamodb: {
    readonly onDemandWritePerMillion: Price;
    /** Provisioned capacity (not what the stack deploys: the cost model's `--dynamodb-capacity provisioned` lever). */
    readonly provisionedWcuHour: Price;
    readonly provisionedRcuHour: Price;
    readonly storageGbMonth: Price;
    readonly pitrGbMonth: Price;
    /** Lambda's GetRecords on a table stream are free; kept as a price of 0 so the breakdown shows the line. */
    readonly streamReadsByLambda: Price;
  };
  readonly kinesis: {
    readonly shardHour: Price;
    readonly putPayloadUnitsPerMillion: Price;
    readonly onDemandStreamHour: Price;
    readonly onDemandIngestGb: Price;
  };
  readonly cloudwatch: {
    readonly alarmMetricMonth: Price;
    readonly customMetricMonth: Price;
    readonly dashboardMonth: Price;
    readonly logsIngestGb: Price;
    readonly logsStorageGbMonth: Price;
  };
  readonly secretsManager: { readonly secretMonth: Price; readonly apiCallsPer10k: Price };
  readonly kms: { readonly customerKeyMonth: Price };
  /** The bodies bucket (S3 Standard): bodies over the inline threshold. */
  readonly s3: { readonly putPerThousand: Price; readonly getPerThousand: Price; readonly storageGbMonth: Price };
}

const PAGES = {
  lambda: "https://aws.amazon.com/lambda/pricing/",
  sqs: "https://aws.amazon.com/sqs/pricing/",
  dynamodb: "https://aws.amazon.com/dynamodb/pricing/on-demand/",
  dynamodbProvisioned: "https://aws.amazon.com/dynamodb/pricing/provisioned/",
  kinesis: "https://aws.amazon.com/kinesis/data-streams/pricing/",
  cloudwatch: "https://aws.amazon.com/cloudwatch/pricing/",
  secrets: "https://aws.amazon.com/secrets-manager/pricing/",
  kms: "https://aws.amazon.com/kms/pricing/",
  s3: "https://aws.amazon.com/s3/pricing/",
} as const;

const READ_ON = "2026-11-27";

const price = (usd: number, unit: string, source: string, confirmed: string): Price => ({ usd, unit, source, confirmed });

/** Prices that are the same in both regions (as the official pages list them). */
function common(region: Region): Pick<PriceTable, "lambda" | "sqs" | "secretsManager" | "kms" | "s3"> {
  return {
    lambda: {
      requestsPerMillion: price(0.2, "per million requests", PAGES.lambda, `third-party copies quoting the official page, e.g. https://cloudchipr.com/blog/aws-lambda-pricing (us-east-1)${region === "us-east-1" ? "" : "; same in eu-west-1: assumption"}`),
      arm64GbSecond: price(0.0000133334, "per GB-second, arm64, first 7.5 billion GB-s a month", PAGES.lambda, `https://cloudchipr.com/blog/aws-lambda-pricing (us-east-1)${region === "us-east-1" ? "" : "; same in eu-west-1: assumption"}`),
    },
    sqs: {
      standardRequestsPerMillion: price(0.4, "per million requests (each 64 KiB chunk of a payload is one request)", PAGES.sqs, `https://cloudburn.io/blog/amazon-sqs-pricing, https://unanswered.io/guide/aws-sqs-pricing-and-cost-optimization (us-east-1)${region === "us-east-1" ? "" : "; same in eu-west-1: assumption"}`),
    },
    secretsManager: {
      secretMonth: price(0.4, "per secret per month", PAGES.secrets, "https://hivebook.wiki/wiki/aws-secrets-manager-rotated-secrets-dynamic-db-credentials-kms (no region named)"),
      apiCallsPer10k: price(0.05, "per 10,000 API calls", PAGES.secrets, "https://hivebook.wiki/wiki/aws-secrets-manager-rotated-secrets-dynamic-db-credentials-kms (no region named)"),
    },
    s3: {
      putPerThousand: price(0.005, "per 1,000 PUT, COPY, POST, LIST requests (S3 Standard)", PAGES.s3, "assumption: the long-standing S3 Standard list rate, the same in both regions; not confirmed by a stored copy"),
      getPerThousand: price(0.0004, "per 1,000 GET and other requests (S3 Standard)", PAGES.s3, "assumption: the long-standing S3 Standard list rate, the same in both regions; not confirmed by a stored copy"),
      storageGbMonth: price(0.023, "per GB-month, S3 Standard, first 50 TB", PAGES.s3, "assumption: the long-standing S3 Standard list rate, the same in both regions; not confirmed by a stored copy"),
    },
    kms: {
      customerKeyMonth: price(1, "per customer-managed key per month", PAGES.kms, "https://www.factualminds.com/blog/aws-kms-pricing-keys-requests-multi-region/ (no region named)"),
    },
  };
}

export const PRICES: Readonly<Record<Region, PriceTable>> = {
  "us-east-1": {
    region: "us-east-1",
    readOn: READ_ON,
    ...common("us-east-1"),
    dynamodb: {
      onDemandWritePerMillion: price(0.625, "per million write request units (1 KB each)", PAGES.dynamodb, "https://airbyte.com/data-engineering-resources/dynamodb-pricing (after the November 2024 50 % cut)"),
      provisionedWcuHour: price(0.00065, "per write capacity unit-hour, provisioned", PAGES.dynamodbProvisioned, "https://costpatrol.io/blog/dynamodb-on-demand-vs-provisioned-pricing (written after the November 2024 on-demand cut)"),
      provisionedRcuHour: price(0.00013, "per read capacity unit-hour, provisioned", PAGES.dynamodbProvisioned, "https://costpatrol.io/blog/dynamodb-on-demand-vs-provisioned-pricing"),
      storageGbMonth: price(0.25, "per GB-month (table and indexes)", PAGES.dynamodb, "assumption"),
      pitrGbMonth: price(0.2, "per GB-month of table size, continuous backups", PAGES.dynamodb, "assumption"),
      streamReadsByLambda: price(0, "GetRecords by a Lambda trigger", PAGES.dynamodb, "https://docs.amazonaws.cn/en_us/amazondynamodb/latest/developerguide/CostOptimization_StreamsUsage.html, https://notes.paulswail.com/public/DynamoDB+streams (quoting the pricing page)"),
    },
    kinesis: {
      shardHour: price(0.015, "per shard-hour, provisioned", PAGES.kinesis, "https://www.freshers.in/article/aws-article/kinesis/pricing-models-and-optimization-aws-kinesis-streams/ (as an example rate)"),
      putPayloadUnitsPerMillion: price(0.014, "per million PUT payload units (25 KB each)", PAGES.kinesis, "unit confirmed at http://aws.amazon.com/kinesis/pricing/; rate: assumption"),
      onDemandStreamHour: price(0.04, "per stream-hour, on-demand", PAGES.kinesis, "assumption"),
      onDemandIngestGb: price(0.08, "per GB written, on-demand (records rounded up to 1 KB)", PAGES.kinesis, "rounding confirmed at https://aws.amazon.com/kinesis/data-streams/pricing/; rate: assumption"),
    },
    cloudwatch: {
      alarmMetricMonth: price(0.1, "per standard-resolution alarm metric per month (a metric-math alarm pays for each metric it reads)", PAGES.cloudwatch, "billing unit 'alarm metric' confirmed at https://aws.amazon.com/cloudwatch/pricing/ (free tier wording); rate: assumption"),
      customMetricMonth: price(0.3, "per custom metric series per month (first 10,000), prorated by the hour", PAGES.cloudwatch, "https://signoz.io/guides/cloudwatch-pricing"),
      dashboardMonth: price(3, "per dashboard per month", PAGES.cloudwatch, "https://www.factualminds.com/blog/amazon-cloudwatch-pricing-metrics-logs-alarms-dashboards/"),
      logsIngestGb: price(0.5, "per GB ingested (Lambda logs: first tier of the vended-log tiers since May 2025)", PAGES.cloudwatch, "https://www.duckbillgroup.com/?p=9080, https://hykell.com/kb/platform-specific-guides/aws-cloudwatch-logs-pricing"),
      logsStorageGbMonth: price(0.03, "per GB-month archived", PAGES.cloudwatch, "https://hykell.com/kb/platform-specific-guides/aws-cloudwatch-logs-pricing"),
    },
  },
  "eu-west-1": {
    region: "eu-west-1",
    readOn: READ_ON,
    ...common("eu-west-1"),
    dynamodb: {
      onDemandWritePerMillion: price(0.705, "per million write request units (1 KB each)", PAGES.dynamodb, "AWS Price List eu-west-1 (offers/v1.0/aws/AmazonDynamoDB/20260911124422/eu-west-1/index.json, SKU F4EZE5SAMS3D49NJ EU-WriteRequestUnits $0.000000705) as quoted in a public repository's rates file; after the November 2024 on-demand cut"),
      provisionedWcuHour: price(0.000735, "per write capacity unit-hour, provisioned", PAGES.dynamodbProvisioned, "AWS Price List (fetched 2025-08-28, after the on-demand cut, which left provisioned rates as they were) as quoted in a public repository's audit: SKU 36CGV8QUHJZG65HD EU-WriteCapacityUnit-Hrs"),
      provisionedRcuHour: price(0.000147, "per read capacity unit-hour, provisioned", PAGES.dynamodbProvisioned, "the same Price List quote: SKU J7FH9ZNSN6J2RR9Q, $0.000147 per RCU-hour"),
      storageGbMonth: price(0.283, "per GB-month (table and indexes)", PAGES.dynamodb, "https://engineering-ed7.pages.dev/docs/architecture/aws/services/dynamodb"),
      pitrGbMonth: price(0.2264, "per GB-month of table size, continuous backups", PAGES.dynamodb, "assumption"),
      streamReadsByLambda: price(0, "GetRecords by a Lambda trigger", PAGES.dynamodb, "https://docs.amazonaws.cn/en_us/amazondynamodb/latest/developerguide/CostOptimization_StreamsUsage.html, https://notes.paulswail.com/public/DynamoDB+streams (quoting the pricing page)"),
    },
    kinesis: {
      shardHour: price(0.017, "per shard-hour, provisioned", PAGES.kinesis, "assumption"),
      putPayloadUnitsPerMillion: price(0.0165, "per million PUT payload units (25 KB each)", PAGES.kinesis, "unit confirmed at http://aws.amazon.com/kinesis/pricing/; rate: assumption"),
      onDemandStreamHour: price(0.046, "per stream-hour, on-demand", PAGES.kinesis, "assumption"),
      onDemandIngestGb: price(0.092, "per GB written, on-demand (records rounded up to 1 KB)", PAGES.kinesis, "rounding confirmed at https://aws.amazon.com/kinesis/data-streams/pricing/; rate: assumption"),
    },
    cloudwatch: {
      alarmMetricMonth: price(0.1, "per standard-resolution alarm metric per month (a metric-math alarm pays for each metric it reads)", PAGES.cloudwatch, "billing unit confirmed at https://aws.amazon.com/cloudwatch/pricing/; rate: assumption"),
      customMetricMonth: price(0.3, "per custom metric series per month (first 10,000), prorated by the hour", PAGES.cloudwatch, "us-east-1 rate at https://signoz.io/guides/cloudwatch-pricing; eu-west-1: assumption"),
      dashboardMonth: price(3, "per dashboard per month", PAGES.cloudwatch, "https://www.factualminds.com/blog/amazon-cloudwatch-pricing-metrics-logs-alarms-dashboards/ (no region named)"),
      logsIngestGb: price(0.57, "per GB ingested (Lambda logs: first tier)", PAGES.cloudwatch, "assumption (us-east-1's $0.50 confirmed at https://www.duckbillgroup.com/?p=9080)"),
      logsStorageGbMonth: price(0.03, "per GB-month archived", PAGES.cloudwatch, "assumption (us-east-1 rate)"),
    },
  },
};

export function isRegion(value: string): value is Region {
  return Object.prototype.hasOwnProperty.call(PRICES, value);
}

/** Every price of a table with its path, for printing the table's provenance. */
export function pricesOf(table: PriceTable): { path: string; price: Price }[] {
  const out: { path: string; price: Price }[] = [];
  for (const [service, group] of Object.entries(table)) {
    if (typeof group !== "object") continue;
    for (const [name, p] of Object.entries(group as Record<string, Price>)) out.push({ path: `${service}.${name}`, price: p });
  }
  return out;
}
