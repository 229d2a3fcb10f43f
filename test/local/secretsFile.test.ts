import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { loadStackFile } from "../../components/config";
import { ensureLocalSecrets, loadSecretsFile, SecretsFileError } from "../../local/secretsFile";

describe("local secrets file", () => {
  const tenants = loadStackFile("prod").tenants;
  const dir = () => mkdtempSync(path.join(tmpdir(), "secrets-"));

  it("is created with one secret per tenant in its scheme's format, readable only by its owner, then reused as is", () => {
    const file = path.join(dir(), ".local", "secrets.json");
    const first = ensureLocalSecrets(file, tenants);
    assert.deepEqual(Object.keys(first.generated).sort(), tenants.map((t) => t.id).sort());
    assert.deepEqual(first.replaced, []);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.doesNotThrow(() => loadSecretsFile(file, tenants), "every generated secret fits its scheme's verifier");
    const standard = tenants.find((t) => t.scheme === "standard-webhooks")!;
    assert.match(first.secrets[standard.id]![0]!, /^whsec_[A-Za-z0-9+/]+=*$/);

    const before = readFileSync(file, "utf8");
    const second = ensureLocalSecrets(file, tenants);
    assert.deepEqual(second.generated, {});
    assert.equal(readFileSync(file, "utf8"), before, "a second start changes nothing");
  });

  it("adds missing tenants and replaces an entry that does not fit the tenant's scheme, keeping the others", () => {
    const file = path.join(dir(), "secrets.json");
    const standard = tenants.find((t) => t.scheme === "standard-webhooks")!;
    const github = tenants.find((t) => t.scheme === "github")!;
    writeFileSync(file, JSON.stringify({ [standard.id]: ["not base64 at all!"], [github.id]: ["keep-me-please"], other: ["untouched"] }));
    const result = ensureLocalSecrets(file, tenants);
    assert.deepEqual(result.replaced, [standard.id]);
    assert.ok(!(github.id in result.generated));
    const saved = JSON.parse(readFileSync(file, "utf8"));
    assert.deepEqual(saved[github.id], ["keep-me-please"]);
    assert.deepEqual(saved.other, ["untouched"]);
    assert.notDeepEqual(saved[standard.id], ["not base64 at all!"]);
  });

  it("a given --secrets file is never rewritten: a missing or unfit entry is an error naming the tenant", () => {
    const file = path.join(dir(), "mine.json");
    const [first, second] = tenants;
    writeFileSync(file, JSON.stringify({ [first!.id]: ["x"] }));
    assert.throws(() => loadSecretsFile(file, tenants), (error: Error) => error instanceof SecretsFileError && new RegExp(`'${second!.id}'|'${first!.id}'`).test(error.message));
    // A secret in the wrong shape for its scheme (secretProblem): refused, its value never echoed.
    const github = tenants.find((t) => t.scheme === "github")!;
    const all = Object.fromEntries(tenants.map((t) => [t.id, ensureLocalSecrets(path.join(dir(), "s.json"), [t]).secrets[t.id]]));
    writeFileSync(file, JSON.stringify({ ...all, [github.id]: ["short"] }));
    assert.throws(() => loadSecretsFile(file, tenants), (error: Error) => error.message.includes(`'${github.id}'`) && /at least 8 characters/.test(error.message) && !error.message.includes("short\""));
    writeFileSync(file, "[1,2]");
    assert.throws(() => loadSecretsFile(file, tenants), /expected \{"<tenant>": \["<secret>", \.\.\.\]\}/);
    writeFileSync(file, "{not json");
    assert.throws(() => loadSecretsFile(file, tenants), /not JSON/);
    assert.throws(() => loadSecretsFile(path.join(dir(), "absent.json"), tenants), /cannot read it \(ENOENT\)/);
  });
});
