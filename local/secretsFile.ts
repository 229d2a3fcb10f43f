// The local pipeline's secrets: a JSON file `{"<tenant>": ["<secret>", ...]}` (the first is what senders sign
// with; more are accepted during a rotation). Either given with --secrets, or `.local/secrets.json`, created on
// first start with fresh secrets in each provider's format and kept across restarts so senders keep working.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { verifierOptionsOf, type TenantConfig } from "../components/config";
import { parseSecretList } from "../handlers/adapters/secrets";
import { secretsProblem } from "../handlers/core/verify/registry";
import { newTenantCredential } from "./sign";

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

/** Beside a secrets file, the private keys of asymmetric schemes' senders (local only; the provider's in reality). */
export function signingKeysFile(secretsFile: string): string {
  return path.join(path.dirname(secretsFile), "signing-keys.json");
}

/** The sender's private key (PKCS#8, base64) kept for a tenant, if any. */
export function localSigningKey(secretsFile: string, tenant: string): string | undefined {
  const file = signingKeysFile(secretsFile);
  if (!existsSync(file)) return undefined;
  const value = readJsonObject(file)[tenant];
  return typeof value === "string" ? value : undefined;
}

/** Why a tenant's entry cannot serve its scheme, or undefined when it can. */
function problemWith(all: Record<string, unknown>, tenant: TenantConfig): string | undefined {
  if (!(tenant.id in all)) return `no entry for tenant '${tenant.id}'`;
  let problem: string | undefined;
  try {
    problem = secretsProblem(verifierOptionsOf(tenant), parseSecretList(JSON.stringify(all[tenant.id]), `tenant '${tenant.id}'`));
  } catch (error) {
    problem = (error as Error).message;
  }
  return problem === undefined ? undefined : `tenant '${tenant.id}' (${tenant.scheme}): ${problem}`;
}

/** Checks that every tenant has a list its scheme's verifier accepts; names the tenant otherwise. */
export function validateSecrets(file: string, all: Record<string, unknown>, tenants: readonly TenantConfig[]): void {
  for (const tenant of tenants) {
    const problem = problemWith(all, tenant);
    if (problem) throw new SecretsFileError(`secrets file ${file}: ${problem}`);
  }
}

export function loadSecretsFile(file: string, tenants: readonly TenantConfig[]): Record<string, string[]> {
  const all = readJsonObject(file);
  validateSecrets(file, all, tenants);
  return all as Record<string, string[]>;
}

/**
 * Makes sure `file` holds secrets for every tenant: entries that fit the tenant's scheme are kept, missing or
 * unfitting ones generated. Returns the generated ones (to print once), which of them replaced an entry, and the map.
 */
export function ensureLocalSecrets(file: string, tenants: readonly TenantConfig[], random: (size: number) => Buffer = randomBytes): { generated: Record<string, string>; replaced: string[]; secrets: Record<string, string[]> } {
  const all = existsSync(file) ? readJsonObject(file) : {};
  const signingKeys: Record<string, unknown> = existsSync(signingKeysFile(file)) ? readJsonObject(signingKeysFile(file)) : {};
  const generated: Record<string, string> = {};
  const replaced: string[] = [];
  for (const tenant of tenants) {
    const problem = problemWith(all, tenant);
    if (!problem) continue;
    // A tenant id another stack uses with another scheme: these secrets are local and throwaway, so a fresh one
    // in the right format is better than refusing to start.
    if (tenant.id in all) replaced.push(tenant.id);
    // Asymmetric schemes (Discord, SendGrid): the tenant's secret is a public key; the matching private key, which
    // only the provider holds in real life, is kept beside it so `npm run send` can sign as the provider.
    const { secret, signingKey } = newTenantCredential(tenant.scheme, random, tenant.custom);
    if (signingKey !== undefined) signingKeys[tenant.id] = signingKey;
    all[tenant.id] = [secret];
    generated[tenant.id] = secret;
  }
  if (Object.keys(generated).length > 0) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
    if (Object.keys(signingKeys).length > 0) writeFileSync(signingKeysFile(file), `${JSON.stringify(signingKeys, null, 2)}\n`, { mode: 0o600 });
  }
  return { generated, replaced, secrets: all as Record<string, string[]> };
}
