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

/** Entry by entry: joining would take a rotation from ["a\nb"] to ["a", "b"] (PEM keys hold newlines) for no change. */
function sameSecrets(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((secret, i) => secret === b[i]);
}

/** What the cache reports when a refresh failed and it served the last good keys instead. */
export interface StaleServed {
  readonly error: unknown;
  /** Since when the keys served have been due for a refresh that keeps failing. */
  readonly staleForMs: number;
}

/**
 * A list prepared once per distinct secret list: keys are decoded once per container, not per request. Refreshed
 * every `ttlMs`; when a refresh fails (Secrets Manager unreachable, or the new value unusable) the last good keys
 * are served for at most `maxStaleMs` past their due refresh, with `onStale` told each time (ingest turns it into
 * the StaleSecrets metric), then it fails closed: a secret revoked while Secrets Manager is unreachable must not
 * stay valid for the container's lifetime.
 */
export class CachedSecrets<Prepared> {
  private current?: { secrets: string[]; prepared: Prepared; loadedAt: number };
  /** When the current keys fell due without a successful refresh. */
  private dueSince?: number;
  private nextAttemptAt = 0;
  private inflight?: Promise<Prepared>;

  constructor(
    private readonly source: SecretSource,
    private readonly prepare: (secrets: readonly string[]) => Prepared,
    private readonly ttlMs: number,
    private readonly onStale: (stale: StaleServed) => void = () => {},
    private readonly maxStaleMs: number = Number.POSITIVE_INFINITY,
    /** Spacing of refresh attempts while stale, so a Secrets Manager outage is not hit on every request. */
    private readonly retryAfterFailureMs: number = Math.min(ttlMs, 5_000),
  ) {}

  async get(nowMs: number): Promise<Prepared> {
    if (this.current && nowMs - this.current.loadedAt < this.ttlMs) return this.current.prepared;
    if (this.current && this.dueSince !== undefined && nowMs < this.nextAttemptAt) return this.serveStale(nowMs, undefined);
    this.inflight ??= this.refresh(nowMs).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private serveStale(nowMs: number, error: unknown): Prepared {
    const staleForMs = nowMs - this.dueSince!;
    if (staleForMs > this.maxStaleMs) {
      throw new SecretsUnavailableError(`secret refresh has failed for ${Math.round(staleForMs / 1000)} s, past the ${Math.round(this.maxStaleMs / 1000)} s allowed for stale keys`, { cause: error });
    }
    if (error !== undefined) this.onStale({ error, staleForMs });
    return this.current!.prepared;
  }

  private async refresh(nowMs: number): Promise<Prepared> {
    try {
      const secrets = await this.source.load();
      const unchanged = this.current !== undefined && sameSecrets(this.current.secrets, secrets);
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
      this.dueSince = undefined;
      return prepared;
    } catch (error) {
      if (this.current) {
        this.dueSince ??= this.current.loadedAt + this.ttlMs;
        this.nextAttemptAt = nowMs + this.retryAfterFailureMs;
        return this.serveStale(nowMs, error);
      }
      throw error instanceof SecretsUnavailableError ? error : new SecretsUnavailableError(String(error), { cause: error });
    }
  }
}
