/** Outside lanes: the account's sessions the playground did not open, from the server log and from presence. */
import xml from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { NS } from "../../protocol/ns";
import type { PushLogEntry } from "../../protocol/push-log";
import { buildSequence } from "../sequence/build";
import { LANES } from "../sequence/test-events";
import { selectOutsideLaneInfo, selectOutsideSessions } from "../stores/outside";
import { createTestContext } from "../test-support/service-context";
import { createOutsideSessions, OUTSIDE_LABEL } from "./outside-sessions";

const base = { at: "2026-01-01T00:00:00.000Z", host: "localhost", policy: "spec", account: "alice@localhost" } as const;
const SINK = "pushsvc@localhost/sink";

function entry(fields: Record<string, unknown> & { kind: PushLogEntry["kind"]; seq: number }): PushLogEntry {
  return { ...base, ...fields } as unknown as PushLogEntry;
}

function setUp() {
  const ctx = createTestContext();
  const sent = new Map([["m1", { eventId: "ev-sent-1" }]]);
  const outside = createOutsideSessions(ctx, {
    accountBare: () => "alice@localhost",
    ownResources: () => new Set(["r1", "r2"]),
    linker: { sentByMessageId: (id) => sent.get(id) as never },
  });
  const lanes = () => selectOutsideSessions(ctx.stores.outside.getState());
  return { ctx, outside, lanes };
}

describe("outside sessions from the reference server's log", () => {
  it("shows a session it did not open with its presence, caps node, enable and end, each on its own lane", () => {
    const { ctx, outside, lanes } = setUp();
    outside.logEntry(entry({ kind: "session-bound", seq: 1, resource: "phone", sessionId: "s-9", why: "bound" }), 10);
    outside.logEntry(entry({ kind: "session-presence", seq: 2, resource: "phone", sessionId: "s-9", presence: { show: "dnd", priority: 3, status: "busy" }, capsNode: "https://conversations.im", why: "p" }), 11);
    const registration = { jid: SINK, node: "n-out", away: true, enabledBySessionId: "s-9", enabledByResource: "phone", publishOptions: null, errorCount: 0 };
    outside.logEntry(entry({ kind: "enable", seq: 3, resource: "phone", key: { jid: SINK, node: "n-out" }, registration, why: "new registration; away=true" }), 12);

    expect(lanes()).toEqual([
      expect.objectContaining({ id: "outside-phone", jid: "alice@localhost/phone", label: "alice/phone (outside)", status: "online", sessionId: "s-9", presence: { show: "dnd", priority: 3, status: "busy" }, capsNode: "https://conversations.im", seenThrough: "server log" }),
    ]);
    expect(ctx.stores.registrations.getState().registrations).toEqual([
      expect.objectContaining({ jid: SINK, node: "n-out", away: true, enabledByResource: "phone", state: "active", note: `enabled by alice/phone (outside): ${OUTSIDE_LABEL}` }),
    ]);
    outside.logEntry(entry({ kind: "session-ended", seq: 4, resource: "phone", sessionId: "s-9", reason: "closed", why: "phone's session ended: a clean </close>" }), 13);
    expect(lanes()[0]).toMatchObject({ status: "ended", presence: null, note: "phone's session ended: a clean </close>" });

    const events = ctx.events();
    expect(events.map((e) => [e.kind, e.lane])).toEqual([
      ["connection", "outside-phone"],
      ["presence", "outside-phone"],
      ["enable", "outside-phone"],
      ["connection", "outside-phone"],
    ]);
    expect(events[2]).toMatchObject({ jid: SINK, node: "n-out", away: true, outcome: "result" });
    expect(events[3]).toMatchObject({ status: "offline" });
  });

  it("ignores the playground's own resources, other accounts, and a replaced session's late end", () => {
    const { outside, lanes } = setUp();
    outside.logEntry(entry({ kind: "session-bound", seq: 1, resource: "r1", sessionId: "s-1", why: "" }), 1);
    outside.logEntry(entry({ kind: "session-bound", seq: 2, resource: "x", sessionId: "s-2", account: "bob@localhost", why: "" }), 1);
    outside.logEntry(entry({ kind: "session-bound", seq: 3, resource: "app", sessionId: "s-new", why: "" }), 2);
    outside.logEntry(entry({ kind: "session-ended", seq: 4, resource: "app", sessionId: "s-old", reason: "replaced", why: "" }), 3);
    expect(lanes().map((v) => [v.resource, v.status])).toEqual([["app", "online"]]);
  });

  it("puts a delivered message on the outside lane, tied to the message the playground sent", () => {
    const { ctx, outside } = setUp();
    outside.logEntry(entry({ kind: "session-bound", seq: 1, resource: "phone", sessionId: "s-9", why: "" }), 1);
    outside.logEntry(
      entry({ kind: "message-decision", seq: 2, messageId: "m1", from: "bob@localhost/x", to: "alice@localhost", delivery: { deliveredTo: ["r1", "phone"], storedOffline: false }, message: { type: "chat", hasBody: true, body: "hi", from: "bob@localhost/x", toResource: null } }),
      2,
    );
    const received = ctx.events().filter((e) => e.kind === "message-received");
    expect(received).toEqual([expect.objectContaining({ lane: "outside-phone", messageId: "m1", body: "hi", causeEventId: "ev-sent-1" })]);
  });

  it("records a refused enable with its error and keeps it out of the registrations", () => {
    const { ctx, outside } = setUp();
    outside.logEntry(entry({ kind: "enable", seq: 1, resource: "phone", key: { jid: "pushsvc@localhost", node: "" }, error: { type: "modify", condition: "bad-request", text: "node required" }, why: "refused" }), 1);
    expect(ctx.events()[0]).toMatchObject({ kind: "enable", lane: "outside-phone", outcome: "error", error: { code: "stanza-error", condition: "bad-request" } });
    expect(ctx.stores.registrations.getState().registrations).toEqual([]);
  });
});

describe("a server restart", () => {
  it("ends every outside lane: the server's sessions are gone with it", () => {
    const { outside, lanes } = setUp();
    outside.logEntry(entry({ kind: "session-bound", seq: 1, resource: "phone", sessionId: "s-9", why: "" }), 1);
    outside.serverRestarted(5);
    expect(lanes()[0]).toMatchObject({ status: "ended", since: 5, note: "the server restarted: its sessions are gone" });
  });
});

describe("outside sessions seen through presence (other servers)", () => {
  it("makes a lane from a sibling's presence once, however many of our resources receive it", () => {
    const { ctx, outside, lanes } = setUp();
    const presence = xml("presence", { from: "alice@localhost/gajim", to: "alice@localhost/r1" }, xml("show", {}, "away"), xml("c", { xmlns: NS.caps, node: "https://gajim.org", ver: "v", hash: "sha-1" }));
    outside.presenceReceived(presence, 5);
    outside.presenceReceived(presence, 6);
    expect(lanes()).toEqual([expect.objectContaining({ resource: "gajim", seenThrough: "presence", status: "online", capsNode: "https://gajim.org", presence: { show: "away", priority: 0 } })]);
    expect(ctx.events()).toHaveLength(1);
    expect(ctx.events()[0]!.summary).toContain("seen through presence");

    outside.presenceReceived(xml("presence", { from: "alice@localhost/gajim", type: "unavailable" }), 7);
    expect(lanes()[0]).toMatchObject({ status: "ended", presence: null });
    // Our own resources and other accounts are no outside sessions.
    outside.presenceReceived(xml("presence", { from: "alice@localhost/r2" }), 8);
    outside.presenceReceived(xml("presence", { from: "bob@localhost/x" }), 8);
    expect(lanes()).toHaveLength(1);
  });

  it("leaves a lane the server log knows to the log", () => {
    const { ctx, outside, lanes } = setUp();
    outside.logEntry(entry({ kind: "session-bound", seq: 1, resource: "phone", sessionId: "s-9", why: "" }), 1);
    outside.presenceReceived(xml("presence", { from: "alice@localhost/phone" }), 2);
    expect(lanes()[0]).toMatchObject({ seenThrough: "server log", presence: null });
    expect(ctx.events()).toHaveLength(1);
  });
});

describe("outside lanes in the Sequence view", () => {
  it("are resource participants labelled as outside, with their enable and delivered message drawn", () => {
    const { ctx, outside } = setUp();
    outside.logEntry(entry({ kind: "session-bound", seq: 1, resource: "phone", sessionId: "s-9", why: "" }), 1);
    const registration = { jid: SINK, node: "n-out", away: false, enabledBySessionId: "s-9", enabledByResource: "phone", publishOptions: null, errorCount: 0 };
    outside.logEntry(entry({ kind: "enable", seq: 2, resource: "phone", key: { jid: SINK, node: "n-out" }, registration, why: "new registration" }), 2);
    outside.logEntry(
      entry({ kind: "message-decision", seq: 3, messageId: "m9", from: "bob@localhost/x", to: "alice@localhost", delivery: { deliveredTo: ["phone"], storedOffline: false }, message: { type: "chat", hasBody: true, body: "yo", from: "bob@localhost/x", toResource: null } }),
      3,
    );
    const events = ctx.events();
    const model = buildSequence(events, { lanes: { ...LANES, ...selectOutsideLaneInfo(ctx.stores.outside.getState()) } });
    expect(model.participants.find((p) => p.id === "outside-phone")).toMatchObject({ role: "resource", label: "alice/phone (outside)" });
    const arrows = model.rows.map((r) => (r.kind === "arrow" ? [r.arrow, r.from, r.to, r.label] : [r.kind, r.eventId]));
    expect(arrows).toEqual([
      ["note", events[0]!.id],
      ["enable", "outside-phone", "server", "enable node n-out"],
      ["enable", "server", "outside-phone", "enable: result"],
      ["delivery", "server", "outside-phone", "chat “yo”"],
    ]);
  });
});
