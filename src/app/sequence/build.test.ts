import { buildSequence, sliceSequence } from "./build";
import { APP_SERVER_ID, SENDER_ID, SERVER_ID } from "./participants";
import { EventLog, LANES, walkThrough } from "./test-events";
import type { ArrowRow, CollapsedRow, NoteRow, SequenceModel, SequenceRow } from "./types";

function rowsOf(model: SequenceModel, eventId: string): SequenceRow[] {
  return model.rows.filter((r) => r.eventId === eventId);
}

function arrowOf(model: SequenceModel, eventId: string): ArrowRow {
  const row = rowsOf(model, eventId).find((r): r is ArrowRow => r.kind === "arrow");
  if (!row) throw new Error(`no arrow for ${eventId}`);
  return row;
}

function noteOf(model: SequenceModel, eventId: string): NoteRow {
  const row = rowsOf(model, eventId).find((r): r is NoteRow => r.kind === "note");
  if (!row) throw new Error(`no note for ${eventId}`);
  return row;
}

describe("buildSequence: the walk-through (phone away, laptop gone, push)", () => {
  const w = walkThrough();
  const model = buildSequence(w.events, { lanes: LANES });

  it("has one lane per participant, sender and server first, the App Server last", () => {
    expect(model.participants.map((p) => [p.id, p.role, p.label])).toEqual([
      [SENDER_ID, "sender", "bob"],
      [SERVER_ID, "server", "localhost"],
      ["res-1", "resource", "alice/phone"],
      ["res-2", "resource", "alice/laptop"],
      [APP_SERVER_ID, "app-server", "pushsvc/sink"],
    ]);
  });

  it("draws the message, its delivery, the push and the App Server's answer as arrows", () => {
    const sent = arrowOf(model, w.ids.pushed);
    expect(sent).toMatchObject({ from: SENDER_ID, to: SERVER_ID, arrow: "message", label: "chat “Dinner at eight?”" });
    expect(sent.verdict).toEqual({ pushed: true, source: "decision", rule: "spec/all-away", reason: "all 1 receiving resources are away and registration n-3f9a has away=true" });

    const push = arrowOf(model, w.ids.push);
    expect(push).toMatchObject({ from: SERVER_ID, to: APP_SERVER_ID, arrow: "publish", tone: "push", dashed: false });
    expect(push.label).toContain("n-3f9a");

    const i = model.rowOfEvent.get(w.ids.push)!;
    expect(model.rows[i + 1]).toMatchObject({ kind: "arrow", arrow: "answer", from: APP_SERVER_ID, to: SERVER_ID, dashed: true, label: "publish: result" });

    const delivery = model.rows.find((r) => r.kind === "arrow" && r.arrow === "delivery" && r.to === "res-1");
    expect(delivery).toMatchObject({ from: SERVER_ID, label: "chat “Dinner at eight?”" });
  });

  it("puts the server's decision on the server lane, the push highlighted", () => {
    const note = model.rows.find((r): r is NoteRow => r.kind === "note" && r.tone === "push" && r.text.startsWith("push:"));
    expect(note?.over).toEqual([SERVER_ID]);
    expect(note?.text).toBe("push: all 1 receiving resources are away and registration n-3f9a has away=true [spec/all-away]");
  });

  it("marks a message that was not pushed with the decision's reason", () => {
    const sent = arrowOf(model, w.ids.notPushed);
    expect(sent.tone).toBe("no-push");
    expect(sent.verdict).toEqual({ pushed: false, source: "decision", rule: "spec/online-session", reason: "alice/laptop is online (available): it gets the message" });
    const note = model.rows.find((r): r is NoteRow => r.kind === "note" && r.tone === "no-push");
    expect(note?.text).toBe("no push: alice/laptop is online (available): it gets the message [spec/online-session]");
    expect(model.stats.notPushed).toBe(1);
  });

  it("shows the laptop going, and the enable with its answer (both rows keep the enable's id)", () => {
    expect(noteOf(model, w.ids.laptopGone)).toMatchObject({ over: ["res-2"], text: "disconnected" });
    const enable = rowsOf(model, w.ids.enable);
    expect(enable.map((r) => (r.kind === "arrow" ? [r.from, r.to, r.label, r.dashed] : null))).toEqual([
      ["res-1", SERVER_ID, "enable node n-3f9a away=true", false],
      [SERVER_ID, "res-1", "enable: result", true],
    ]);
    expect(new Set(enable.map((r) => r.key)).size).toBe(2);
  });

  it("shows the hibernation: app killed, the server's push for the queue, resumption and redelivery", () => {
    expect(noteOf(model, w.ids.killed)).toMatchObject({ over: ["res-1"], tone: "warning" });
    const killedRow = model.rowOfEvent.get(w.ids.killed)!;
    const after = model.rows.slice(killedRow + 1).map((r) => (r.kind === "note" ? `note ${r.over.join(",")}: ${r.text}` : r.kind === "arrow" ? `${r.from}->${r.to}: ${r.label}` : r.text));
    expect(after).toEqual([
      "note server: prosody: alice@localhost/phone hibernated (1 unacknowledged stanza); pushes to 1 registration for its queue: the session hibernated",
      "server->app-server: push: publish node n-3f9a, count 1, “Are you there?”",
      "app-server->server: publish: result",
      "note res-1: session resumed (XEP-0198), 1 stanza redelivered",
      "server->res-1: delayed chat “Are you there?”",
    ]);
    expect(arrowOf(model, w.ids.hibernationPush).tone).toBe("push");
    expect(model.stats.pushes).toBe(2);
  });

  it("keeps, on every row, the id of the event it came from, and finds every event's row", () => {
    const ids = new Set(w.events.map((e) => e.id));
    for (const row of model.rows) {
      expect(ids.has(row.eventId)).toBe(true);
      if (row.kind === "collapsed") for (const id of row.eventIds) expect(ids.has(id)).toBe(true);
    }
    for (const e of w.events) {
      const index = model.rowOfEvent.get(e.id);
      expect(index, e.id).toBeDefined();
      const row = model.rows[index!]!;
      expect(row.eventId === e.id || (row.kind === "collapsed" && row.eventIds.includes(e.id))).toBe(true);
    }
    expect(new Set(model.rows.map((r) => r.key)).size).toBe(model.rows.length);
  });

  it("folds the opening connection steps into one row with a count", () => {
    const first = model.rows[0] as CollapsedRow;
    expect(first).toMatchObject({ kind: "collapsed", group: "noise", count: 5, text: "5 stream events: 5 connection steps" });
    expect(first.eventIds).toEqual(w.events.slice(0, 5).map((e) => e.id));
    expect(model.stats.collapsedEvents).toBe(5);
  });

  it("names participants from the events' JIDs when no lane labels are given", () => {
    const bare = buildSequence(w.events);
    expect(bare.participants.map((p) => p.label)).toEqual(["bob@localhost", "localhost", "phone", "laptop", "pushsvc@localhost/sink"]);
    expect(buildSequence(w.events, { serverLabel: "example.org" }).participants[1]!.label).toBe("example.org");
  });
});

describe("buildSequence: collapsing", () => {
  function burst(presences: number): { log: EventLog; ids: string[] } {
    const log = new EventLog();
    log.online("res-1", "phone");
    const ids: string[] = [];
    for (let i = 0; i < presences; i++) ids.push(log.presence("res-1", i % 2 ? "available" : "away"));
    log.send("m-1", "hello");
    return { log, ids };
  }

  it("folds a presence burst into one row with a count and each lane's last state", () => {
    const { log, ids } = burst(7);
    const model = buildSequence(log.events, { lanes: LANES });
    const row = model.rows[model.rowOfEvent.get(ids[0]!)!] as CollapsedRow;
    expect(row).toMatchObject({ kind: "collapsed", group: "presence", count: 7, eventIds: ids, text: "7 presence changes, now: alice/phone away" });
    expect(row.participants.sort()).toEqual(["res-1", SERVER_ID].sort());
    for (const id of ids) expect(model.rowOfEvent.get(id)).toBe(model.rowOfEvent.get(ids[0]!));
  });

  it("keeps a short run of presence changes as arrows", () => {
    const { log, ids } = burst(2);
    const model = buildSequence(log.events, { lanes: LANES });
    expect(ids.map((id) => arrowOf(model, id).label)).toEqual(["presence away", "presence available"]);
  });

  it("opens a folded group the user expanded, and folds nothing with collapse off", () => {
    const { log, ids } = burst(7);
    const expanded = buildSequence(log.events, { lanes: LANES, expanded: new Set([ids[0]!]) });
    expect(ids.map((id) => arrowOf(expanded, id).arrow)).toEqual(Array(7).fill("presence"));
    const flat = buildSequence(log.events, { lanes: LANES, collapse: false });
    expect(flat.rows.some((r) => r.kind === "collapsed")).toBe(false);
    expect(flat.rows).toHaveLength(log.events.length);
  });

  it("says what a noise group holds", () => {
    const log = new EventLog();
    log.online("res-1", "phone");
    const a = log.add({ kind: "disco", lane: "res-1", target: "domain", jid: "localhost", outcome: "result", identities: [], features: [], summary: "disco" });
    log.add({ kind: "presence", lane: "res-1", direction: "in", from: "carol@localhost", available: true, show: null, priority: 0, summary: "presence in" });
    log.add({ kind: "raw-send", lane: "res-1", element: "iq", summary: "raw iq" });
    log.send("m-1", "x");
    const model = buildSequence(log.events, { lanes: LANES });
    expect(model.rows[model.rowOfEvent.get(a)!]).toMatchObject({ kind: "collapsed", group: "noise", count: 3, text: "3 stream events: 1 disco#info, 1 incoming presence, 1 raw stanza" });
  });
});

describe("buildSequence: verdicts without a server log (real servers)", () => {
  function session(withPush: boolean) {
    const log = new EventLog();
    const sent = log.send("m-1", "hi");
    if (withPush) log.push("p-1", "hi", { eventId: sent });
    log.add({ kind: "connection", lane: "res-1", status: "online", jid: "alice@localhost/phone", summary: "later" });
    return { log, sent };
  }

  it("counts a linked push as pushed (observed)", () => {
    const { log, sent } = session(true);
    expect(arrowOf(buildSequence(log.events), sent).verdict).toMatchObject({ pushed: true, source: "observed" });
  });

  it("says no push was seen only once the wait is over", () => {
    const { log, sent } = session(false);
    expect(arrowOf(buildSequence(log.events, { pushWaitMs: 10_000 }), sent).verdict).toBeUndefined();
    const late = buildSequence(log.events, { pushWaitMs: 10_000, now: log.events[0]!.at + 10_000 });
    expect(arrowOf(late, sent).verdict).toEqual({ pushed: false, source: "observed", reason: "no push for it reached the App Server sink" });
  });
});

describe("buildSequence: lanes that are no participant", () => {
  it("skips the playground's and the Scenarios harness's events", () => {
    const log = new EventLog();
    log.add({ kind: "error", lane: "playground", error: { code: "internal", message: "x" }, summary: "x" });
    log.add({ kind: "message-sent", lane: "scenarios", messageId: "s", from: "b@x", to: "a@x", sendKind: "chat", messageType: "chat", receivedBy: [], pushEventIds: [], summary: "C1" });
    const model = buildSequence(log.events);
    expect(model.rows).toEqual([]);
    expect(model.stats.skipped).toBe(2);
    expect(model.participants.map((p) => p.role)).toEqual(["sender", "server", "app-server"]);
  });
});

describe("buildSequence: events it does not know", () => {
  it("draws nothing for an unknown kind and a plain note for an unknown connection status, without throwing", () => {
    const log = new EventLog();
    const odd = log.add({ kind: "future-kind", lane: "res-1", summary: "?" } as unknown as Parameters<EventLog["add"]>[0]);
    const status = log.add({ kind: "connection", lane: "res-1", status: "sleeping", summary: "phone sleeping" } as unknown as Parameters<EventLog["add"]>[0]);
    const model = buildSequence(log.events, { lanes: LANES, collapse: false });
    expect(model.rowOfEvent.has(odd)).toBe(false);
    expect(model.rows[model.rowOfEvent.get(status)!]).toMatchObject({ kind: "note", text: "phone sleeping", tone: "muted" });
  });
});

describe("sliceSequence", () => {
  it("keeps the participants and re-indexes the rows of the slice", () => {
    const w = walkThrough();
    const model = buildSequence(w.events, { lanes: LANES });
    const at = model.rowOfEvent.get(w.ids.notPushed)!;
    const slice = sliceSequence(model, at, at + 2);
    expect(slice.participants).toEqual(model.participants);
    expect(slice.rows).toEqual(model.rows.slice(at, at + 2));
    expect(slice.rowOfEvent.get(w.ids.notPushed)).toBe(0);
    expect(slice.stats).toMatchObject({ rows: 2, notPushed: 1, pushes: 0 });
    expect(sliceSequence(model, -5, 1e9).rows).toHaveLength(model.rows.length);
  });

  it("counts the events a slice shows: folded ones, and an iq with its answer once", () => {
    const w = walkThrough();
    const model = buildSequence(w.events, { lanes: LANES });
    expect(sliceSequence(model, 0, 1).stats).toMatchObject({ events: 5, collapsedEvents: 5, rows: 1 });
    const enable = model.rowOfEvent.get(w.ids.enable)!;
    expect(sliceSequence(model, enable, enable + 2).stats).toMatchObject({ events: 1, collapsedEvents: 0, rows: 2 });
  });
});
