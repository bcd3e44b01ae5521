import { describe, expect, it } from "vitest";
import type { ObservedDelivery, ObservedPublish } from "../scenarios/types";
import { compareTraces, sideBySide } from "./compare";
import { deliveryLine, normaliseJid, publishLine, stepOf } from "./trace";
import type { Parties, Trace } from "./trace";

const REAL: Parties = { account: "alice@localhost", domain: "localhost", sender: "bob@localhost/B-d1-x", sink: "pushsvc@localhost/sink-d1-x", resourceSuffix: "-d1-x" };
const EMULATED: Parties = {
  account: "alice-d1-x@prosody.localhost",
  domain: "prosody.localhost",
  sender: "bob-d1-x@prosody.localhost/B-d1-x",
  sink: "pushsvc-d1-x@prosody.localhost/sink-d1-x",
  resourceSuffix: "-d1-x",
};

function publish(parties: Parties, overrides: Partial<ObservedPublish> = {}): ObservedPublish {
  return {
    seq: 1,
    at: 1000,
    iqId: "random-id",
    from: parties.domain,
    to: parties.sink,
    node: "0123abcd",
    nodeLabel: "N1",
    kind: "message",
    summary: { formType: "form", messageCount: 1, lastMessageBody: "New Message!", otherFields: [] },
    publishOptions: null,
    extraChildren: [],
    warnings: [],
    answer: { kind: "result" },
    xml: "<iq/>",
    ...overrides,
  };
}

function delivery(parties: Parties, overrides: Partial<ObservedDelivery> = {}): ObservedDelivery {
  return { seq: 1, at: 1000, role: "account", resource: "A1", from: parties.sender, to: `${parties.account}/A1${parties.resourceSuffix}`, type: "chat", id: "m0-abcd", body: "m0", ...overrides };
}

describe("normalisation", () => {
  it("turns the JIDs of either server into the same roles", () => {
    for (const p of [REAL, EMULATED]) {
      expect(normaliseJid(p.domain, p)).toBe("D");
      expect(normaliseJid(p.account, p)).toBe("A");
      expect(normaliseJid(`${p.account}/A2${p.resourceSuffix}`, p)).toBe("A/A2");
      expect(normaliseJid(p.sender, p)).toBe("B/*");
      expect(normaliseJid(p.sender.split("/")[0], p)).toBe("B");
      expect(normaliseJid(p.sink, p)).toBe("S/*");
    }
    expect(normaliseJid("carol@example.org", REAL)).toBe("other:carol@example.org");
    expect(normaliseJid(undefined, REAL)).toBe("-");
  });

  it("drops ids, timestamps, raw nodes and domains from publishes and deliveries", () => {
    const a = publishLine(publish(REAL, { summary: { messageCount: 1, lastMessageSender: REAL.sender, lastMessageBody: "m3", otherFields: [] } }), REAL);
    const b = publishLine(
      publish(EMULATED, { iqId: "other", at: 5, node: "ffff", summary: { messageCount: 1, lastMessageSender: EMULATED.sender, lastMessageBody: "m3", otherFields: [] } }),
      EMULATED,
    );
    expect(a).toBe('N1 message count=1 sender=B/* body="m3"');
    expect(b).toBe(a);
    expect(deliveryLine(delivery(REAL, { delay: { stamp: "2026-01-01T00:00:00Z" } }), REAL)).toBe('A1 ← chat from=B/* body="m0" delayed');
    expect(deliveryLine(delivery(EMULATED, { id: "x", at: 9, delay: { stamp: "1999-01-01T00:00:00Z" } }), EMULATED)).toBe('A1 ← chat from=B/* body="m0" delayed');
    expect(deliveryLine(delivery(REAL, { role: "sender", resource: "B", from: REAL.account, type: "error", body: undefined, error: { type: "cancel", condition: "service-unavailable" } }), REAL)).toBe(
      "B ← error from=A body=(bounce) error=service-unavailable",
    );
    // Whether a bounce echoes the original body is the server's choice (RFC 6120 §8.3.1).
    const echoed = delivery(REAL, { role: "sender", resource: "B", from: REAL.account, type: "error", body: "m0", error: { type: "cancel", condition: "service-unavailable" } });
    expect(deliveryLine(echoed, REAL)).toBe("B ← error from=A body=(bounce) error=service-unavailable");
  });

  it("sorts a step's observations: their order across streams is not defined", () => {
    const step = stepOf("B → account (bare): chat", [publish(REAL, { nodeLabel: "N2" }), publish(REAL)], [delivery(REAL, { resource: "A2" }), delivery(REAL)], REAL);
    expect(step.publishes.map((p) => p.slice(0, 2))).toEqual(["N1", "N2"]);
    expect(step.deliveries.map((d) => d.slice(0, 2))).toEqual(["A1", "A2"]);
  });
});

describe("compareTraces", () => {
  const base: Trace = {
    steps: [
      { op: "A1 connect", publishes: [], deliveries: [] },
      { op: "A1 enable N1", iq: "result", publishes: [], deliveries: [] },
      { op: "B → account (bare): chat", publishes: ["N1 message count=1 sender=- body=\"New Message!\""], deliveries: [] },
    ],
  };

  it("agrees with itself", () => {
    expect(compareTraces(base, structuredClone(base))).toBeNull();
  });

  it("names the first step that differs and how", () => {
    const other = structuredClone(base);
    other.steps[1] = { ...other.steps[1]!, iq: "error not-allowed" };
    other.steps[2] = { ...other.steps[2]!, publishes: [] };
    expect(compareTraces(base, other)).toMatchObject({ step: 1, aspects: ["iq"] });
    const shorter: Trace = { steps: base.steps.slice(0, 2) };
    expect(compareTraces(base, shorter)).toMatchObject({ step: 2, aspects: ["length"], right: null });
  });

  it("can leave out the pushes at the moment a session hibernates, and only those", () => {
    const drop = (publishes: string[]): Trace => ({
      steps: [
        { op: "A2 drop socket (app killed)", publishes, deliveries: [] },
        { op: "B → account (bare): chat", publishes: ["N1 message count=- sender=- body=\"New message\""], deliveries: [] },
      ],
    });
    const real = drop([]);
    const emulated = drop(["N1 message no summary"]);
    expect(compareTraces(real, emulated)).toMatchObject({ step: 0, aspects: ["publishes"] });
    expect(compareTraces(real, emulated, { ignoreHibernationPushes: true })).toBeNull();
    const later = structuredClone(emulated);
    later.steps[1] = { ...later.steps[1]!, publishes: [] };
    expect(compareTraces(real, later, { ignoreHibernationPushes: true })).toMatchObject({ step: 1, aspects: ["publishes"] });
  });

  it("can compare a step's pushes as a set (Prosody's repeated push of one message)", () => {
    const twice = structuredClone(base);
    twice.steps[2] = { ...twice.steps[2]!, publishes: [...twice.steps[2]!.publishes, ...twice.steps[2]!.publishes] };
    expect(compareTraces(twice, base)).toMatchObject({ step: 2, aspects: ["publishes"] });
    expect(compareTraces(twice, base, { collapseRepeatedPushes: true })).toBeNull();
  });

  it("shows both observations side by side, the divergent step marked", () => {
    const other = structuredClone(base);
    other.steps[2] = { ...other.steps[2]!, publishes: [] };
    const text = sideBySide(base, other, ["prosody (real)", "prosody.localhost"], compareTraces(base, other));
    const lines = text.split("\n");
    expect(lines[0]).toMatch(/prosody \(real\)\s+prosody\.localhost/);
    const divergent = lines.filter((l) => l.startsWith(">>"));
    expect(divergent[0]).toContain("2. B → account (bare): chat");
    expect(divergent.some((l) => /push N1 message .*no push$/.test(l))).toBe(true);
    expect(lines.filter((l) => l.startsWith(">>"))).toHaveLength(4);
  });
});
