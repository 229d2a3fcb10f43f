// Helpers of the local pipeline's end-to-end tests.
import assert from "node:assert/strict";
import { randomBytes, randomUUID, type KeyObject } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { TenantConfig } from "../../components/config";
import { newTenantCredential, signingKeyFrom, signRequest } from "../../local/sign";
import { sampleBody } from "../../scripts/send";

/** The tests' queue visibility timeout (AWS: 6x the worker timeout), so redelivery takes seconds, not minutes. */
export const VISIBILITY_TIMEOUT_SECONDS = 2;

export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline) assert.fail(`${what}: not reached within ${timeoutMs} ms; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
    value = await read();
  }
  return value;
}

/** Senders' private keys of asymmetric schemes (Discord, SendGrid), by tenant, made by writeSecrets. */
const signingKeys = new Map<string, KeyObject>();

export const signingKeyOf = (tenant: string): KeyObject | undefined => signingKeys.get(tenant);

export async function postSigned(url: string, tenant: TenantConfig, secret: string, deliveryId = randomUUID(), sample = sampleBody(tenant, 0)): Promise<{ status: number; eventId?: string }> {
  const signed = signRequest({
    scheme: tenant.scheme, secret, body: sample.body, nowSeconds: Math.floor(Date.now() / 1000), url, hmac: tenant.hmac, contentType: sample.contentType, deliveryId,
    custom: tenant.custom, presetSettings: tenant.presetSettings, signingKey: signingKeys.get(tenant.id),
  });
  const response = await fetch(signed.url, { method: "POST", headers: signed.headers, body: signed.body ?? sample.body });
  const body = (await response.json().catch(() => ({}))) as { eventId?: string };
  return { status: response.status, eventId: body.eventId };
}

export function writeSecrets(tenants: readonly TenantConfig[]): { file: string; secrets: Map<string, string> } {
  const secrets = new Map(
    tenants.map((tenant) => {
      const { secret, signingKey } = newTenantCredential(tenant.scheme, randomBytes, tenant.custom);
      if (signingKey !== undefined) signingKeys.set(tenant.id, signingKeyFrom(signingKey));
      return [tenant.id, secret];
    }),
  );
  const file = path.join(mkdtempSync(path.join(tmpdir(), "webhooks-")), "secrets.json");
  writeFileSync(file, JSON.stringify(Object.fromEntries([...secrets].map(([id, secret]) => [id, [secret]]))));
  return { file, secrets };
}

