// Tenant secrets: a JSON array of strings (several while a secret rotates). In AWS one Secrets Manager secret
// per tenant; locally a JSON file `{"<tenant>": [...]}`. Cached per container and refreshed on a TTL, so a
// rotation lands without a redeploy, and a failed refresh keeps serving the last good list.
import { readFile } from "node:fs/promises";
import { GetSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SecretsUnavailableError } from "../core/errors";

export interface SecretSource {
  load(): Promise<string[]>;
}

export function parseSecretList(text: string, where: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SecretsUnavailableError(`${where}: not JSON`);
  }
  if (!Array.isArray(value) || value.length === 0 || !value.every((item) => typeof item === "string" && item !== "")) {
    throw new SecretsUnavailableError(`${where}: expected a non-empty JSON array of non-empty strings`);
  }
  return value as string[];
}

export class SecretsManagerSource implements SecretSource {
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretId: string,
  ) {}

  async load(): Promise<string[]> {
    let text: string | undefined;
    try {
      text = (await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }))).SecretString;
    } catch (error) {
      throw new SecretsUnavailableError(`GetSecretValue failed: ${error instanceof Error ? error.name : String(error)}`, { cause: error });
    }
    if (text === undefined) throw new SecretsUnavailableError("secret has no SecretString");
    return parseSecretList(text, "secret value");
  }
}

/** Local runs: one JSON file holding every tenant's list. */
export class FileSecretSource implements SecretSource {
  constructor(
    private readonly path: string,
    private readonly tenant: string,
  ) {}

  async load(): Promise<string[]> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      throw new SecretsUnavailableError(`cannot read secrets file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
    }
    let all: unknown;
    try {
      all = JSON.parse(text);
    } catch {
      throw new SecretsUnavailableError("secrets file is not JSON");
    }
    const list = (all as Record<string, unknown> | null)?.[this.tenant];
    if (list === undefined) throw new SecretsUnavailableError(`secrets file has no entry for tenant '${this.tenant}'`);
    return parseSecretList(JSON.stringify(list), `secrets file entry '${this.tenant}'`);
  }
}

/** A list prepared once per distinct secret list: keys are decoded once per container, not per request. */
export class CachedSecrets<Prepared> {
  private current?: { secrets: string[]; prepared: Prepared; loadedAt: number };
  private inflight?: Promise<Prepared>;

  constructor(
    private readonly source: SecretSource,
    private readonly prepare: (secrets: readonly string[]) => Prepared,
    private readonly ttlMs: number,
    private readonly onStale: (error: unknown) => void = () => {},
  ) {}

  async get(nowMs: number): Promise<Prepared> {
    if (this.current && nowMs - this.current.loadedAt < this.ttlMs) return this.current.prepared;
    this.inflight ??= this.refresh(nowMs).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async refresh(nowMs: number): Promise<Prepared> {
    try {
      const secrets = await this.source.load();
      const unchanged = this.current && this.current.secrets.join("\n") === secrets.join("\n");
      let prepared: Prepared;
      if (unchanged) prepared = this.current!.prepared;
      else {
        try {
          prepared = this.prepare(secrets);
        } catch (error) {
          throw new SecretsUnavailableError(`tenant secret is unusable: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      this.current = { secrets, prepared, loadedAt: nowMs };
      return prepared;
    } catch (error) {
      if (this.current) {
        // Serve the last good keys; the next request past the TTL tries again.
        this.onStale(error);
        this.current = { ...this.current, loadedAt: nowMs - this.ttlMs + Math.min(this.ttlMs, 5_000) };
        return this.current.prepared;
      }
      throw error instanceof SecretsUnavailableError ? error : new SecretsUnavailableError(String(error), { cause: error });
    }
  }
}
