import { buildSequence } from "./build";
import { causalOrder } from "./causal";
import { EventLog, LANES, SENDER_JID, walkThrough } from "./test-events";

/** A message whose decision (server clock) and delivery were observed before the send resolved. */
function earlyEffects() {
  const log = new EventLog();
  log.add({ kind: "connection", lane: "res-1", status: "online", jid: "alice@localhost/phone", summary: "online" });
  const decision = log.decision("m-9", 0, "spec/online-session", "alice/phone is online");
  const delivery = log.add({ kind: "message-received", lane: "res-1", messageId: "m-9", from: SENDER_JID, to: "alice@localhost/phone", messageType: "chat", body: "hi", delayed: false, causeEventId: "sent-9", summary: "received" });
  const other = log.add({ kind: "presence", lane: "res-2", direction: "out", available: true, show: null, priority: 0, summary: "presence" });
  const sent = log.add({ id: "sent-9", kind: "message-sent", lane: "sender", messageId: "m-9", from: SENDER_JID, to: "alice@localhost", sendKind: "chat", messageType: "chat", body: "hi", receivedBy: ["res-1"], pushEventIds: [], summary: "sent" });
  const after = log.add({ kind: "connection", lane: "res-2", status: "offline", summary: "gone" });
  return { log, ids: { decision, delivery, other, sent, after } };
}

describe("causalOrder", () => {
  it("moves a message's decision and delivery observed before it to right after it, in their order", () => {
    const { log, ids } = earlyEffects();
    expect(causalOrder(log.events).map((e) => e.id)).toEqual([log.events[0]!.id, ids.other, ids.sent, ids.decision, ids.delivery, ids.after]);
  });

  it("returns the same array when everything is in order already", () => {
    const events = walkThrough().events;
    expect(causalOrder(events)).toBe(events);
  });

  it("keeps an effect whose message is not in the events where it is", () => {
    const log = new EventLog();
    const delivery = log.add({ kind: "message-received", lane: "res-1", messageId: "x", from: "carol@localhost/c", to: "alice@localhost/phone", messageType: "chat", body: "hi", delayed: false, summary: "from someone else" });
    expect(causalOrder(log.events).map((e) => e.id)).toEqual([delivery]);
  });
});

describe("buildSequence draws causes before effects", () => {
  it("draws the message arrow above its decision note and its delivery", () => {
    const { log, ids } = earlyEffects();
    const model = buildSequence(log.events, { lanes: LANES });
    const rowOf = (id: string) => model.rowOfEvent.get(id)!;
    expect(rowOf(ids.sent)).toBeLessThan(rowOf(ids.decision));
    expect(rowOf(ids.decision)).toBeLessThan(rowOf(ids.delivery));
    expect(model.rows[rowOf(ids.sent)]).toMatchObject({ kind: "arrow", verdict: { pushed: false, source: "decision" } });
  });
});
