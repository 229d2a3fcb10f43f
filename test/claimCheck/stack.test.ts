// Issue 13 in the plan of the prod stack: one bodies bucket (private, BucketOwnerEnforced, SSE, TLS-only,
// unversioned, expiring a day after the longest retention), ingest confined to s3:PutObject under its tenant's
// prefix, no S3 access for workers and the consumer, the bucket in the outputs and the ingest environment, and
// the policy rules for the bucket, each against the program's own resources and against its violation.
import assert from "node:assert/strict";
import { loadStackFile } from "../../components/config";
import { bodyExpirationDays } from "../../components/bodyStore";
import { rules, stackRules, type ResourceUnderTest } from "../../policy/rules";
import { runOffline, type OfflineRun } from "../../scripts/lib/offline";

const rule = (name: string) => rules.find((r) => r.name === name)!;
const bucketRule = stackRules.find((r) => r.name === "buckets-private-encrypted-tls-expiring")!;

describe("claim check: the bodies bucket in the prod plan", () => {
  let run: OfflineRun;
  let captured: ResourceUnderTest[];
  const config = loadStackFile("prod");
  before(async function () {
    this.timeout(120_000);
    run = await runOffline(config);
    const typeOf = new Map(run.resources.map((r) => [r.name, r.type]));
    captured = run.resources.map((r) => ({ type: r.type, name: r.name, parentType: r.parent ? typeOf.get(r.parent)! : null, props: { ...r.state, ...r.inputs } }));
  });
  const one = (type: string) => {
    const found = captured.filter((r) => r.type === type);
    assert.equal(found.length, 1, `one ${type}`);
    return found[0]!;
  };

  it("one bucket per stack, with every setting the issue asks for", () => {
    const bucket = one("aws:s3/bucket:Bucket");
    const name = bucket.props.bucket;
    assert.equal(typeof name, "string");
    const block = one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
    for (const flag of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) assert.equal(block.props[flag], true, flag);
    assert.equal((one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").props.rule as { objectOwnership: string }).objectOwnership, "BucketOwnerEnforced");
    assert.equal((one("aws:s3/bucketVersioning:BucketVersioning").props.versioningConfiguration as { status: string }).status, "Disabled");
    const lifecycle = one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
    const longest = Math.max(...config.tenants.map((t) => t.retentionDays));
    assert.equal((lifecycle.props.rules as { expiration: { days: number } }[])[0]!.expiration.days, longest + 1);
    assert.equal(bodyExpirationDays(longest), longest + 1);
    assert.deepEqual(bucketRule.check(captured), []);
    assert.equal(run.outputs.bodiesBucket, name);
  });

  it("ingest may only s3:PutObject under its own tenant's prefix; workers and the consumer have no S3 access", () => {
    const bucket = one("aws:s3/bucket:Bucket");
    const policies = captured.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy");
    const s3Statements = (r: ResourceUnderTest) =>
      (JSON.parse(r.props.policy as string) as { Statement: { Action: string | string[]; Resource: string | string[] }[] }).Statement.filter((s) => [s.Action].flat().some((a) => a.startsWith("s3:")));
    for (const tenant of config.tenants) {
      const ingest = policies.filter((r) => r.name.startsWith(`tenant-${tenant.id}-ingest`));
      assert.ok(ingest.length > 0);
      const statements = ingest.flatMap(s3Statements);
      assert.deepEqual(statements.map((s) => [[s.Action].flat(), [s.Resource].flat()]), [[["s3:PutObject"], [`${bucket.props.arn as string}/${tenant.id}/*`]]]);
      const worker = policies.filter((r) => r.name.startsWith(`tenant-${tenant.id}-worker`));
      assert.deepEqual(worker.flatMap(s3Statements), [], `${tenant.id}-worker`);
      const env = (captured.find((r) => r.type === "aws:lambda/function:Function" && r.name.startsWith(`tenant-${tenant.id}-ingest`))!.props.environment as { variables: Record<string, string> }).variables;
      assert.equal(env.BODY_BUCKET, bucket.props.bucket);
    }
    const others = policies.filter((r) => !/^tenant-[a-z0-9-]+-ingest/.test(r.name));
    assert.deepEqual(others.flatMap(s3Statements), [], "no S3 grant outside ingest");
  });

  it("each bucket rule passes the program's resource and catches its violation", () => {
    const block = one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
    assert.deepEqual(rule("buckets-block-public-access").check(block), []);
    assert.equal(rule("buckets-block-public-access").check({ ...block, props: { ...block.props, restrictPublicBuckets: false } }).length, 1);

    const policy = one("aws:s3/bucketPolicy:BucketPolicy");
    assert.deepEqual(rule("buckets-tls-only").check(policy), []);
    const allowHttp = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "arn:aws:s3:::b/*", Condition: { Bool: { "aws:SecureTransport": "true" } } }] });
    assert.equal(rule("buckets-tls-only").check({ ...policy, props: { ...policy.props, policy: allowHttp } }).length, 1);
    assert.equal(rule("buckets-tls-only").check({ ...policy, props: { ...policy.props, policy: JSON.stringify({ Statement: [] }) } }).length, 1);

    const encryption = one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
    assert.deepEqual(rule("buckets-encrypted").check(encryption), []);
    assert.equal(rule("buckets-encrypted").check({ ...encryption, props: { ...encryption.props, rules: [] } }).length, 1);

    const lifecycle = one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
    assert.deepEqual(rule("buckets-expire-objects").check(lifecycle), []);
    const disabled = (lifecycle.props.rules as object[]).map((r) => ({ ...r, status: "Disabled" }));
    assert.equal(rule("buckets-expire-objects").check({ ...lifecycle, props: { ...lifecycle.props, rules: disabled } }).length, 1);
    const noExpiry = (lifecycle.props.rules as object[]).map((r) => ({ ...r, expiration: undefined }));
    assert.equal(rule("buckets-expire-objects").check({ ...lifecycle, props: { ...lifecycle.props, rules: noExpiry } }).length, 1);
  });

  it("the stack rule catches a bucket missing any one of its settings", () => {
    for (const type of [
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "aws:s3/bucketPolicy:BucketPolicy",
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    ]) {
      assert.equal(bucketRule.check(captured.filter((r) => r.type !== type)).length, 1, `without ${type}`);
    }
  });
});
