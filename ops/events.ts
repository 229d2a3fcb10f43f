// `ops events --tenant acme [--since 1h] [--until ...] [--limit N]`: a tenant's events by time, from the
// byTenantTime index with its 16 write shards merged (handlers/core/eventItem.ts). Reads only.
import { parseWindow, positiveInteger, requireTenant, UsageError } from "./args";
import type { Command } from "./command";
import { listEvents } from "./eventsTable";
import { table } from "./output";

const DEFAULT_LIMIT = 100;

export const eventsCommand: Command = {
  name: "events",
  summary: "a tenant's events by time: event id, received time, scheme, size",
  help: `usage: npm run ops -- events --tenant <id> [--since 1h] [--until <time>] [--limit N] [--json] (--stack <s> | --local)

Lists the tenant's stored events received in [--since, --until], oldest first (the byTenantTime index, all
16 write shards merged in order). --since defaults to 1h, --until to now; both take a duration back from now
(90m, 1h, 2d) or an ISO time. --limit (default ${DEFAULT_LIMIT}) caps the rows; the summary says when more exist.
--json prints an array of {eventId, receivedAt, scheme, size}.`,
  options: { tenant: { type: "string" }, since: { type: "string" }, until: { type: "string" }, limit: { type: "string" } },
  positionals: 0,
  movesData: false,
  check(args, now) {
    if (typeof args.values.tenant !== "string") throw new UsageError("--tenant <id> is required");
    parseWindow(args.values, now, "1h");
    positiveInteger("--limit", args.values.limit, DEFAULT_LIMIT);
  },
  async run({ target, args, io, report, json }) {
    const tenant = requireTenant(args.values, target.tenants);
    const { since, until } = parseWindow(args.values, io.now(), "1h");
    const limit = positiveInteger("--limit", args.values.limit, DEFAULT_LIMIT)!;
    const { rows, more } = await listEvents(target.clients.dynamodb, target.eventsTable, tenant, since, until, limit);
    if (json) report.json(rows.map(({ eventId, receivedAt, scheme, size }) => ({ eventId, receivedAt, scheme, size })));
    else if (rows.length > 0) report.out(table(["RECEIVED", "EVENT ID", "SCHEME", "SIZE"], rows.map((row) => [row.receivedAt, row.eventId, row.scheme, String(row.size)])));
    report.summary(`events ${tenant}: ${rows.length}${more ? ` shown, more in the window (raise --limit or narrow --since/--until)` : ""} between ${since.toISOString()} and ${until.toISOString()}`);
    return 0;
  },
};
