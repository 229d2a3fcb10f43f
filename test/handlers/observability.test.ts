import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { createLogger } from "../../handlers/observability";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level: "info", destination }), text: () => lines.join("") };
}

describe("log redaction (REDACTED_PATHS)", () => {
  const secretish = ["sha256=deadbeefcafe", "v1,c2lnbmF0dXJl", "session=abc123", "Bearer tok3n", "custom-sig-value"];

  it("header maps are redacted at the top and nested, whatever the header names (the generic scheme's own header too)", () => {
    const { logger, text } = capture();
    const headers = { "x-hub-signature-256": secretish[0], "webhook-signature": secretish[1], cookie: secretish[2], authorization: secretish[3], "x-my-tenant-signature": secretish[4] };
    logger.info({ headers }, "top");
    logger.info({ event: { headers, cookies: [secretish[2]] } }, "nested");
    logger.info({ req: { event: { headers } } }, "deeper");
    logger.info({ cookie: secretish[2], authorization: secretish[3], request: { authorization: secretish[3] } }, "loose");
    const out = text();
    for (const value of secretish) assert.ok(!out.includes(value!), `${value} leaked: ${out}`);
    assert.ok(out.includes("[redacted]"));
  });

  it("what is not sensitive is still logged", () => {
    const { logger, text } = capture();
    logger.info({ tenant: "acme", eventId: "e1", status: 401, reason: "bad_signature" }, "request rejected");
    const line = JSON.parse(text());
    assert.equal(line.tenant, "acme");
    assert.equal(line.reason, "bad_signature");
  });
});
