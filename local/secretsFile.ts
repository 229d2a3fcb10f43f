// The local pipeline's secrets: a JSON file `{"<tenant>": ["<secret>", ...]}` (the first is what senders sign
// with; more are accepted during a rotation). Either given with --secrets, or `.local/secrets.json`, created on
// first start with fresh secrets in each provider's format and kept across restarts so senders keep working.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { TenantConfig } from "../components/config";
import { parseSecretList } from "../handlers/adapters/secrets";
import { createVerifier } from "../handlers/core/verify/registry";
import { newSecret } from "./sign";

export class SecretsFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretsFileError";
  }
}

function readJsonObject(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new SecretsFileError(`secrets file ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SecretsFileError(`secrets file ${file}: not JSON`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new SecretsFileError(`secrets file ${file}: expected {"<tenant>": ["<secret>", ...]}`);
  return value as Record<string, unknown>;
}

/** Checks that every tenant has a list its scheme's verifier accepts; names the tenant otherwise. */
export function validateSecrets(file: string, all: Record<string, unknown>, tenants: readonly TenantConfig[]): void {
  for (const tenant of tenants) {
    if (!(tenant.id in all)) throw new SecretsFileError(`secrets file ${file}: no entry for tenant '${tenant.id}'`);
    try {
      const list = parseSecretList(JSON.stringify(all[tenant.id]), `tenant '${tenant.id}'`);
      createVerifier({ scheme: tenant.scheme, toleranceSeconds: tenant.toleranceSeconds, hmac: tenant.hmac }).prepare(list);
    } catch (error) {
      throw new SecretsFileError(`secrets file ${file}: tenant '${tenant.id}' (${tenant.scheme}): ${(error as Error).message}`);
    }
  }
}

export function loadSecretsFile(file: string, tenants: readonly TenantConfig[]): Record<string, string[]> {
  const all = readJsonObject(file);
  validateSecrets(file, all, tenants);
  return all as Record<string, string[]>;
}

/**
 * Makes sure `file` holds secrets for every tenant: existing entries are kept, missing ones generated. Returns the
 * generated ones (to print once) and the full map.
 */
export function ensureLocalSecrets(file: string, tenants: readonly TenantConfig[], random: (size: number) => Buffer = randomBytes): { generated: Record<string, string>; secrets: Record<string, string[]> } {
  const all = existsSync(file) ? readJsonObject(file) : {};
  const generated: Record<string, string> = {};
  for (const tenant of tenants) {
    if (tenant.id in all) continue;
    const secret = newSecret(tenant.scheme, random);
    all[tenant.id] = [secret];
    generated[tenant.id] = secret;
  }
  validateSecrets(file, all, tenants);
  if (Object.keys(generated).length > 0) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  }
  return { generated, secrets: all as Record<string, string[]> };
}
