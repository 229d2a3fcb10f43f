// More of components/config.ts pinned exactly: which tenant's scheme checks a secret, the alarm email's whole
// text, the field names and reasons in integer and boolean refusals, which tenant a concurrency overrun names, and
// the message `pulumi up` gives when several tenants have no secret.
import assert from "node:assert/strict";
import { ConfigValidationError, parseStackConfig } from "../../components/config";

const base = { scheme: "github", ingestConcurrency: 5, workerConcurrency: 2 };
const parse = (raw: Record<string, unknown>) => parseStackConfig("t", raw);

/** The exact one-line message (a string) or a pattern it must match. */
function refuses(raw: Record<string, unknown>, message: string | RegExp) {
  assert.throws(() => parse(raw), (error: unknown) => {
    assert.ok(error instanceof ConfigValidationError, `a ConfigValidationError, got ${String(error)}`);
    if (typeof message === "string") assert.equal(error.message, message);
    else assert.match(error.message, message);
    assert.ok(!error.message.includes("\n"), "one line");
    return true;
  });
}

describe("stack config: more exact refusals", () => {
  it("a tenant's secrets are checked by that tenant's own scheme, not the first tenant's", () => {
    const tenants = { acme: base, beta: { ...base, scheme: "stripe" } };
    // Valid for GitHub (acme's scheme), not for Stripe (beta's).
    refuses({ tenants, secrets: { beta: ["sk_live_abcdefgh"] } }, /^webhooks:secrets\.beta\[0\]: a Stripe endpoint secret starts with whsec_.*\(scheme stripe\)$/);
    assert.deepEqual(parse({ tenants, secrets: { beta: ["whsec_abcdefgh"] } }).secrets, { beta: ["whsec_abcdefgh"] });
    const reversed = { acme: { ...base, scheme: "stripe" }, beta: base };
    assert.deepEqual(parse({ tenants: reversed, secrets: { beta: ["plain-secret-1"] } }).secrets, { beta: ["plain-secret-1"] }, "GitHub takes any secret of 8 characters");
  });

  it("an alarm email of null (an emptied YAML key) means none, like absent or empty", () => {
    assert.equal(parse({ tenants: { acme: base }, alarmEmail: null }).alarmEmail, undefined);
  });

  it("the alarm email is checked as a whole: nothing may follow the address", () => {
    for (const bad of ["oncall@example.com extra", "oncall@example.com@other", "oncall@example.com\nx"]) {
      assert.throws(() => parse({ tenants: { acme: base }, alarmEmail: bad }), (error: unknown) => error instanceof ConfigValidationError && error.message.startsWith("webhooks:alarmEmail: is not an email address: "), JSON.stringify(bad));
    }
  });

  it("an out-of-range log retention names logRetentionDays", () => {
    refuses({ tenants: { acme: base }, logRetentionDays: 0 }, "webhooks:logRetentionDays: must be an integer in 1..3653, got 0");
  });

  it("an out-of-range stale-key window says what the seconds are for", () => {
    refuses({ tenants: { acme: base }, secretsMaxStaleSeconds: 59 }, "webhooks:secretsMaxStaleSeconds: must be an integer in 60..86400 (seconds ingest may serve stale keys before failing closed), got 59");
  });

  it("a bad point-in-time-recovery flag names pointInTimeRecovery", () => {
    refuses({ tenants: { acme: base }, pointInTimeRecovery: "yes" }, 'webhooks:pointInTimeRecovery: must be true or false, got "yes"');
  });

  it("a concurrency overrun names the tenant with the largest ingest + worker sum, even when its worker holds most of it", () => {
    // 5 + (10 + 600) + (300 + 2) + (150 + 2) = 1069 of 1000: over. wide has the largest sum (610) but the smallest
    // ingest - worker difference; tall the largest difference.
    const tenants = { tall: { ...base, ingestConcurrency: 300 }, wide: { ...base, ingestConcurrency: 10, workerConcurrency: 600 }, mid: { ...base, ingestConcurrency: 150 } };
    refuses({ tenants }, "webhooks:tenants.wide: reserved concurrency totals 1069 (largest: 'wide' with 610), leaving -69 of accountConcurrency 1000 unreserved; Lambda keeps at least 100");
    const reordered = { wide: tenants.wide, mid: tenants.mid, tall: tenants.tall };
    refuses({ tenants: reordered }, /^webhooks:tenants\.wide: reserved concurrency totals 1069 \(largest: 'wide' with 610\)/);
  });
});

describe("stack config read through Pulumi: several tenants without secrets", () => {
  const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
  const { stackConfigFromPulumi } = require("../../components/config") as typeof import("../../components/config");

  // The offline plan only warns (WEBHOOKS_OFFLINE_PLAN=1, which other tests in the same process set): `pulumi up` is
  // what refuses, so the variable is cleared for this test and put back after it.
  let offlinePlan: string | undefined;
  beforeEach(() => {
    offlinePlan = process.env.WEBHOOKS_OFFLINE_PLAN;
    delete process.env.WEBHOOKS_OFFLINE_PLAN;
  });
  afterEach(() => {
    if (offlinePlan === undefined) delete process.env.WEBHOOKS_OFFLINE_PLAN;
    else process.env.WEBHOOKS_OFFLINE_PLAN = offlinePlan;
    // No stack config left behind for later files.
    pulumi.runtime.setAllConfig({}, []);
  });

  it("`pulumi up` names every tenant without a secret, comma-separated, and how to set the first one's", async () => {
    await pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs }, "webhooks", "unit", false);
    pulumi.runtime.setAllConfig({ "webhooks:tenants": JSON.stringify({ acme: base, beta: base, gamma: base }), "webhooks:secrets": JSON.stringify({ beta: ["secret-one"] }) }, ["webhooks:secrets"]);
    assert.throws(() => stackConfigFromPulumi(), (error: unknown) => {
      assert.ok(error instanceof ConfigValidationError);
      assert.equal(error.message, "webhooks:secrets: no secret for tenant(s) acme, gamma; set one with: pulumi config set --secret --path 'webhooks:secrets.acme[0]' <secret>");
      return true;
    });
  });
});
