/**
 * Issue 13: pushes no routed message causes, and the hibernation window behind them, against the
 * SessionManager with fake sessions and fake timers (the stream layer's side is in
 * stream/stream-phases.test.ts). What each asserts was observed on Prosody 0.12 and ejabberd 23.01
 * with scripts/probe-timer-pushes.ts; ejabberd's wake-up push 2 min before 72 h is from the source.
 */
import xml, { type Element } from "@xmpp/xml";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { NS } from "../../protocol/ns";
import type { SessionStateEntry } from "../../protocol/push-log";
import { buildEnable, isParseFailure, parsePushPublish, type ParsedPushPublish } from "../../protocol/stanzas/push";
import { silentLogger } from "../logger";
import { FakeSession } from "../test-support/fake-session";
import type { HibernationWindowControl } from "../types";
import { PushLog } from "./push-log-store";
import { SessionManager } from "./session-manager";

const HOUR = 3_600_000;
const managers: SessionManager[] = [];

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  managers.splice(0).forEach((m) => m.close());
  vi.useRealTimers();
});

function setup(): { sm: SessionManager; log: PushLog; sink: FakeSession; bob: FakeSession } {
  const log = new PushLog();
  const sm = new SessionManager({
    hosts: [
      { domain: "localhost", policy: "spec" },
      { domain: "prosody.localhost", policy: "prosody" },
      { domain: "ejabberd.localhost", policy: "ejabberd" },
    ],
    logger: silentLogger,
    appServerTimeoutMs: 5000,
    pushLog: log,
  });
  managers.push(sm);
  const sink = bind(sm, "pushsvc@localhost/sink");
  const bob = bind(sm, "bob@localhost/b");
  return { sm, log, sink, bob };
}

function bind(sm: SessionManager, jid: string): FakeSession {
  const session = new FakeSession(jid);
  sm.sessionBound(session);
  return session;
}

/** A device that enabled push to the sink on `node`. */
function enabled(sm: SessionManager, jid: string, sink: FakeSession, node = "n1"): FakeSession {
  const phone = bind(sm, jid);
  sm.stanza(phone, stamped(phone, buildEnable({ jid: sink.jid, node, id: `en-${node}` })));
  return phone;
}

function stamped(session: FakeSession, stanza: Element): Element {
  stanza.attrs.from = session.jid;
  return stanza;
}

function chat(bob: FakeSession, to: string, body: string | null): Element {
  const attrs = { to, type: "chat", id: `m-${body ?? "none"}` };
  return stamped(bob, body === null ? xml("message", attrs) : xml("message", attrs, xml("body", {}, body)));
}

/** The publishes the sink got, parsed as the App Server reads them (the sink's answers are not sent: none is needed). */
function publishes(sink: FakeSession): ParsedPushPublish[] {
  return sink.sent.filter((s) => s.name === "iq").map((iq) => {
    const parsed = parsePushPublish(iq);
    if (isParseFailure(parsed)) throw new Error(parsed.error);
    return parsed;
  });
}

function entries(log: PushLog, account: string, kind: SessionStateEntry["kind"]): SessionStateEntry[] {
  return log.list({ account }).filter((e): e is SessionStateEntry => e.kind === kind);
}

/** What the stream layer's resumption registry hands over: records each move of the session's end. */
function windowControl(): HibernationWindowControl & { moves: number[] } {
  const moves: number[] = [];
  return { moves, restart: (ms) => void moves.push(ms), unacked: () => 0 };
}

describe("Prosody: smacks-ack-delayed", () => {
  it("pushes the session's registration 1 s after its acks are overdue, important for a queued message with a body", () => {
    const { sm, log, sink, bob } = setup();
    const phone = enabled(sm, "carol@prosody.localhost/phone", sink);
    sm.stanza(bob, chat(bob, "carol@prosody.localhost/phone", "hi"));
    // Connected: the message is delivered, nothing is pushed.
    expect(publishes(sink)).toEqual([]);
    const queued = phone.sent.filter((s) => s.name === "message").map((stanza) => ({ stanza, at: new Date() }));
    expect(queued).toHaveLength(1);

    sm.sessionAckOverdue(phone, { unacked: queued, waitedMs: 30_000 });
    const [overdue] = entries(log, "carol@prosody.localhost", "session-ack-overdue");
    expect(overdue).toMatchObject({ resource: "phone", unacked: 1, decision: { rule: "prosody/ack-delayed", delayMs: 1000 } });
    expect(overdue?.why).toMatch(/^Prosody pushed because the acks of phone were overdue: its client left an <r\/> unanswered for 30 s/);
    vi.advanceTimersByTime(999);
    expect(publishes(sink)).toEqual([]);
    vi.advanceTimersByTime(1);
    const [push, ...more] = publishes(sink);
    expect(more).toEqual([]);
    expect(push).toMatchObject({ node: "n1", summary: { messageCount: 1, lastMessageBody: "New Message!" } });
    // The publish is linked to the entry that explains it.
    expect(log.list({ account: "carol@prosody.localhost" }).find((e) => e.kind === "publish")).toMatchObject({ causeSeq: overdue?.seq });
  });

  it("pushes once per kind (a presence is unimportant), and nothing for a session that enabled no push", () => {
    const { sm, log, sink, bob } = setup();
    const phone = enabled(sm, "carol@prosody.localhost/phone", sink);
    const presence = stamped(bob, xml("presence", { to: "carol@prosody.localhost/phone" }));
    sm.sessionAckOverdue(phone, { unacked: [{ stanza: presence, at: new Date() }, { stanza: chat(bob, phone.jid, "hi"), at: new Date() }], waitedMs: 30_000 });
    vi.advanceTimersByTime(1000);
    expect(publishes(sink).map((p) => p.summary?.lastMessageBody ?? null).sort()).toEqual(["New Message!", null]);

    const tablet = bind(sm, "carol@prosody.localhost/tablet");
    sm.sessionAckOverdue(tablet, { unacked: [{ stanza: chat(bob, tablet.jid, "hi"), at: new Date() }], waitedMs: 30_000 });
    vi.advanceTimersByTime(2000);
    expect(publishes(sink)).toHaveLength(2);
    const last = entries(log, "carol@prosody.localhost", "session-ack-overdue").at(-1);
    expect(last).toMatchObject({ resource: "tablet" });
    expect(last?.decision).toBeUndefined();
    expect(last?.why).toMatch(/no push, as it holds no push registration/);
  });
});

describe("the push hibernation (Prosody's push_max_hibernation_timeout, ejabberd's mod_push_keepalive)", () => {
  it("prosody: keeps a push-enabled session 72 h, and the normal timeout from its first important push on", () => {
    const { sm, log, sink, bob } = setup();
    const phone = enabled(sm, "carol@prosody.localhost/phone", sink);
    const window = windowControl();
    sm.sessionHibernated(phone, { unacked: [], resumptionTimeoutMs: 60_000, window });
    expect(window.moves).toEqual([72 * HOUR]);
    const [hibernated] = entries(log, "carol@prosody.localhost", "session-hibernated");
    expect(hibernated?.resumptionTimeoutMs).toBe(72 * HOUR);
    expect(hibernated?.why).toMatch(/push_max_hibernation_timeout \(72 h instead of 60 s\) until the first push for an important message/);

    // A body-less message is pushed as unimportant: the window stays.
    sm.stanza(bob, chat(bob, "carol@prosody.localhost/phone", null));
    vi.advanceTimersByTime(1000);
    expect(publishes(sink)).toHaveLength(1);
    expect(window.moves).toEqual([72 * HOUR]);

    sm.stanza(bob, chat(bob, "carol@prosody.localhost/phone", "hi"));
    vi.advanceTimersByTime(999);
    expect(window.moves).toEqual([72 * HOUR]);
    // With the batched push, not before: the watchdog restarts at the push.
    vi.advanceTimersByTime(1);
    expect(publishes(sink)).toHaveLength(2);
    expect(window.moves).toEqual([72 * HOUR, 60_000]);
    const [restored] = entries(log, "carol@prosody.localhost", "session-window-restored");
    expect(restored).toMatchObject({ resource: "phone", resumptionTimeoutMs: 60_000 });
    expect(restored?.why).toMatch(/first_hibernated_push and restores the smacks watchdog/);

    // Only the first important push moves it.
    sm.stanza(bob, chat(bob, "carol@prosody.localhost/phone", "again"));
    vi.advanceTimersByTime(1000);
    expect(window.moves).toEqual([72 * HOUR, 60_000]);
  });

  it("prosody: push_max_errors removing the session's registration also ends the push hibernation", () => {
    const { sm, log, sink, bob } = setup();
    const phone = enabled(sm, "carol@prosody.localhost/phone", sink);
    const window = windowControl();
    sm.sessionHibernated(phone, { unacked: [], resumptionTimeoutMs: 60_000, window });
    for (let i = 0; i < 16; i++) {
      // Body-less: pushed as unimportant, which keeps the push hibernation.
      sm.stanza(bob, chat(bob, "carol@prosody.localhost/phone", null));
      vi.advanceTimersByTime(1000);
      const publish = sink.sent.at(-1);
      const error = xml("iq", { type: "error", id: String(publish?.attrs.id), to: String(publish?.attrs.from) }, xml("error", { type: "cancel" }, xml("item-not-found", { xmlns: NS.stanzaErrors })));
      sm.stanza(sink, stamped(sink, error));
      expect(window.moves).toEqual(i < 15 ? [72 * HOUR] : [72 * HOUR, 60_000]);
    }
    expect(sm.registrationsOf("carol@prosody.localhost")).toEqual([]);
    const [restored] = entries(log, "carol@prosody.localhost", "session-window-restored");
    expect(restored?.why).toMatch(/^the App Server's errors removed registration n1, so Prosody clears phone's push_identifier and restores the smacks watchdog: phone now stays resumable for 60 s from now/);
  });

  it("prosody: the normal timeout when the queue holds an important message, or the session enabled no push", () => {
    const { sm, log, sink, bob } = setup();
    const phone = enabled(sm, "carol@prosody.localhost/phone", sink);
    const window = windowControl();
    sm.sessionHibernated(phone, { unacked: [{ stanza: chat(bob, phone.jid, "hi"), at: new Date() }], resumptionTimeoutMs: 60_000, window });
    expect(window.moves).toEqual([]);
    expect(entries(log, "carol@prosody.localhost", "session-hibernated")[0]?.resumptionTimeoutMs).toBe(60_000);

    const tablet = bind(sm, "carol@prosody.localhost/tablet");
    const other = windowControl();
    sm.sessionHibernated(tablet, { unacked: [], resumptionTimeoutMs: 60_000, window: other });
    expect(other.moves).toEqual([]);
  });

  it("ejabberd: a wake-up push without a form 2 min before the 72 h end, unless resumed", () => {
    const { sm, log, sink } = setup();
    const phone = enabled(sm, "carol@ejabberd.localhost/phone", sink);
    const window = windowControl();
    sm.sessionHibernated(phone, { unacked: [], resumptionTimeoutMs: 60_000, window });
    expect(window.moves).toEqual([72 * HOUR]);
    expect(entries(log, "carol@ejabberd.localhost", "session-hibernated")[0]?.why).toMatch(/mod_push_keepalive sets its resume_timeout \(72 h instead of 60 s\).*a wake-up push goes out 120 s before it ends/);

    vi.advanceTimersByTime(72 * HOUR - 120_001);
    expect(publishes(sink)).toEqual([]);
    vi.advanceTimersByTime(1);
    const [wake] = publishes(sink);
    expect(wake).toMatchObject({ node: "n1", summary: null });
    const [entry] = entries(log, "carol@ejabberd.localhost", "session-wake-up");
    expect(entry).toMatchObject({ resource: "phone", decision: { rule: "ejabberd/keepalive-wake-up" } });
    expect(entry?.why).toMatch(/^ejabberd woke phone: its pending session ends in 2 min/);

    const tablet = enabled(sm, "carol@ejabberd.localhost/tablet", sink, "n2");
    sm.sessionHibernated(tablet, { unacked: [], resumptionTimeoutMs: 60_000, window: windowControl() });
    sm.sessionResumed(tablet, { redelivered: 0, hibernatedMs: 5000 });
    vi.advanceTimersByTime(72 * HOUR);
    expect(publishes(sink).map((p) => p.node)).toEqual(["n1"]);
  });

  it("ejabberd: the first incoming chat message with a body restores the 60 s at once and cancels the wake-up", () => {
    const { sm, log, sink, bob } = setup();
    const phone = enabled(sm, "carol@ejabberd.localhost/phone", sink);
    const window = windowControl();
    sm.sessionHibernated(phone, { unacked: [], resumptionTimeoutMs: 60_000, window });
    sm.stanza(bob, chat(bob, "carol@ejabberd.localhost/phone", "hi"));
    expect(window.moves).toEqual([72 * HOUR, 60_000]);
    expect(publishes(sink)).toHaveLength(1);
    expect(entries(log, "carol@ejabberd.localhost", "session-window-restored")[0]?.why).toMatch(/mod_push_keepalive restores mod_stream_mgmt's resume_timeout/);
    vi.advanceTimersByTime(72 * HOUR);
    expect(publishes(sink)).toHaveLength(1);
    expect(entries(log, "carol@ejabberd.localhost", "session-wake-up")).toEqual([]);
  });

  it("spec: no push hibernation (the reference server's own hosts keep the normal timeout)", () => {
    const { sm, sink } = setup();
    const phone = enabled(sm, "carol@localhost/phone", sink);
    const window = windowControl();
    sm.sessionHibernated(phone, { unacked: [], resumptionTimeoutMs: 60_000, window });
    expect(window.moves).toEqual([]);
  });
});
