// The environment each function gets, built in one place for both the Pulumi components (values are Outputs)
// and the local pipeline (plain strings), so the local handlers read exactly what the deployed ones read.
// No Pulumi import: the local runner uses this without the Pulumi runtime.
import { ENV } from "../handlers/env";
import type { TenantConfig } from "./config";

/** Where an ingest function finds its secrets: Secrets Manager in the cloud, a JSON file locally. */
export type SecretLocation<V> = { readonly secretId: V } | { readonly secretsFile: string };

export function ingestEnvironment<V>(
  tenant: TenantConfig,
  where: { queueUrl: V; secrets: SecretLocation<V>; metricsNamespace: V | string; secretsMaxStaleSeconds?: number; publicBaseUrl?: V | string; bodyBucket?: V | string },
): Record<string, V | string> {
  const hmacEnv: Record<string, string> = tenant.hmac
    ? { [ENV.hmacHeader]: tenant.hmac.header, [ENV.hmacEncoding]: tenant.hmac.encoding, [ENV.hmacPrefix]: tenant.hmac.prefix ?? "" }
    : {};
  const secrets: Record<string, V | string> =
    "secretId" in where.secrets ? { [ENV.secretId]: where.secrets.secretId } : { [ENV.secretsFile]: where.secrets.secretsFile };
  return {
    [ENV.tenant]: tenant.id,
    [ENV.scheme]: tenant.scheme,
    [ENV.queueUrl]: where.queueUrl,
    ...secrets,
    [ENV.toleranceSeconds]: String(tenant.toleranceSeconds),
    [ENV.maxBodyBytes]: String(tenant.maxBodyBytes),
    [ENV.namespace]: where.metricsNamespace,
    // Twilio signs the URL it posts to: what senders address (a custom domain, the local pipeline's address)
    // rather than https://<function URL domain>; ingest never takes it from a request header.
    ...(where.publicBaseUrl !== undefined ? { [ENV.publicBaseUrl]: where.publicBaseUrl } : {}),
    // Bodies over the inline threshold go to the stack's bodies bucket (handlers/core/claimCheck.ts).
    ...(where.bodyBucket !== undefined ? { [ENV.bodyBucket]: where.bodyBucket } : {}),
    ...(where.secretsMaxStaleSeconds !== undefined ? { [ENV.secretsMaxStaleSeconds]: String(where.secretsMaxStaleSeconds) } : {}),
    ...hmacEnv,
    ...(tenant.custom !== undefined ? { [ENV.schemeDescription]: JSON.stringify(tenant.custom) } : {}),
    ...(tenant.presetSettings !== undefined ? { [ENV.presetSettings]: JSON.stringify(tenant.presetSettings) } : {}),
  };
}

export function workerEnvironment<V>(tenant: TenantConfig, where: { tableName: V; metricsNamespace: V | string }): Record<string, V | string> {
  return {
    [ENV.tenant]: tenant.id,
    [ENV.tableName]: where.tableName,
    [ENV.retentionDays]: String(tenant.retentionDays),
    [ENV.namespace]: where.metricsNamespace,
  };
}

export function streamConsumerEnvironment<V>(where: { streamName: V; metricsNamespace: V | string }): Record<string, V | string> {
  return { [ENV.streamName]: where.streamName, [ENV.namespace]: where.metricsNamespace };
}
