import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { bundleHandler, HANDLERS } from "../../components/bundle";
import { signRequest } from "../../local/sign";
import { functionUrlEvent } from "../../local/events";

describe("handler bundles", () => {
  it("each bundle is one ESM file that loads on its own and exports handler", () => {
    for (const name of HANDLERS) {
      const dir = mkdtempSync(path.join(tmpdir(), `bundle-${name}-`));
      writeFileSync(path.join(dir, "index.mjs"), bundleHandler(name).code);
      const loaded = spawnSync(process.execPath, ["--input-type=module", "-e", "const m = await import('./index.mjs'); console.log(typeof m.handler);"], {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, TENANT_ID: "acme", TABLE_NAME: "t", ANALYTICS_STREAM_NAME: "s", AWS_REGION: "eu-west-1" },
      });
      assert.equal(loaded.stdout.trim(), "function", `${name}: ${loaded.stderr}`);
    }
  });

  it("the bundled ingest verifies a signed request and refuses a forged one (secrets from a file, SQS unreachable)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "bundle-run-"));
    writeFileSync(path.join(dir, "index.mjs"), bundleHandler("ingest").code);
    writeFileSync(path.join(dir, "secrets.json"), JSON.stringify({ acme: ["gh-secret"] }));
    const body = Buffer.from('{"zen":"hi"}');
    const signed = signRequest({ scheme: "github", secret: "gh-secret", body, nowSeconds: Math.floor(Date.now() / 1000), url: "https://x.lambda-url.eu-west-1.on.aws/" });
    const good = functionUrlEvent({ method: "POST", url: signed.url, headers: signed.headers, body });
    const forged = { ...good, headers: { ...good.headers, "x-hub-signature-256": `sha256=${"0".repeat(64)}` } };
    const script = `const { handler } = await import('./index.mjs');
      const out = [];
      for (const e of ${JSON.stringify([good, forged])}) out.push((await handler(e, { awsRequestId: 'r' })).statusCode);
      process.stderr.write('STATUS ' + JSON.stringify(out) + '\\n');`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: dir,
      encoding: "utf8",
      env: {
        ...process.env, TENANT_ID: "acme", SCHEME: "github", SECRETS_FILE: path.join(dir, "secrets.json"), QUEUE_URL: "http://127.0.0.1:9/000000000000/q",
        AWS_REGION: "eu-west-1", AWS_ACCESS_KEY_ID: "x", AWS_SECRET_ACCESS_KEY: "x", AWS_ENDPOINT_URL_SQS: "http://127.0.0.1:9", AWS_MAX_ATTEMPTS: "1",
      },
    });
    // The signed request passes verification and then cannot be enqueued (nothing listens): 503. The forged one: 401.
    assert.match(run.stderr, /STATUS \[503,401\]/, run.stderr);
  });
});
