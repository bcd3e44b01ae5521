import { describe, expect, it } from "vitest";
import type { TimelineEvent } from "../model";
import { createConsoleStore } from "./console";
import { createEventQueue } from "./event-queue";
import { DEFAULT_PROFILE } from "./profile";
import { createTimelineStore, filterEvents, selectViewEvents } from "./timeline";
import { TIMELINE_FORMAT } from "./timeline-file";

let n = 0;
function ev(partial: Partial<TimelineEvent> & Pick<TimelineEvent, "kind">, at = 1_000 + n): TimelineEvent {
  n += 1;
  const base = { id: `e${n}`, at, lane: "res-1", summary: `event ${n}` };
  switch (partial.kind) {
    case "message-sent":
      return { ...base, messageId: `m${n}`, from: "bob@localhost/x", to: "alice@localhost", sendKind: "chat", messageType: "chat", body: "hi", receivedBy: [], pushEventIds: [], ...partial } as TimelineEvent;
    case "push":
      return { ...base, iqId: `iq${n}`, from: "localhost", node: "n1", notification: null, publishOptions: null, answer: { kind: "result" }, ...partial } as TimelineEvent;
    default:
      return { ...base, status: "online", ...partial } as TimelineEvent;
  }
}

describe("timeline store", () => {
  it("buffers while paused, shows on resume, applies patches to shown and buffered events", () => {
    const store = createTimelineStore();
    const a = ev({ kind: "connection" });
    store.getState().applyBatch({ append: [a], patches: [] });
    store.getState().pause();
    const b = ev({ kind: "message-sent" });
    store.getState().applyBatch({ append: [b], patches: [{ id: a.id, apply: (e) => ({ ...e, summary: "patched a" }) }] });
    expect(store.getState().events.map((e) => e.id)).toEqual([a.id]);
    expect(store.getState().events[0]!.summary).toBe("patched a");
    expect(store.getState().buffered.map((e) => e.id)).toEqual([b.id]);
    store.getState().applyBatch({ append: [], patches: [{ id: b.id, apply: (e) => ({ ...e, summary: "patched b" }) }] });
    store.getState().resume();
    expect(store.getState().paused).toBe(false);
    expect(store.getState().events.map((e) => [e.id, e.summary])).toEqual([[a.id, "patched a"], [b.id, "patched b"]]);
    expect(store.getState().buffered).toEqual([]);
  });

  it("keeps time order when a late event arrives and still patches by id", () => {
    const store = createTimelineStore();
    const first = ev({ kind: "connection" }, 100);
    const third = ev({ kind: "connection" }, 300);
    store.getState().applyBatch({ append: [first, third], patches: [] });
    const second = ev({ kind: "connection" }, 200);
    store.getState().applyBatch({ append: [second], patches: [] });
    expect(store.getState().events.map((e) => e.at)).toEqual([100, 200, 300]);
    store.getState().applyBatch({ append: [], patches: [{ id: third.id, apply: (e) => ({ ...e, summary: "late patch" }) }] });
    expect(store.getState().events[2]!.summary).toBe("late patch");
    store.getState().applyBatch({ append: [], patches: [{ id: second.id, apply: (e) => ({ ...e, summary: "inserted patch" }) }] });
    expect(store.getState().events[1]!.summary).toBe("inserted patch");
  });

  it("merges late events under the cap and keeps patching the right ones", () => {
    const store = createTimelineStore({ cap: 4 });
    const list = [10, 20, 30, 40].map((at) => ev({ kind: "connection" }, at));
    store.getState().applyBatch({ append: list, patches: [] });
    const late = [ev({ kind: "connection" }, 25), ev({ kind: "connection" }, 50)];
    store.getState().applyBatch({ append: late, patches: [] });
    expect(store.getState().events.map((e) => e.at)).toEqual([25, 30, 40, 50]);
    expect(store.getState().dropped).toBe(2);
    for (const e of [late[0]!, list[2]!, late[1]!]) {
      store.getState().applyBatch({ append: [], patches: [{ id: e.id, apply: (x) => ({ ...x, summary: `p${x.at}` }) }] });
    }
    expect(store.getState().events.map((e) => e.summary)).toEqual(["p25", "p30", list[3]!.summary, "p50"]);
  });

  it("drops the oldest events at the cap and counts them", () => {
    const store = createTimelineStore({ cap: 3 });
    const list = [1, 2, 3, 4, 5].map((i) => ev({ kind: "connection" }, i));
    store.getState().applyBatch({ append: list.slice(0, 2), patches: [] });
    store.getState().applyBatch({ append: list.slice(2), patches: [] });
    expect(store.getState().events.map((e) => e.at)).toEqual([3, 4, 5]);
    expect(store.getState().dropped).toBe(2);
    store.getState().applyBatch({ append: [], patches: [{ id: list[3]!.id, apply: (e) => ({ ...e, summary: "kept" }) }] });
    expect(store.getState().events[1]!.summary).toBe("kept");
    store.getState().clear();
    expect(store.getState()).toMatchObject({ events: [], dropped: 0 });
  });

  it("filters by lane, kind and search (summary and XML)", () => {
    const events = [
      ev({ kind: "connection", lane: "res-1", summary: "alice online" }),
      ev({ kind: "push", lane: "sink", summary: "push to node n1", xml: "<iq><secret-thing/></iq>" }),
      ev({ kind: "message-sent", lane: "sender", summary: "bob → alice: hi" }),
    ];
    expect(filterEvents(events, { lanes: ["sink"], kinds: null, search: "" }).map((e) => e.kind)).toEqual(["push"]);
    expect(filterEvents(events, { lanes: null, kinds: ["message-sent", "connection"], search: "" })).toHaveLength(2);
    expect(filterEvents(events, { lanes: null, kinds: null, search: "SECRET-THING" }).map((e) => e.kind)).toEqual(["push"]);
    const store = createTimelineStore();
    store.getState().toggleKind("push");
    expect(store.getState().filters.kinds).not.toContain("push");
    store.getState().toggleKind("push");
    expect(store.getState().filters.kinds).toBeNull();
    store.getState().toggleLane("sink", ["res-1", "sink", "sender"]);
    expect(store.getState().filters.lanes).toEqual(["res-1", "sender"]);
  });

  it("exports a versioned document without passwords and imports it back read-only", async () => {
    const store = createTimelineStore({
      getProfile: () => ({ ...DEFAULT_PROFILE, rememberPassword: true, account: { username: "alice", password: "topsecret" } }),
      getLanes: () => ({ "res-1": { label: "alice/r1", colour: "#0072B2", role: "resource" }, unused: { label: "x", colour: "#000000", role: "sender" } }),
    });
    const list = [ev({ kind: "connection" }), ev({ kind: "message-sent" }), ev({ kind: "push", causeMessageId: "m1", linkMethod: "heuristic" })];
    store.getState().applyBatch({ append: list, patches: [] });
    store.getState().pause();
    const buffered = ev({ kind: "connection" });
    store.getState().applyBatch({ append: [buffered], patches: [] });
    const exported = await store.getState().exportJson();
    if (!exported.ok) throw new Error(exported.error);
    expect(exported.count).toBe(4);
    expect(exported.blob.type).toBe("application/json");
    const text = await exported.blob.text();
    expect(text).not.toContain("topsecret");
    const doc = JSON.parse(text);
    expect(doc).toMatchObject({ format: TIMELINE_FORMAT, version: 1, profile: { account: { username: "alice", password: "" } } });
    expect(doc.events).toHaveLength(4);
    // Only lanes the events use are exported.
    expect(doc.lanes).toEqual({ "res-1": { label: "alice/r1", colour: "#0072B2", role: "resource" } });
    expect(Number.isNaN(Date.parse(doc.exportedAt))).toBe(false);

    const other = createTimelineStore();
    const live = ev({ kind: "connection" });
    other.getState().applyBatch({ append: [live], patches: [] });
    const result = await other.getState().importJson(text, "session.json");
    expect(result).toEqual({ ok: true, count: 4 });
    const s = other.getState();
    expect(s.view).toBe("imported");
    expect(s.imported?.source).toBe("session.json");
    expect(s.imported?.lanes["res-1"]?.label).toBe("alice/r1");
    expect(selectViewEvents(s)).toEqual([...list, buffered]);
    expect(s.events.map((e) => e.id)).toEqual([live.id]);
    other.getState().closeImport();
    expect(selectViewEvents(other.getState()).map((e) => e.id)).toEqual([live.id]);
  });

  it("exports the events captured up to the call; those arriving while it is written stay live", async () => {
    const store = createTimelineStore();
    const before = [ev({ kind: "connection" }), ev({ kind: "message-sent" })];
    store.getState().applyBatch({ append: before, patches: [] });
    const pending = store.getState().exportJson();
    const late = ev({ kind: "push" });
    store.getState().applyBatch({ append: [late], patches: [] });
    const exported = await pending;
    if (!exported.ok) throw new Error(exported.error);
    expect(exported.count).toBe(2);
    expect((JSON.parse(await exported.blob.text()) as { events: TimelineEvent[] }).events.map((e) => e.id)).toEqual(before.map((e) => e.id));
    expect(store.getState().events.map((e) => e.id)).toEqual([...before, late].map((e) => e.id));
  });

  it("says why an export failed, and keeps the events", async () => {
    const store = createTimelineStore();
    // A value JSON cannot write (a bug elsewhere could put one in an event).
    const bad = { ...ev({ kind: "connection" }), body: 1n } as unknown as TimelineEvent;
    store.getState().applyBatch({ append: [bad], patches: [] });
    const exported = await store.getState().exportJson();
    expect(exported.ok).toBe(false);
    if (!exported.ok) expect(exported.error).toMatch(/^The export of 1 events failed: .*BigInt/);
    expect(store.getState().events).toEqual([bad]);
  });

  it("refuses invalid imports with specific messages and never throws", async () => {
    const store = createTimelineStore();
    const cases: [string, RegExp][] = [
      ["", /empty/],
      ["{", /Not JSON/],
      ["[]", /top level must be an object/],
      [JSON.stringify({ format: "other" }), /'format' is "other"/],
      [JSON.stringify({ format: TIMELINE_FORMAT, version: 2 }), /Unsupported timeline version 2/],
      [JSON.stringify({ format: TIMELINE_FORMAT, version: 1, exportedAt: "yesterday", events: [] }), /exportedAt/],
      [JSON.stringify({ format: TIMELINE_FORMAT, version: 1, exportedAt: new Date().toISOString(), events: {} }), /'events' must be an array/],
      [JSON.stringify({ format: TIMELINE_FORMAT, version: 1, exportedAt: new Date().toISOString(), events: [{ id: "a", at: 1, lane: "x", kind: "bogus", summary: "" }] }), /event 1 \(a\): unknown kind "bogus"/],
      [JSON.stringify({ format: TIMELINE_FORMAT, version: 1, exportedAt: new Date().toISOString(), events: [{ id: "a", at: "noon", lane: "x", kind: "connection", summary: "" }] }), /'at' must be epoch milliseconds/],
      [JSON.stringify({ format: TIMELINE_FORMAT, version: 1, exportedAt: new Date().toISOString(), events: [{ id: "a", at: 1, lane: "x", kind: "push", summary: "" }] }), /event 1 \(a, push\): 'iqId' must be a string, got undefined/],
      [JSON.stringify({ format: TIMELINE_FORMAT, version: 1, exportedAt: new Date().toISOString(), events: [{ id: "a", at: 1, lane: "x", kind: "connection", summary: "", status: "online" }, { id: "a", at: 2, lane: "x", kind: "connection", summary: "", status: "online" }] }), /event 2: duplicate id 'a'/],
      [JSON.stringify({ format: TIMELINE_FORMAT, version: 1, exportedAt: new Date().toISOString(), events: [{ id: "a", at: 1, lane: "x", kind: "connection", summary: "", status: "online", xml: 5 }] }), /'xml' must be a string/],
      [JSON.stringify({ format: TIMELINE_FORMAT, version: 1, exportedAt: new Date().toISOString(), events: [], lanes: { x: { label: "x", colour: "red;background:url(x)", role: "sender" } } }), /lane "x" has an invalid colour/],
    ];
    for (const [text, message] of cases) {
      const result = await store.getState().importJson(text);
      expect(result.ok, text).toBe(false);
      if (!result.ok) expect(result.error, text).toMatch(message);
      expect(store.getState().importError).toMatch(message);
      expect(store.getState().view).toBe("live");
    }
  });
});

describe("event queue batching", () => {
  it("turns 100,000 events into one store update per flush", () => {
    const timeline = createTimelineStore();
    const consoleStore = createConsoleStore();
    const timers: (() => void)[] = [];
    const queue = createEventQueue({
      timeline,
      console: consoleStore,
      setTimer: (fn) => {
        timers.push(fn);
        return timers.length;
      },
      clearTimer: () => {},
    });
    let timelineUpdates = 0;
    let consoleUpdates = 0;
    timeline.subscribe(() => timelineUpdates++);
    consoleStore.subscribe(() => consoleUpdates++);

    for (let i = 0; i < 100_000; i++) {
      queue.pushEvent({ id: `b${i}`, at: i, lane: i % 2 ? "res-1" : "sink", kind: "connection", status: "online", summary: `#${i}` });
      queue.pushFrame({ id: `f${i}`, at: i, lane: "res-1", direction: "in", kind: "message", text: "<message/>" });
    }
    expect(timers).toHaveLength(1); // one flush scheduled, however many events
    expect(timelineUpdates).toBe(0);
    expect(queue.pending).toBe(200_000);
    timers[0]!();
    expect(timelineUpdates).toBe(1);
    expect(consoleUpdates).toBe(1);
    expect(timeline.getState().events).toHaveLength(100_000);
    expect(consoleStore.getState().frames).toHaveLength(100_000);
    expect(queue.flushes).toBe(1);

    // A second wave is another single update, with patches applied in the same setState.
    for (let i = 0; i < 50_000; i++) queue.pushEvent({ id: `c${i}`, at: 100_000 + i, lane: "res-1", kind: "connection", status: "offline", summary: "" });
    queue.patchEvent({ id: "b5", apply: (e) => ({ ...e, summary: "patched" }) });
    expect(timers).toHaveLength(2);
    timers[1]!();
    expect(timelineUpdates).toBe(2);
    expect(timeline.getState().events).toHaveLength(150_000);
    expect(timeline.getState().events[5]!.summary).toBe("patched");
  });
});
