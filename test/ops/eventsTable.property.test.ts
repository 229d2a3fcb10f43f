// The time range ops reads from the byTenantTime index (ops/eventsTable.ts): keys of both item layouts,
// `<ISO time>` and, on items written before the lean layout, `<ISO time>#<eventId>` (handlers/core/eventItem.ts).
import assert from "node:assert/strict";
import fc from "fast-check";
import { receivedKeyRange } from "../../ops/eventsTable";

// Years 1970-2099: toISOString's fixed-width form, in which ISO times compare as strings.
const arbTime = fc.integer({ min: 0, max: 4_102_444_799_999 });

describe("ops events: the index's time range (properties)", () => {
  it("a key of either layout is in [from, to] exactly when its time is in [since, until] (DynamoDB's BETWEEN, inclusive)", () => {
    fc.assert(
      fc.property(arbTime, arbTime, arbTime, fc.string({ minLength: 1, maxLength: 20 }), fc.constantFrom(0, 1, -1), (a, b, t, eventId, nudge) => {
        const [since, until] = a <= b ? [a, b] : [b, a];
        // Times at and next to the bounds are where an off-by-one millisecond shows.
        const time = Math.max(0, [t, since, until][Math.abs(t) % 3]! + nudge);
        const { from, to } = receivedKeyRange(new Date(since), new Date(until));
        const iso = new Date(time).toISOString();
        const inside = since <= time && time <= until;
        for (const key of [iso, `${iso}#${eventId}`]) assert.equal(from <= key && key <= to, inside, key);
      }),
      { numRuns: 2000 },
    );
  });
});
