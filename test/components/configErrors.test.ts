// A bad stack file fails at once, in one line naming the tenant and the field (components/config.ts): every
// validation branch with its exact message, and the values that must pass (so a check that refuses too much
// fails here too). Secrets are never echoed.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ConfigValidationError, LAMBDA_ENVIRONMENT_MAX_BYTES, ingestEnvironmentBytes, loadStackFile, parseStackConfig, readStackFile } from "../../components/config";
import { ingestEnvironment } from "../../components/functionEnvironment";
import { TENANT_SCHEMES } from "../../handlers/core/verify/types";

const base = { scheme: "github", ingestConcurrency: 5, workerConcurrency: 2 };
const parse = (raw: Record<string, unknown>) => parseStackConfig("t", raw);
const acme = (fields: Record<string, unknown>) => ({ tenants: { acme: { ...base, ...fields } } });

/** The exact one-line message (a string) or a pattern it must match. */
function refuses(raw: Record<string, unknown>, message: string | RegExp, stack = "t") {
  assert.throws(() => parseStackConfig(stack, raw), (error: unknown) => {
    assert.ok(error instanceof ConfigValidationError, `a ConfigValidationError, got ${String(error)}`);
    if (typeof message === "string") assert.equal(error.message, message);
    else assert.match(error.message, message);
    assert.ok(!error.message.includes("\n"), "one line");
    return true;
  });
}

/** A valid `scheme: custom` description (as in Pulumi.prod.yaml's oscorp). */
const description = {
  signature: { header: "X-Acme-Signature", algorithm: "hmac-sha256", encoding: "base64", format: { kind: "items", separator: ";", assign: "=", signatureKey: "s", timestampKey: "t" } },
  signed: [{ timestamp: true }, { literal: "." }, { body: true }],
  timestamp: { from: { item: true }, format: "unix" },
  eventId: { json: "id" },
  secret: { encoding: "utf8" },
};

describe("stack config: a tenant's own settings", () => {
  it("a tenant that is not an object (null, a string, a list) is refused naming the tenant", () => {
    for (const value of [null, "github", [base], 5]) refuses({ tenants: { acme: value } }, "webhooks:tenants.acme: must be an object");
  });

  it("an unknown scheme lists every scheme, '|'-separated, and the value given", () => {
    refuses(acme({ scheme: "paypal" }), `webhooks:tenants.acme.scheme: must be one of ${TENANT_SCHEMES.join("|")}, got "paypal"`);
    refuses(acme({ scheme: undefined }), /^webhooks:tenants\.acme\.scheme: must be one of standard-webhooks\|.*\|custom, got undefined$/);
  });

  it("a provider's own tolerance window is the default (Twitch 10 minutes); the tenant may set its own within 1..3600", () => {
    // Twitch: "messages older than 10 minutes" https://dev.twitch.tv/docs/eventsub/handling-webhook-events/#verifying-the-event-message
    assert.equal(parse(acme({ scheme: "twitch" })).tenants[0]!.toleranceSeconds, 600);
    assert.equal(parse(acme({})).tenants[0]!.toleranceSeconds, 300, "the schemes written as code: 5 minutes");
    assert.equal(parse(acme({ scheme: "twitch", toleranceSeconds: 30 })).tenants[0]!.toleranceSeconds, 30);
    refuses(acme({ toleranceSeconds: 3601 }), "webhooks:tenants.acme.toleranceSeconds: must be an integer in 1..3600, got 3601");
    refuses(acme({ retentionDays: 0 }), "webhooks:tenants.acme.retentionDays: must be an integer in 1..3650, got 0");
    refuses(acme({ maxBodyBytes: 0 }), "webhooks:tenants.acme.maxBodyBytes: must be an integer in 1..6291456 (a function URL's 6 MB request payload), got 0");
  });

  it("the worker's batching window: 1 s unless the tenant sets one in 0..60 (the queue-age alarm fires at 300 s)", () => {
    assert.equal(parse(acme({})).tenants[0]!.batchWindowSeconds, 1);
    assert.equal(parse(acme({ batchWindowSeconds: 0 })).tenants[0]!.batchWindowSeconds, 0);
    assert.equal(parse(acme({ batchWindowSeconds: 60 })).tenants[0]!.batchWindowSeconds, 60);
    refuses(acme({ batchWindowSeconds: 61 }), "webhooks:tenants.acme.batchWindowSeconds: must be an integer in 0..60 (seconds; the queue-age alarm fires at 300), got 61");
    refuses(acme({ batchWindowSeconds: 1.5 }), "webhooks:tenants.acme.batchWindowSeconds: must be an integer in 0..60 (seconds; the queue-age alarm fires at 300), got 1.5");
  });

  it("integers: a boolean or a list is not a number even where Number() would make one", () => {
    // Number(true) is 1 and Number([5]) is 5: only numbers and numeric strings are integers here.
    refuses(acme({ ingestConcurrency: true }), "webhooks:tenants.acme.ingestConcurrency: must be an integer in 1..10000, got true");
    refuses(acme({ ingestConcurrency: [5] }), "webhooks:tenants.acme.ingestConcurrency: must be an integer in 1..10000, got [5]");
    assert.equal(parse(acme({ ingestConcurrency: " 7 " })).tenants[0]!.ingestConcurrency, 7);
  });

  it("a public URL keeps its path and loses every trailing slash", () => {
    assert.equal(parse(acme({ publicBaseUrl: "https://hooks.example.com/in//" })).tenants[0]!.publicBaseUrl, "https://hooks.example.com/in");
    assert.equal(parse(acme({ publicBaseUrl: "https://hooks.example.com/in" })).tenants[0]!.publicBaseUrl, "https://hooks.example.com/in");
    refuses(acme({ publicBaseUrl: "https://hooks.example.com/in?x=1" }), 'webhooks:tenants.acme.publicBaseUrl: must have no query or #fragment, got "https://hooks.example.com/in?x=1"');
  });
});

describe("stack config: scheme custom", () => {
  it("needs a description; the parsed description is kept, from an object or a JSON string", () => {
    refuses({ tenants: { acme: { ...base, scheme: "custom" } } }, "webhooks:tenants.acme.custom: is required for scheme custom (a description: { signature, signed, timestamp?, eventId?, secret })");
    const fromObject = parse(acme({ scheme: "custom", custom: description })).tenants[0]!;
    assert.equal(fromObject.custom?.signature.header, "x-acme-signature", "parsed (header names lower-cased), not copied");
    assert.deepEqual(fromObject.custom?.signed, [{ timestamp: true }, { literal: "." }, { body: true }]);
    assert.deepEqual(parse(acme({ scheme: "custom", custom: JSON.stringify(description) })).tenants[0]!.custom, fromObject.custom);
  });

  it("a bad description fails naming the tenant's field inside it", () => {
    refuses(acme({ scheme: "custom", custom: { ...description, signed: [] } }), "webhooks:tenants.acme.custom.signed: must name what is signed");
    refuses(acme({ scheme: "custom", custom: { ...description, signature: { ...description.signature, algorithm: "md5" } } }), /^webhooks:tenants\.acme\.custom\.signature\.algorithm: must be one of /);
    refuses(acme({ scheme: "custom", custom: "not json" }), /^webhooks:tenants\.acme\.custom: must be an object/);
  });

  it("a description on another scheme is refused, and other schemes carry none", () => {
    refuses(acme({ custom: description }), "webhooks:tenants.acme.custom: is only for scheme custom");
    assert.ok(!("custom" in parse(acme({})).tenants[0]!));
  });
});

describe("stack config: a preset's settings", () => {
  const notificationUrl = "https://hooks.example.com/square";

  it("Square needs its notification URL; it is kept as given, from an object or a JSON string", () => {
    refuses(acme({ scheme: "square" }), /^webhooks:tenants\.acme\.settings\.notificationUrl: is required for scheme square: the notification URL/);
    assert.deepEqual(parse(acme({ scheme: "square", settings: { notificationUrl } })).tenants[0]!.presetSettings, { notificationUrl });
    assert.deepEqual(parse(acme({ scheme: "square", settings: JSON.stringify({ notificationUrl }) })).tenants[0]!.presetSettings, { notificationUrl });
    assert.ok(!("presetSettings" in parse(acme({})).tenants[0]!), "no settings, no key");
  });

  it("a setting that is empty, not a string or over 512 characters is refused; 512 is allowed", () => {
    for (const bad of ["", 5, null, "u".repeat(513)]) {
      refuses(acme({ scheme: "square", settings: { notificationUrl: bad } }), "webhooks:tenants.acme.settings.notificationUrl: must be a non-empty string of at most 512 characters");
    }
    assert.equal(parse(acme({ scheme: "square", settings: { notificationUrl: "u".repeat(512) } })).tenants[0]!.presetSettings?.notificationUrl.length, 512);
  });

  it("an unknown setting names the ones the scheme has; settings must be an object", () => {
    refuses(acme({ scheme: "square", settings: { notificationUrl, url: "x" } }), "webhooks:tenants.acme.settings.url: is not a setting of square (notificationUrl)");
    for (const bad of [null, ["x"], "text"]) refuses(acme({ scheme: "square", settings: bad }), "webhooks:tenants.acme.settings: must be an object");
  });

  it("schemes without settings take none; a secret setting (Meta's verify token) lives in webhooks:secrets, not here", () => {
    refuses(acme({ settings: { notificationUrl } }), "webhooks:tenants.acme.settings: scheme github takes no settings");
    assert.doesNotThrow(() => parse(acme({ scheme: "meta" })), "Meta's verifyToken is not required among the settings");
    refuses(acme({ scheme: "meta", settings: { verifyToken: "t0ken" } }), "webhooks:tenants.acme.settings: scheme meta takes no settings");
  });
});

describe("stack config: secrets", () => {
  it("none (absent or null) is no secrets; every tenant is then listed as without", () => {
    for (const secrets of [undefined, null]) {
      const stack = parse({ tenants: { acme: base }, secrets });
      assert.deepEqual([stack.secrets, stack.tenantsWithoutSecrets], [{}, ["acme"]]);
    }
  });

  it("must map tenants to lists: a string (even 'null'), a list or a number is refused", () => {
    for (const secrets of ["null", "secret-one", ["secret-one"], 5, JSON.stringify(["secret-one"])]) {
      refuses({ tenants: { acme: base }, secrets }, "webhooks:secrets: must map tenant ids to lists of secrets");
    }
  });

  it("each entry is a list of non-empty strings; an empty list counts as no secret", () => {
    for (const list of ["secret-one", ["secret-one", ""], [5], null]) refuses({ tenants: { acme: base }, secrets: { acme: list } }, "webhooks:secrets.acme: must be a list of non-empty strings");
    const stack = parse({ tenants: { acme: base, beta: base }, secrets: { acme: [], beta: ["secret-two"] } });
    assert.deepEqual([stack.secrets, stack.tenantsWithoutSecrets], [{ beta: ["secret-two"] }, ["acme"]]);
    assert.deepEqual(parse({ tenants: { acme: base }, secrets: JSON.stringify({ acme: ["secret-one"] }) }).secrets, { acme: ["secret-one"] });
  });

  it("a list holding only a secret setting (Meta's verifyToken) is refused as a whole: no signing secret", () => {
    refuses({ tenants: { m: { ...base, scheme: "meta" } }, secrets: { m: ["verifyToken:abcdefghij"] } }, "webhooks:secrets.m: no secret configured (scheme meta)");
  });

  it("a refused secret is named by its whole index, past 9 too, and never shown", () => {
    const list = [...Array.from({ length: 10 }, (_, i) => `whsec_valid-secret-${i}`), "not-a-stripe-secret"];
    refuses({ tenants: { acme: { ...base, scheme: "stripe" } }, secrets: { acme: list } }, "webhooks:secrets.acme[10]: a Stripe endpoint secret starts with whsec_ (scheme stripe)");
  });

  it("two tenants may share a secret only where the signed bytes name the tenant (Square's URL setting, a description signing the URL)", () => {
    const secrets = { acme: ["shared-secret-1"], beta: ["shared-secret-1"] };
    const square = (url: string) => ({ ...base, scheme: "square", settings: { notificationUrl: url } });
    assert.doesNotThrow(() => parse({ tenants: { acme: square("https://a.example.com/h"), beta: square("https://b.example.com/h") }, secrets }));
    const signsUrl = { ...base, scheme: "custom", custom: { ...description, signed: [{ timestamp: true }, { url: true }, { body: true }] } };
    assert.doesNotThrow(() => parse({ tenants: { acme: signsUrl, beta: signsUrl }, secrets }));
    const custom = { ...base, scheme: "custom", custom: description };
    refuses({ tenants: { acme: custom, beta: custom }, secrets }, "webhooks:secrets.beta: shares a secret with tenant 'acme': each would accept requests signed for the other; give every tenant its own secret");
    assert.doesNotThrow(() => parse({ tenants: { acme: base }, secrets: { acme: ["same-secret-1", "same-secret-1"] } }), "one tenant listing a secret twice shares it with nobody");
  });
});

describe("stack config: stack-wide settings", () => {
  it("the stack name must fit the names it goes into", () => {
    for (const stack of ["dev.eu", "", "s".repeat(65), "a b"]) {
      refuses({ tenants: { acme: base } }, `stack name '${stack}' must be 1..64 characters of [A-Za-z0-9_-] (it names the stack's alarm key, dashboards and log groups)`, stack);
    }
    assert.equal(parseStackConfig("S_1-x".padEnd(64, "x"), { tenants: { acme: base } }).stack.length, 64);
  });

  it("an unknown key or a missing tenant map is refused naming it", () => {
    refuses({ tenants: { acme: base }, alarmMail: "a@b.co" }, "webhooks:alarmMail: is not a known setting");
    for (const tenants of [undefined, null, 5]) refuses({ tenants }, "webhooks:tenants: must map tenant ids to tenant settings");
  });

  it("defaults: 14 days of logs, one shard, Lambda's default account concurrency of 1000, 5 for the stream consumer", () => {
    const stack = parse({ tenants: { acme: base } });
    assert.deepEqual([stack.logRetentionDays, stack.analyticsShards, stack.accountConcurrency, stack.streamConcurrency, stack.alarmEmail], [14, 1, 1000, 5, undefined]);
    assert.equal(parse({ tenants: { acme: base }, alarmEmail: "" }).alarmEmail, undefined);
    assert.equal(parse({ tenants: { acme: base }, alarmEmail: "oncall@example.com" }).alarmEmail, "oncall@example.com");
    refuses({ tenants: { acme: base }, alarmEmail: "on call@example.com" }, 'webhooks:alarmEmail: is not an email address: "on call@example.com"');
    refuses({ tenants: { acme: base }, analyticsShards: 501 }, "webhooks:analyticsShards: must be an integer in 1..500, got 501");
    refuses({ tenants: { acme: base }, streamConcurrency: 0 }, "webhooks:streamConcurrency: must be an integer in 1..1000, got 0");
    refuses({ tenants: { acme: base }, accountConcurrency: 99 }, "webhooks:accountConcurrency: must be an integer in 100..1000000, got 99");
  });

  it("null (an emptied YAML key) means the default, for integers and booleans alike", () => {
    const stack = parse({ tenants: { acme: { ...base, toleranceSeconds: null } }, analyticsShards: null, pointInTimeRecovery: null, deletionProtection: null });
    assert.deepEqual([stack.tenants[0]!.toleranceSeconds, stack.analyticsShards, stack.pointInTimeRecovery, stack.deletionProtection], [300, 1, false, false]);
    refuses(acme({ ingestConcurrency: null }), "webhooks:tenants.acme.ingestConcurrency: is required");
  });

  it("log retention: only values CloudWatch Logs accepts", () => {
    // https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
    assert.equal(parse({ tenants: { acme: base }, logRetentionDays: 3653 }).logRetentionDays, 3653);
    refuses({ tenants: { acme: base }, logRetentionDays: 2 }, "webhooks:logRetentionDays: must be one of CloudWatch's values 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653");
  });

  it("reserved concurrency leaves Lambda's 100 unreserved: exactly 100 passes, 99 fails naming the largest tenant", () => {
    // Lambda keeps 100 of an account's concurrency unreserved: https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
    // 1000 - stream consumer 5 - (893 + 2) = 100.
    assert.doesNotThrow(() => parse({ tenants: { acme: { ...base, ingestConcurrency: 893 } } }));
    refuses(
      { tenants: { small: { ...base, ingestConcurrency: 10 }, big: { ...base, ingestConcurrency: 800 }, mid: { ...base, ingestConcurrency: 80 } } },
      "webhooks:tenants.big: reserved concurrency totals 901 (largest: 'big' with 802), leaving 99 of accountConcurrency 1000 unreserved; Lambda keeps at least 100",
    );
    refuses({ tenants: { acme: base }, accountConcurrency: 110, streamConcurrency: 4 }, /^webhooks:tenants\.acme: reserved concurrency totals 11 .* leaving 99 of accountConcurrency 110/);
  });
});

describe("stack files", () => {
  it("reads only the webhooks: keys, prefix removed; a missing file or a bad name fails naming it", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "stackfile-"));
    writeFileSync(path.join(dir, "Pulumi.x.yaml"), "config:\n  aws:region: eu-west-1\n  webhooks:analyticsShards: 3\n  webhookser:other: 1\n  webhooks:tenants:\n    acme: { scheme: github, ingestConcurrency: 1, workerConcurrency: 2 }\n");
    assert.deepEqual(readStackFile("x", dir), { analyticsShards: 3, tenants: { acme: { scheme: "github", ingestConcurrency: 1, workerConcurrency: 2 } } });
    assert.equal(loadStackFile("x", dir).analyticsShards, 3);
    writeFileSync(path.join(dir, "Pulumi.empty.yaml"), "");
    assert.deepEqual(readStackFile("empty", dir), {});
    assert.throws(() => readStackFile("nope", dir), (e: unknown) => e instanceof ConfigValidationError && e.message === "no stack file Pulumi.nope.yaml");
    assert.throws(() => readStackFile("../x", dir), (e: unknown) => e instanceof ConfigValidationError && e.message === "stack name '../x' is not valid");
  });
});

describe("stack config: what Lambda would refuse halfway through a deploy", () => {
  // 11 literals of 256 characters around the body: a description the description rules allow (at most 12 parts,
  // literals up to 256 characters) whose JSON alone is ~3 KB.
  const long = { ...description, signed: [...Array.from({ length: 11 }, (_, i) => ({ literal: String(i % 10).repeat(256) })), { body: true }], timestamp: undefined, signature: { ...description.signature, format: { kind: "single" } } };

  it("an ingest environment over Lambda's 4 KB is refused naming the tenant, the size and what takes it", () => {
    refuses(
      { tenants: { acme: { ...base, scheme: "custom", custom: long, publicBaseUrl: `https://hooks.example.com/${"p".repeat(480)}` } } },
      /^webhooks:tenants\.acme: its ingest function's environment would take up to \d{4} bytes \(custom description \d{4} B, publicBaseUrl 506 B\), over Lambda's 4096-byte limit: shorten them$/,
    );
  });

  it("the limit is on the JSON text Lambda measures: refused exactly past 4,096 bytes, escapes counted", () => {
    const tenantWith = (custom: unknown, publicBaseUrl?: string) => ({ tenants: { acme: { ...base, scheme: "custom", custom, ...(publicBaseUrl ? { publicBaseUrl } : {}) } } });
    const bytes = (raw: Record<string, unknown>) => {
      const config = parse(raw);
      return ingestEnvironmentBytes(config.tenants[0]!, "t", config.secretsMaxStaleSeconds);
    };
    const withLiteral = (literal: string) => ({ ...long, signed: [{ literal }, { body: true }] });
    // A quote is \" in the description's JSON, then \\\" in the map's: four bytes where a letter takes one.
    assert.equal(bytes(tenantWith(withLiteral('"'.repeat(10)))) - bytes(tenantWith(withLiteral("a".repeat(10)))), 30, "a quote is four bytes in the JSON");
    // Eleven literals of 256 characters, then a publicBaseUrl padded to reach the limit exactly (each "p" one byte).
    const url = (pad: number) => `https://h.example.com/x${"p".repeat(pad)}`;
    const pad = LAMBDA_ENVIRONMENT_MAX_BYTES - bytes(tenantWith(long, url(0)));
    assert.ok(pad >= 0 && pad < 480, `padding ${pad} fits a publicBaseUrl`);
    assert.equal(bytes(tenantWith(long, url(pad))), LAMBDA_ENVIRONMENT_MAX_BYTES, "at the limit: accepted");
    refuses(tenantWith(long, url(pad + 1)), /^webhooks:tenants\.acme: its ingest function's environment would take up to 4097 bytes /);
  });

  it("the values only AWS knows are taken at their longest: a plain tenant's bound, worked out by hand", () => {
    const config = parse(acme({}));
    // The variables with one-character stand-ins for the queue URL, secret ARN and bucket are 208 bytes of JSON:
    // {"TENANT_ID":"acme","SCHEME":"github","QUEUE_URL":"Q","SECRET_ID":"S","TOLERANCE_SECONDS":"300",
    //  "MAX_BODY_BYTES":"262144","METRICS_NAMESPACE":"Webhooks/t","BODY_BUCKET":"B","SECRETS_MAX_STALE_SECONDS":"3600"}
    // The queue URL https://sqs.<20>.amazonaws.com/<12-digit account>/<80-character name>: 12 + 20 + 15 + 13 + 80 = 140.
    // The secret ARN arn:aws-us-gov:secretsmanager:<20>:<account>:secret:tenant-acme-secret-<7>-<6>: 30 + 20 + 21 + 33 = 104.
    // The bucket: 63. So 208 - 3 + 140 + 104 + 63 = 512.
    assert.equal(ingestEnvironmentBytes(config.tenants[0]!, "t", config.secretsMaxStaleSeconds), 512);
    // A non-ASCII character counts as its 6-byte \uXXXX escape, whichever JSON writer Lambda measures with.
    const bytesWith = (literal: string) => {
      const c = parse({ tenants: { acme: { ...base, scheme: "custom", custom: { ...description, signed: [{ literal }, { body: true }], timestamp: undefined, signature: { ...description.signature, format: { kind: "single" } } } } } });
      return ingestEnvironmentBytes(c.tenants[0]!, "t", c.secretsMaxStaleSeconds);
    };
    assert.equal(bytesWith("é".repeat(10)) - bytesWith("a".repeat(10)), 50);
  });

  it("what fits passes: the same description with shorter literals, and every tenant of dev and prod", () => {
    const fits = { ...long, signed: [...Array.from({ length: 11 }, (_, i) => ({ literal: String(i % 10).repeat(100) })), { body: true }] };
    const config = parse({ tenants: { acme: { ...base, scheme: "custom", custom: fits } } });
    assert.ok(ingestEnvironmentBytes(config.tenants[0]!, "t", config.secretsMaxStaleSeconds) <= LAMBDA_ENVIRONMENT_MAX_BYTES);
    for (const stack of ["dev", "prod"]) {
      const stackConfig = loadStackFile(stack);
      for (const tenant of stackConfig.tenants) assert.ok(ingestEnvironmentBytes(tenant, stack, stackConfig.secretsMaxStaleSeconds) < 2048, `${stack}/${tenant.id}`);
    }
  });

  it("the bound is never below what a deployed environment holds: longer than the planned one of every prod tenant", async () => {
    process.env.WEBHOOKS_OFFLINE_PLAN = "1";
    const { runOffline } = await import("../../scripts/lib/offline");
    const config = loadStackFile("prod");
    const run = await runOffline(config);
    for (const tenant of config.tenants) {
      const fn = run.resources.find((r) => r.type === "aws:lambda/function:Function" && r.name === `tenant-${tenant.id}-ingest-fn`)!;
      const variables = (fn.inputs.environment as { variables: Record<string, string> }).variables;
      // Lambda measures the JSON text of the map.
      const planned = Buffer.byteLength(JSON.stringify(Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, String(value)]))));
      const bound = ingestEnvironmentBytes(tenant, config.stack, config.secretsMaxStaleSeconds);
      assert.deepEqual(Object.keys(variables).sort(), Object.keys(ingestEnvironment<string>(tenant, { queueUrl: "", secrets: { secretId: "" }, metricsNamespace: "", secretsMaxStaleSeconds: 1, bodyBucket: "", ...(tenant.publicBaseUrl ? { publicBaseUrl: "" } : {}) })).sort(), tenant.id);
      assert.ok(planned <= bound, `${tenant.id}: planned ${planned} > bound ${bound}`);
    }
  });
});
