// The item's lean layout (handlers/core/eventItem.ts): tenant, event id and time live only in the keys, the unsigned
// list only when the signature covers a kept header; every reader gets back what the envelope said, from items of
// this layout and of the one before.
import assert from "node:assert/strict";
import fc from "fast-check";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { eventItemAttributes } from "../../../handlers/adapters/dynamo";
import { analyticsRecordOf, type StreamAttribute } from "../../../handlers/core/analytics";
import { unsignedHeadersOf, type Envelope } from "../../../handlers/core/envelope";
import { eventIdentityOf, eventItemFrom, storedEventHeadOf, tenantNamedBy } from "../../../handlers/core/eventItem";
import { arbEnvelope } from "../../helpers/arbitraries";

/** The stream image Lambda would deliver for the item (binary attributes base64). */
function imageOf(attributes: Record<string, AttributeValue>): Record<string, StreamAttribute> {
  return JSON.parse(JSON.stringify(attributes, (_key, value) => (value?.type === "Buffer" ? Buffer.from(value.data).toString("base64") : value)));
}

/** The layout before, as the worker wrote it until this change: the oracle of what old items hold. */
function itemBefore(envelope: Envelope): Record<string, AttributeValue> {
  const lean = eventItemAttributes(eventItemFrom(envelope, 7));
  return {
    ...lean,
    tenant: { S: envelope.tenant },
    eventId: { S: envelope.eventId },
    receivedAt: { N: String(envelope.receivedAt) },
    unsignedHeaders: { L: unsignedHeadersOf(envelope).map((name) => ({ S: name })) },
    receivedKey: { S: `${new Date(envelope.receivedAt).toISOString()}#${envelope.eventId}` },
  };
}

/** Names a reader marks unsigned, among the headers the item keeps (the only ones anyone reads). */
const unsignedAmong = (headers: Readonly<Record<string, string>>, unsigned: readonly string[]) => Object.keys(headers).filter((name) => unsigned.includes(name)).sort();

describe("stored event item layout (properties)", () => {
  it("the lean item reads back what its envelope said: tenant, event id, time, scheme, headers, delivery id, signed URL", () => {
    fc.assert(
      fc.property(arbEnvelope, (envelope) => {
        const head = storedEventHeadOf(imageOf(eventItemAttributes(eventItemFrom(envelope, 7))));
        assert.ok(head);
        assert.deepEqual([head.tenant, head.eventId, head.receivedAt, head.scheme], [envelope.tenant, envelope.eventId, envelope.receivedAt, envelope.scheme]);
        assert.deepEqual(head.headers, { ...envelope.headers });
        assert.equal(head.deliveryId, envelope.deliveryId);
        assert.equal(head.signedUrl, envelope.signedUrl);
      }),
    );
  });

  it("a kept header the signature does not cover reads back unsigned, and a covered one signed", () => {
    fc.assert(
      fc.property(arbEnvelope, fc.boolean(), (envelope, noList) => {
        const sent = noList ? { ...envelope, unsignedHeaders: undefined } : envelope;
        const head = storedEventHeadOf(imageOf(eventItemAttributes(eventItemFrom(sent, 7))))!;
        assert.deepEqual(unsignedAmong(head.headers, head.unsignedHeaders), unsignedAmong(envelope.headers, unsignedHeadersOf(sent)));
      }),
    );
  });

  it("the lean item stores no value twice: no tenant, eventId or receivedAt attribute, the unsigned list only when a kept header is signed", () => {
    fc.assert(
      fc.property(arbEnvelope, (envelope) => {
        const attributes = eventItemAttributes(eventItemFrom(envelope, 7));
        assert.ok(!("tenant" in attributes) && !("eventId" in attributes) && !("receivedAt" in attributes));
        assert.equal(attributes.receivedKey?.S, new Date(envelope.receivedAt).toISOString());
        const allUnsigned = Object.keys(envelope.headers).every((name) => unsignedHeadersOf(envelope).includes(name));
        assert.equal("unsignedHeaders" in attributes, !allUnsigned);
      }),
    );
  });

  it("an item of the layout before reads the same as the lean item of the same envelope, and publishes the same record", () => {
    fc.assert(
      fc.property(arbEnvelope, (envelope) => {
        const lean = imageOf(eventItemAttributes(eventItemFrom(envelope, 7)));
        const before = imageOf(itemBefore(envelope));
        const [leanHead, beforeHead] = [storedEventHeadOf(lean)!, storedEventHeadOf(before)!];
        assert.deepEqual({ ...leanHead, unsignedHeaders: unsignedAmong(leanHead.headers, leanHead.unsignedHeaders) }, { ...beforeHead, unsignedHeaders: unsignedAmong(beforeHead.headers, beforeHead.unsignedHeaders) });
        const [leanRecord, beforeRecord] = [analyticsRecordOf(lean)!, analyticsRecordOf(before)!];
        assert.deepEqual({ ...leanRecord, unsignedHeaders: unsignedAmong(leanRecord.headers!, leanRecord.unsignedHeaders!) }, { ...beforeRecord, unsignedHeaders: unsignedAmong(beforeRecord.headers!, beforeRecord.unsignedHeaders!) });
      }),
    );
  });

  it("on items of the layout before, the reader says what the reader before the lean layout said (its code kept here as the oracle)", () => {
    // handlers/core/analytics.ts at 5ea4e65, the fields it read besides the body.
    const readerBefore = (image: Record<string, StreamAttribute>) => {
      const [tenant, eventId, scheme, receivedAt] = [image.tenant?.S, image.eventId?.S, image.scheme?.S, Number(image.receivedAt?.N)];
      if (!tenant || !eventId || !scheme || !Number.isFinite(receivedAt)) return undefined;
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(image.headers?.M ?? {})) if (typeof value.S === "string") headers[name] = value.S;
      const unsignedHeaders = image.unsignedHeaders?.L ? image.unsignedHeaders.L.flatMap((name) => (typeof name.S === "string" ? [name.S] : [])) : Object.keys(headers);
      return { tenant, eventId, receivedAt, scheme, headers, unsignedHeaders, ...(typeof image.deliveryId?.S === "string" ? { deliveryId: image.deliveryId.S } : {}), ...(typeof image.signedUrl?.S === "string" ? { signedUrl: image.signedUrl.S } : {}) };
    };
    fc.assert(
      fc.property(arbEnvelope, (envelope) => {
        const before = imageOf(itemBefore(envelope));
        assert.deepEqual(storedEventHeadOf(before), readerBefore(before));
      }),
    );
  });

  it("an index row of either layout names its event and time (the index holds pk and receivedKey, and projected eventId and receivedAt)", () => {
    fc.assert(
      fc.property(arbEnvelope, (envelope) => {
        const keysOnly = (item: Record<string, AttributeValue>) => Object.fromEntries(Object.entries(item).filter(([name]) => ["pk", "tenantShard", "receivedKey", "eventId", "receivedAt", "scheme", "size"].includes(name)));
        const expected = { tenant: envelope.tenant, eventId: envelope.eventId, receivedAt: envelope.receivedAt };
        assert.deepEqual(eventIdentityOf(keysOnly(eventItemAttributes(eventItemFrom(envelope, 7)))), expected);
        assert.deepEqual(eventIdentityOf(keysOnly(itemBefore(envelope))), expected);
      }),
    );
  });
});

describe("stored event item layout: any image", () => {
  const names = ["pk", "tenant", "eventId", "receivedAt", "receivedKey", "scheme", "headers", "unsignedHeaders", "deliveryId", "signedUrl"];
  const arbAttribute = fc.oneof(
    fc.record({ S: fc.oneof(fc.string(), fc.constantFrom("acme#e1", "acme#", "#e1", "2026-11-27T12:00:00.000Z")) }),
    fc.record({ N: fc.oneof(fc.string(), fc.constantFrom("1e20", "-1e20", "8.64e15", "1764244800000", " 5", "NaN")) }),
    fc.record({ L: fc.anything() }),
    fc.record({ M: fc.anything() }),
    fc.anything(),
  );

  it("the readers never throw, whatever an image holds (a stream image is JSON from outside the type system)", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...names), arbAttribute), (image) => {
        const head = storedEventHeadOf(image as never);
        const identity = eventIdentityOf(image as never);
        tenantNamedBy(image as never);
        // What names an event names a time Date can print.
        if (identity !== undefined) new Date(identity.receivedAt).toISOString();
        if (head !== undefined) assert.ok(identity !== undefined);
      }),
      { numRuns: 2000 },
    );
  });

  it("null inside the header map or the unsigned list is skipped, not a throw", () => {
    const image = { pk: { S: "acme#e1" }, scheme: { S: "github" }, receivedAt: { N: "5" }, headers: { M: { a: null, b: { S: "x" } } }, unsignedHeaders: { L: [null, { S: "b" }] } };
    const head = storedEventHeadOf(image as never);
    assert.deepEqual([head?.headers, head?.unsignedHeaders], [{ b: "x" }, ["b"]]);
  });

  it("a time Date cannot hold (1e20 ms) names no event", () => {
    const image = { pk: { S: "acme#e1" }, scheme: { S: "github" }, receivedAt: { N: "1e20" } };
    assert.equal(eventIdentityOf(image), undefined);
    assert.equal(eventIdentityOf({ ...image, receivedAt: { N: "8640000000000000" } })?.receivedAt, 8.64e15, "the largest time Date holds is one");
  });

  it("a stored tenant or event id that disagrees with pk names no event (pk is what IAM confines a worker to)", () => {
    const image = { pk: { S: "acme#e1" }, scheme: { S: "github" }, receivedAt: { N: "5" } };
    assert.deepEqual(eventIdentityOf({ ...image, tenant: { S: "acme" }, eventId: { S: "e1" } }), { tenant: "acme", eventId: "e1", receivedAt: 5 });
    assert.equal(eventIdentityOf({ ...image, tenant: { S: "globex" } }), undefined);
    assert.equal(eventIdentityOf({ ...image, eventId: { S: "e2" } }), undefined);
    assert.equal(eventIdentityOf({ ...image, tenant: { N: "1" } }), undefined, "a stored tenant of another type");
  });
});

describe("stored event item layout: what names no event", () => {
  const lean = imageOf(eventItemAttributes(eventItemFrom({ tenant: "acme", eventId: "evt#1", scheme: "stripe", receivedAt: 1_764_244_800_123, headers: { "content-type": "application/json" }, body: Buffer.from("{}") }, 7)));

  it("the tenant is pk's part before the first '#', the event id all after it ('#' inside an id stays)", () => {
    assert.deepEqual(eventIdentityOf(lean), { tenant: "acme", eventId: "evt#1", receivedAt: 1_764_244_800_123 });
    assert.equal(tenantNamedBy(lean), "acme");
  });

  it("a pk without a tenant or an event id, or none, names no event", () => {
    for (const pk of ["acme", "#evt", "acme#", ""]) assert.equal(eventIdentityOf({ ...lean, pk: { S: pk } }), undefined, pk);
    assert.equal(tenantNamedBy({ ...lean, pk: { S: "#evt" } }), "");
    assert.equal(tenantNamedBy({ ...lean, pk: { S: "acme" } }), "", "no '#': no tenant");
    assert.equal(tenantNamedBy({ ...lean, pk: { S: "acme" }, tenant: { S: "acme" } }), "acme", "a pk that names none: the stored tenant, for counting");
    assert.equal(tenantNamedBy({ ...lean, tenant: { S: "globex" } }), "acme", "pk first");
    // A stored tenant does not make pk name an event id it does not name.
    for (const pk of ["acme", "#evt"]) assert.equal(eventIdentityOf({ ...lean, pk: { S: pk }, tenant: { S: "acme" } }), undefined, pk);
    assert.equal(tenantNamedBy({ ...lean, pk: { N: "1" } }), "", "a pk of another type names nothing");
    const { pk: _pk, ...noKey } = lean;
    assert.equal(eventIdentityOf(noKey), undefined);
  });

  it("only an ISO time exactly as toISOString writes it is a time; a stored receivedAt wins over the key", () => {
    for (const key of ["2025-11-27", "2025-11-27T12:00:00Z", "2025-11-27T12:00:00.123Z#evt#1", "Thu, 27 Nov 2025 12:00:00 GMT", "", "1764244800123"]) {
      assert.equal(eventIdentityOf({ ...lean, receivedKey: { S: key } }), undefined, key);
    }
    assert.equal(eventIdentityOf({ ...lean, receivedKey: { S: "2025-11-27T12:00:00.123Z#evt#1" }, receivedAt: { N: "5" } })?.receivedAt, 5);
    assert.equal(eventIdentityOf({ ...lean, receivedAt: { N: "soon" } }), undefined, "a stored time that is no number is no time");
  });

  it("stored tenant and eventId attributes must agree with pk; empty ones name no event", () => {
    assert.deepEqual(eventIdentityOf({ ...lean, tenant: { S: "acme" }, eventId: { S: "evt#1" } }), { tenant: "acme", eventId: "evt#1", receivedAt: 1_764_244_800_123 });
    assert.equal(eventIdentityOf({ ...lean, tenant: { S: "other" }, eventId: { S: "evt#1" } }), undefined);
    assert.equal(eventIdentityOf({ ...lean, tenant: { S: "" } }), undefined);
    assert.equal(eventIdentityOf({ ...lean, eventId: { S: "" } }), undefined);
  });

  it("an item without a scheme is no event; one without the unsigned list marks every kept header unsigned", () => {
    assert.equal(storedEventHeadOf({ ...lean, scheme: { S: "" } }), undefined);
    const { scheme: _scheme, ...noScheme } = lean;
    assert.equal(storedEventHeadOf(noScheme), undefined);
    assert.deepEqual(storedEventHeadOf(lean)?.unsignedHeaders, ["content-type"]);
    assert.deepEqual(storedEventHeadOf({ ...lean, unsignedHeaders: { L: [] } })?.unsignedHeaders, [], "an empty list says every kept header is signed");
  });
});
