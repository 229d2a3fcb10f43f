// How stack config values are read (components/config.ts): Pulumi hands objects over as JSON strings and numbers
// as strings, YAML as objects and numbers; both must mean the same stack, and integers are checked at their
// exact bounds. Also the runbook's sections (components/dashboard.ts) and the alarm topic's policies
// (components/onCall.ts) as AWS documents them.
import assert from "node:assert/strict";
import { ConfigValidationError, parseStackConfig } from "../../components/config";
import { runbookSections } from "../../components/dashboard";
import { alarmTopicKeyPolicy, alarmTopicPolicy } from "../../components/onCall";

const base = { scheme: "github", ingestConcurrency: 5, workerConcurrency: 2 };
const parse = (raw: Record<string, unknown>) => parseStackConfig("t", raw);

describe("stack config values", () => {
  it("tenants as a JSON string (with surrounding spaces) mean the same as the object; other strings are not parsed", () => {
    const fromObject = parse({ tenants: { acme: base } });
    assert.deepEqual(parse({ tenants: `  ${JSON.stringify({ acme: base })}\n` }), fromObject);
    assert.throws(() => parse({ tenants: "acme" }), ConfigValidationError);
    assert.throws(() => parse({ tenants: "[1, 2" }), ConfigValidationError, "broken JSON stays a string, which is not a tenant map");
    assert.throws(() => parse({ tenants: JSON.stringify([base]) }), ConfigValidationError, "a list is not a tenant map");
  });

  it("integers may come as strings; bounds are inclusive; blanks, fractions and non-numbers are refused, naming the field", () => {
    assert.equal(parse({ tenants: { acme: { ...base, workerConcurrency: "2" } } }).tenants[0]!.workerConcurrency, 2);
    assert.equal(parse({ tenants: { acme: { ...base, workerConcurrency: 1000, ingestConcurrency: 1 } }, accountConcurrency: 5000 }).tenants[0]!.workerConcurrency, 1000);
    for (const bad of [1, 1001, " ", "2.5", 2.5, "two", true]) {
      assert.throws(() => parse({ tenants: { acme: { ...base, workerConcurrency: bad } } }), (error: unknown) => error instanceof ConfigValidationError && /^webhooks:tenants\.acme\.workerConcurrency: must be an integer in 2\.\.1000/.test(error.message), String(bad));
    }
    assert.throws(() => parse({ tenants: { acme: { scheme: "github", workerConcurrency: 2 } } }), /tenants\.acme\.ingestConcurrency: is required/);
  });
});

describe("generic HMAC settings", () => {
  const hmacTenant = (hmac: unknown) => parse({ tenants: { acme: { ...base, scheme: "hmac-sha256", hmac } } });
  const refused = (hmac: unknown, message: RegExp) =>
    assert.throws(() => hmacTenant(hmac), (error: unknown) => error instanceof ConfigValidationError && message.test(error.message), JSON.stringify(hmac));

  it("header, encoding and an optional prefix (empty by default); anything else is refused, naming the field", () => {
    assert.deepEqual(hmacTenant({ header: "X-Sig", encoding: "hex" }).tenants[0]!.hmac, { header: "X-Sig", encoding: "hex", prefix: "" });
    assert.deepEqual(hmacTenant({ header: "X-Sig", encoding: "base64", prefix: "sha256=" }).tenants[0]!.hmac, { header: "X-Sig", encoding: "base64", prefix: "sha256=" });
    for (const missing of [null, "X-Sig", 5]) refused(missing, /^webhooks:tenants\.acme\.hmac: is required for scheme hmac-sha256/);
    refused({ header: "X Sig", encoding: "hex" }, /^webhooks:tenants\.acme\.hmac\.header: must be an HTTP header name$/);
    refused({ header: "x".repeat(65), encoding: "hex" }, /hmac\.header: must be an HTTP header name/);
    refused({ encoding: "hex" }, /hmac\.header: must be an HTTP header name/);
    refused({ header: "X-Sig", encoding: "hex", prefix: 5 }, /^webhooks:tenants\.acme\.hmac\.prefix: must be a string$/);
    refused({ header: "X-Sig", encoding: "hex", algorithm: "sha1" }, /^webhooks:tenants\.acme\.hmac\.algorithm: is not a known setting$/);
  });
});

describe("https URLs in the config (runbookUrl, a tenant's publicBaseUrl)", () => {
  const runbook = (runbookUrl: unknown) => parse({ tenants: { acme: base }, runbookUrl }).runbookUrl;
  const refused = (runbookUrl: unknown, message: string) =>
    assert.throws(() => runbook(runbookUrl), (error: unknown) => error instanceof ConfigValidationError && error.message === `webhooks:runbookUrl: ${message}`, String(runbookUrl));

  it("absent or empty is none; an https URL up to 512 characters is kept as given", () => {
    assert.equal(runbook(undefined), undefined);
    assert.equal(runbook(""), undefined);
    assert.equal(runbook(null), undefined);
    const long = `https://example.com/${"r".repeat(512 - "https://example.com/".length)}`;
    assert.equal(runbook(long), long);
    assert.equal(runbook("https://example.com/RUNBOOK.md"), "https://example.com/RUNBOOK.md");
  });

  it("http, queries, fragments (even empty ones), credentials, non-strings and overlong URLs are refused", () => {
    refused("http://example.com/r", 'must be an https:// URL (it is opened from alarm emails or signed by senders), got "http://example.com/r"');
    for (const url of ["https://example.com/r?x=1", "https://example.com/r#a", "https://example.com/r?", "https://example.com/r#"]) refused(url, `must have no query or #fragment, got ${JSON.stringify(url)}`);
    refused("https://user:pw@example.com/r", "must not carry credentials");
    refused("https://user@example.com/r", "must not carry credentials");
    refused("https://:pw@example.com/r", "must not carry credentials");
    refused(`https://example.com/${"r".repeat(493)}`, "must be at most 512 characters");
    refused(5, "must be an absolute https URL of RUNBOOK.md, got 5");
    refused("not a url", 'must be an absolute https URL of RUNBOOK.md, got "not a url"');
  });
});

describe("stack booleans", () => {
  it("true/false as booleans or strings; absent means off; anything else is refused, naming the field", () => {
    const stack = (raw: Record<string, unknown>) => parse({ tenants: { acme: base }, ...raw });
    assert.deepEqual([stack({}).pointInTimeRecovery, stack({}).deletionProtection], [false, false]);
    assert.deepEqual([stack({ pointInTimeRecovery: true }).pointInTimeRecovery, stack({ pointInTimeRecovery: "true" }).pointInTimeRecovery], [true, true]);
    assert.deepEqual([stack({ deletionProtection: false }).deletionProtection, stack({ deletionProtection: "false" }).deletionProtection], [false, false]);
    for (const bad of ["yes", 1, "True", ""]) {
      assert.throws(() => stack({ deletionProtection: bad }), (error: unknown) => error instanceof ConfigValidationError && error.message === `webhooks:deletionProtection: must be true or false, got ${JSON.stringify(bad)}`, String(bad));
    }
  });
});

describe("runbook sections", () => {
  it("#, ## and ### headings start sections (anchor = GitHub's slug); deeper headings and text before the first stay inside", () => {
    const sections = runbookSections("intro\n# Runbook\ntext\n## Queue age high\nsteps\n#### detail\nmore\n### DLQ not empty\nx\n");
    assert.deepEqual(sections.map((s) => [s.anchor, s.heading]), [["runbook", "Runbook"], ["queue-age-high", "Queue age high"], ["dlq-not-empty", "DLQ not empty"]]);
    assert.equal(sections[1]!.markdown, "## Queue age high\nsteps\n#### detail\nmore");
    assert.deepEqual(runbookSections("no headings\n#notaheading\n"), []);
  });
});

describe("alarm topic policies", () => {
  it("the key: the account administers it (AWS's default statement), CloudWatch may decrypt and generate data keys", () => {
    assert.deepEqual(JSON.parse(alarmTopicKeyPolicy("aws", "123456789012")), {
      Version: "2012-10-17",
      Statement: [
        { Sid: "AccountAdministersTheKey", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:*", Resource: "*" },
        { Sid: "CloudWatchAlarmsPublishToTheTopic", Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Action: ["kms:Decrypt", "kms:GenerateDataKey*"], Resource: "*" },
      ],
    });
  });

  it("the topic: the account manages it; CloudWatch publishes for this account's alarms in this region only", () => {
    const policy = JSON.parse(alarmTopicPolicy("aws", "eu-west-1", "123456789012", "arn:aws:sns:eu-west-1:123456789012:t"));
    assert.equal(policy.Version, "2012-10-17");
    assert.deepEqual(policy.Statement.map((s: { Sid: string }) => s.Sid), ["AccountManagesTheTopic", "ThisAccountsAlarmsPublish"]);
    assert.deepEqual(policy.Statement[0].Principal, { AWS: "arn:aws:iam::123456789012:root" });
    assert.ok(policy.Statement[0].Action.includes("sns:Publish") && policy.Statement[0].Action.includes("sns:Subscribe"));
    assert.equal(policy.Statement[0].Resource, "arn:aws:sns:eu-west-1:123456789012:t");
    assert.deepEqual(policy.Statement[1], {
      Sid: "ThisAccountsAlarmsPublish", Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Action: "sns:Publish", Resource: "arn:aws:sns:eu-west-1:123456789012:t",
      Condition: { ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:*" } },
    });
  });
});
