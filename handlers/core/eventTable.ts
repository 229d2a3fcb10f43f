// The events table's key attributes and its tenant-by-time index: the handlers (item model, stream consumer)
// and the Pulumi components (components/eventStore.ts, through components/settings.ts) both read this, so it
// lives on the handlers' side; handlers never import components.

/** The events table: key attributes and the tenant-by-time index (see eventItem.ts). */
export const EVENTS_TABLE = {
  hashKey: "pk",
  ttlAttribute: "expiresAt",
  tenantTimeIndex: { name: "byTenantTime", hashKey: "tenantShard", rangeKey: "receivedKey", projected: ["eventId", "scheme", "size", "receivedAt"] },
} as const;

/**
 * A tenant id: it prefixes every key (`<tenant>#<eventId>`), S3 object and IAM condition, so it can hold no '#' or
 * '/'. The stack config refuses any other; the stream consumer trusts no other as a metric dimension.
 */
export const TENANT_ID_PATTERN = /^[a-z0-9-]{1,32}$/;
