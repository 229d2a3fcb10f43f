// The stack's bodies bucket (issue 13's claim check): bodies over the inline threshold
// (handlers/core/claimCheck.ts), one object per event body at `<tenant>/<sha256(eventId)>/<sha256(body)>`. Private, encrypted,
// reachable over TLS only, unversioned, and emptied by a lifecycle rule once no item can point at an object.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface BodyStoreArgs {
  /** The longest retentionDays of any tenant: objects must outlive every item that points at them. */
  readonly longestRetentionDays: number;
}

/**
 * Days after which S3 deletes a body: the longest tenant retention plus one day. An item expires
 * `retentionDays` after ingest's receivedAt, and its object was put just before, so objects already outlive
 * their items; the day of margin covers the clocks involved (ingest's vs S3's creation time) and leaves the
 * operator a day to read the body of an item that DynamoDB's TTL has not removed yet (TTL deletes within days
 * of expiry, so such an item may still be listed). S3 counts lifecycle days from creation, rounded up to the
 * next midnight UTC, and expires asynchronously: never earlier than this.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-expire-general-considerations.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html
 */
export function bodyExpirationDays(longestRetentionDays: number): number {
  return longestRetentionDays + 1;
}

export class BodyStore extends pulumi.ComponentResource {
  public readonly bucket: aws.s3.Bucket;
  public readonly bucketName: pulumi.Output<string>;
  public readonly bucketArn: pulumi.Output<string>;

  constructor(name: string, args: BodyStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webhooks:store:BodyStore", name, {}, opts);
    const parent = { parent: this };
    this.bucket = new aws.s3.Bucket(`${name}-bucket`, {}, parent);
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
    const bucket = this.bucket.bucket;

    // ACLs disabled: every object belongs to the bucket owner, whoever wrote it, and no ACL can grant access.
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
    new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }, parent);
    // No public access by ACL or policy, now or by a later mistake.
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      { bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      parent,
    );
    // SSE-S3 (AES-256, keys managed by S3): no KMS request per put or get, and nothing for ingest to be granted.
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingServerSideEncryption.html
    new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-encryption`, { bucket, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }, parent);
    // Versioning off: a retried delivery overwrites its object in place; with versioning each retry would keep a
    // billed noncurrent version that the expiration rule below does not remove.
    new aws.s3.BucketVersioning(`${name}-versioning`, { bucket, versioningConfiguration: { status: "Disabled" } }, parent);
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket,
        rules: [
          {
            id: "expire-bodies",
            status: "Enabled",
            filter: {},
            expiration: { days: bodyExpirationDays(args.longestRetentionDays) },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
          },
        ],
      },
      parent,
    );
    // TLS only: any request over plain HTTP is denied, whoever signs it.
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html#transit
    new aws.s3.BucketPolicy(
      `${name}-tls-only`,
      {
        bucket,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "DenyInsecureTransport",
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: [this.bucket.arn, pulumi.interpolate`${this.bucket.arn}/*`],
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ],
        }),
      },
      // Applied after the public access block, so the block is in force first.
      { parent: this, dependsOn: [publicAccess] },
    );
    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
  }
}
