import type { TimelineEvent } from "../model";
import { buildSequence } from "./build";
import { createSequenceBuilder } from "./builder";
import { EventLog, LANES, longSession, walkThrough } from "./test-events";
import type { SequenceModel } from "./types";

/** mulberry32: deterministic runs. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every kind of row: rounds with pushes and non-pushes, presence bursts, noise, reconnects, hibernation. */
function session(rand: () => number, rounds: number): TimelineEvent[] {
  const log = new EventLog();
  log.online("res-1", "phone");
  log.online("res-2", "laptop");
  for (let round = 1; round <= rounds; round++) {
    const r = rand();
    if (r < 0.15) for (let i = 0; i < 1 + Math.floor(rand() * 5); i++) log.presence(rand() < 0.5 ? "res-1" : "res-2", rand() < 0.5 ? "away" : "available");
    else if (r < 0.25) {
      log.add({ kind: "disco", lane: "res-1", target: "account", jid: "alice@localhost", outcome: "result", identities: [], features: [], summary: "disco" });
      log.add({ kind: "connection", lane: "sender", status: "connecting", summary: "sender connecting" });
    } else if (r < 0.3) {
      log.add({ kind: "connection", lane: "res-2", status: "offline", summary: "laptop gone" });
      log.online("res-2", "laptop");
    } else if (r < 0.33) log.add({ kind: "error", lane: "playground", error: { code: "internal", message: "x" }, summary: "skipped lane" });
    const id = `m-${round}`;
    const sent = log.send(id, `body ${round}`);
    const pushed = rand() < 0.6;
    if (rand() < 0.8) log.decision(id, pushed ? 1 : 0, pushed ? "spec/all-away" : "spec/online-session", pushed ? "all away" : "laptop online");
    log.receive("res-1", "phone", id, `body ${round}`, sent);
    if (pushed) log.push(`p-${round}`, `body ${round}`, { eventId: sent, messageId: id });
  }
  return log.events;
}

/**
 * Feeds `source` to a timeline the way the store fills it: in batches, decisions arriving a few
 * batches late and merged in by time (stamped before their message), message events first without
 * their receipts and push links and patched later, pushes linked to a wrong message (or none) and
 * re-linked later, the oldest dropped at the cap.
 */
function* timelineStates(source: readonly TimelineEvent[], rand: () => number, cap: number): Generator<{ events: TimelineEvent[]; now: number }> {
  let shown: TimelineEvent[] = [];
  const late: TimelineEvent[] = [];
  const finals = new Map<string, TimelineEvent>();
  const sentIds: string[] = [];
  let i = 0;
  while (i < source.length || late.length > 0) {
    const batch: TimelineEvent[] = [];
    for (let n = 1 + Math.floor(rand() * 12); n > 0 && i < source.length; n--, i++) {
      const e = source[i]!;
      if (e.kind === "decision" && rand() < 0.7) late.push({ ...e, at: e.at - 1500 });
      else if (e.kind === "message-sent" && (e.receivedBy.length > 0 || e.pushEventIds.length > 0)) {
        finals.set(e.id, e);
        batch.push({ ...e, receivedBy: [], pushEventIds: [] });
        sentIds.push(e.id);
      } else if (e.kind === "push" && rand() < 0.5) {
        // Linked by the heuristic first (maybe to the wrong message), by the server log later.
        finals.set(e.id, e);
        const { causeEventId: _cause, ...unlinked } = e;
        const wrong = sentIds[Math.floor(rand() * sentIds.length)];
        batch.push(rand() < 0.7 && wrong ? { ...unlinked, causeEventId: wrong, linkMethod: "heuristic" } : unlinked);
      } else batch.push(e);
    }
    if (late.length > 0 && (rand() < 0.5 || i >= source.length)) batch.push(...late.splice(0, late.length));
    batch.sort((a, b) => a.at - b.at);
    for (const e of batch) {
      let at = shown.length;
      while (at > 0 && shown[at - 1]!.at > e.at) at--;
      shown = [...shown.slice(0, at), e, ...shown.slice(at)];
    }
    // Patch some messages shown earlier (new objects, as the store's patches make).
    for (const [id, final] of finals) {
      if (rand() < 0.5) continue;
      const at = shown.findIndex((e) => e.id === id);
      if (at >= 0) shown = shown.map((e, k) => (k === at ? final : e));
      finals.delete(id);
    }
    if (shown.length > cap) shown = shown.slice(shown.length - cap);
    yield { events: shown, now: (shown[shown.length - 1]?.at ?? 0) + Math.floor(rand() * 20_000) };
  }
}

function comparable(model: SequenceModel) {
  return { participants: model.participants, rows: model.rows, index: [...model.rowOfEvent].sort(([a], [b]) => (a < b ? -1 : 1)), stats: model.stats };
}

describe("createSequenceBuilder", () => {
  it.each([1, 2, 3, 4])("draws what a full build draws, update after update (seed %i)", (seed) => {
    const rand = prng(seed);
    const source = session(rand, 120);
    const builder = createSequenceBuilder({ lanes: LANES });
    let updates = 0;
    for (const { events, now } of timelineStates(source, rand, seed === 4 ? 150 : 10_000)) {
      const incremental = builder.update(events, now);
      const full = buildSequence(events, { lanes: LANES, now });
      expect(comparable(incremental)).toEqual(comparable(full));
      updates += 1;
    }
    expect(updates).toBeGreaterThan(30);
  });

  it("re-indexes the rows after a checkpoint when an event is merged in right there", () => {
    const log = new EventLog();
    for (let i = 0; i < 70; i++) log.send(`m-${i}`, `${i}`);
    const builder = createSequenceBuilder({ lanes: LANES, pushWaitMs: 1e9 });
    builder.update(log.events);
    const merged: TimelineEvent = { id: "late", at: log.events[63]!.at + 1, lane: "res-1", kind: "connection", status: "online", summary: "late" };
    const events = [...log.events.slice(0, 64), merged, ...log.events.slice(64)];
    const model = builder.update(events);
    expect(model.rowOfEvent.get("late")).toBe(64);
    expect(model.rowOfEvent.get(log.events[64]!.id)).toBe(65);
    expect(comparable(model)).toEqual(comparable(buildSequence(events, { lanes: LANES, pushWaitMs: 1e9 })));
  });

  it("returns the same model for the same events", () => {
    const builder = createSequenceBuilder({ lanes: LANES });
    const events = walkThrough().events;
    expect(builder.update(events)).toBe(builder.update(events));
  });

  it("keeps the rows of an earlier model when it redraws the end", () => {
    const builder = createSequenceBuilder({ lanes: LANES });
    const events = longSession(500);
    const first = builder.update(events.slice(0, 400));
    const rows = [...first.rows];
    builder.update(events);
    expect(first.rows).toEqual(rows);
  });

  it("draws everything again when a participant's label changes", () => {
    const log = new EventLog();
    log.presence("res-1", "away");
    log.presence("res-1", "available");
    log.presence("res-1", "xa");
    const builder = createSequenceBuilder();
    expect((builder.update([...log.events]).rows[0] as { text: string }).text).toBe("3 presence changes, now: res-1 xa");
    log.online("res-1", "phone");
    const model = builder.update([...log.events]);
    expect(model.rows[0]).toMatchObject({ kind: "collapsed", text: "3 presence changes, now: phone xa (+1 stream event)" });
    expect(comparable(model)).toEqual(comparable(buildSequence(log.events)));
  });

  it("updates a message's verdict when its decision arrives later", () => {
    const log = new EventLog();
    const sent = log.send("m-1", "hi");
    for (let i = 0; i < 200; i++) log.presence("res-1", i % 2 ? "away" : "available");
    const builder = createSequenceBuilder({ lanes: LANES, collapse: false, pushWaitMs: 1e9 });
    const before = builder.update([...log.events]);
    expect(before.rows[0]).toMatchObject({ eventId: sent, tone: "normal" });
    expect("verdict" in before.rows[0]!).toBe(false);
    log.decision("m-1", 0, "spec/online-session", "phone is online");
    const after = builder.update([...log.events]);
    expect(after.rows[0]).toMatchObject({ eventId: sent, tone: "no-push", verdict: { pushed: false, reason: "phone is online" } });
  });
});
