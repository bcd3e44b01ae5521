/** The observer: receipts, bounces, others' presence, and the redelivery count after a resume. */
import { describe, expect, it } from "vitest";
import { tryParseXml } from "../../protocol/stanzas/parse";
import type { MessageReceivedEvent } from "../model";
import { createTestContext } from "../test-support/service-context";
import { createLaneRegistry } from "./lane-registry";
import { createLinker } from "./linker";
import { createObserver, REDELIVERY_WINDOW_MS } from "./observer";

function xml(text: string) {
  const parsed = tryParseXml(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.element;
}

function setUp() {
  const ctx = createTestContext();
  const registry = createLaneRegistry(ctx, { awayShows: ["away", "xa"] });
  const linker = createLinker(ctx, { pushLinked: () => {} });
  const observer = createObserver(ctx, { registry, linker });
  const r1 = registry.addResource("r1");
  if (!r1.ok) throw new Error("no r1");
  return { ctx, registry, linker, observer, lane: r1.value };
}

const DELAYED = `<message from='bob@localhost/x' to='alice@localhost/r1' type='chat' id='m1'><body>late</body><delay xmlns='urn:xmpp:delay' stamp='2026-01-01T00:00:00Z'/></message>`;
const received = (ctx: ReturnType<typeof setUp>["ctx"]) => ctx.events().filter((e): e is MessageReceivedEvent => e.kind === "message-received");

describe("observer", () => {
  it("counts delayed messages as redelivered only around a resumption", () => {
    const { ctx, observer, lane } = setUp();
    observer.receive(lane, xml(DELAYED), 1000);
    expect(received(ctx)[0]!.summary).toContain("(delayed, offline delivery)");

    observer.redelivery.resuming(lane);
    observer.receive(lane, xml(DELAYED), 2000);
    const resumedId = ctx.recorder.record({ kind: "connection", lane, status: "online", sm: "resumed", redelivered: 1, summary: "x" });
    observer.redelivery.resumed(lane, resumedId, 2000);
    expect(observer.redelivery.counted(lane)).toBe(1);
    observer.receive(lane, xml(DELAYED), 2000 + REDELIVERY_WINDOW_MS - 1);
    expect(observer.redelivery.counted(lane)).toBe(2);
    observer.receive(lane, xml(DELAYED), 2000 + REDELIVERY_WINDOW_MS + 1);
    expect(observer.redelivery.counted(lane)).toBe(0);
    const summaries = received(ctx).map((e) => e.summary);
    expect(summaries.filter((s) => s.includes("redelivered on resume"))).toHaveLength(2);
    expect(ctx.events().find((e) => e.id === resumedId)).toMatchObject({ redelivered: 2, summary: expect.stringContaining("2 delayed messages redelivered") });
  });

  it("links a receipt to the sent message and counts it on the card; a bounce is not a receipt", () => {
    const { ctx, linker, observer, registry, lane } = setUp();
    const sentId = ctx.recorder.record({ kind: "message-sent", lane: "sender", summary: "m", messageId: "m9", from: "bob@localhost/x", to: "alice@localhost", sendKind: "chat", messageType: "chat", receivedBy: [], pushEventIds: [] });
    linker.rememberSent(xml(`<message id='m9'/>`), sentId, "alice@localhost", "hi", 1);
    observer.receive(lane, xml(`<message from='bob@localhost/x' type='chat' id='m9'><body>hi</body></message>`), 5);
    observer.receive("sender", xml(`<message from='alice@localhost' type='error' id='m9'><error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>`), 6);
    const events = ctx.events();
    expect(events.find((e) => e.id === sentId)).toMatchObject({ receivedBy: [lane] });
    expect(received(ctx).map((e) => e.causeEventId)).toEqual([sentId, sentId]);
    expect(received(ctx)[1]!.summary).toContain("got an error back from alice@localhost: cancel/service-unavailable");
    expect(registry.view(lane)!.received).toBe(1);
  });

  it("records presence from others, not the broadcasts of our own sessions", () => {
    const { ctx, registry, observer, lane } = setUp();
    registry.patchView(lane, { jid: "alice@localhost/r1" });
    observer.receive(lane, xml(`<presence from='alice@localhost/r1'/>`), 1);
    observer.receive(lane, xml(`<presence from='carol@localhost/x'><show>dnd</show></presence>`), 2);
    const presences = ctx.events().filter((e) => e.kind === "presence");
    expect(presences).toHaveLength(1);
    expect(presences[0]!.summary).toBe("alice/r1 received presence from carol@localhost/x: available, show dnd, priority 0");
  });
});
