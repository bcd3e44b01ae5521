/**
 * Issue 13: the hosts' XEP-0198 timers and the hibernation window they give, with the policies'
 * timer decisions (Prosody's smacks-ack-delayed, ejabberd's wake-up), over snapshots of real stanzas.
 */
import xml from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { messageSnapshot } from "../stanzas/message";
import { ejabberdPolicy } from "./ejabberd";
import { prosodyPolicy } from "./prosody";
import { specPolicy } from "./spec";
import { hibernationWindow, REFERENCE_STREAM_TIMERS, streamTimersOf } from "./timers";
import { DEFAULT_POLICY_OPTIONS, type HibernationInput, type QueuedStanzaSnapshot, type RegistrationSnapshot } from "./types";

const HOUR = 3_600_000;

function reg(node: string, sessionId = "s-phone", resource = "phone"): RegistrationSnapshot {
  return { jid: "pushsvc@localhost/sink", node, away: false, enabledBySessionId: sessionId, enabledByResource: resource, publishOptions: null, errorCount: 0 };
}

function queued(body: string | null, type = "chat"): QueuedStanzaSnapshot {
  const stanza = xml("message", { from: "bob@localhost/b", to: "alice@prosody.localhost/phone", type }, body === null ? xml("composing", { xmlns: "http://jabber.org/protocol/chatstates" }) : xml("body", {}, body));
  return { name: "message", message: messageSnapshot(stanza, { ownDomain: "prosody.localhost" }) };
}

function input(over: Partial<HibernationInput> = {}): HibernationInput {
  return {
    account: "alice@prosody.localhost",
    sessions: [{ sessionId: "s-phone", resource: "phone", state: "hibernated", presence: { show: null, priority: 0 }, presenceCount: 1 }],
    registrations: [reg("n1")],
    sessionId: "s-phone",
    queued: [],
    options: DEFAULT_POLICY_OPTIONS,
    ...over,
  };
}

describe("streamTimersOf", () => {
  it("gives each policy its server's timers, the reference server's for spec, and a host's overrides on top", () => {
    expect(streamTimersOf(prosodyPolicy)).toMatchObject({ ackRequestAfterStanzas: 1, ackOverdueMs: 30_000, ackTimeoutMs: null, pushHibernationMs: 72 * HOUR, wakeUpBeforeMs: null });
    expect(streamTimersOf(ejabberdPolicy)).toMatchObject({ ackRequestAfterStanzas: 1, ackOverdueMs: null, ackTimeoutMs: 60_000, pushHibernationMs: 72 * HOUR, wakeUpBeforeMs: 120_000 });
    expect(streamTimersOf(specPolicy)).toEqual(REFERENCE_STREAM_TIMERS);
    expect(streamTimersOf(ejabberdPolicy, { timers: { pushHibernationMs: 10 * 60_000 } })).toMatchObject({ pushHibernationMs: 600_000, wakeUpBeforeMs: 120_000 });
  });
});

describe("hibernationWindow", () => {
  it("prosody: 72 h for a push-enabled session with nothing important queued, no wake-up", () => {
    const w = hibernationWindow(prosodyPolicy, input({ queued: [queued(null), { name: "presence" }] }), 60_000);
    expect(w).toMatchObject({ timeoutMs: 72 * HOUR, extended: true, wakeUpAfterMs: null });
    expect(w.why).toBe("it enabled push, so mod_cloud_notify replaces the smacks watchdog with push_max_hibernation_timeout (72 h instead of 60 s) until the first push for an important message");
  });

  it("the normal timeout when a queued message is pushed as important now, when the session holds no registration, or on spec", () => {
    expect(hibernationWindow(prosodyPolicy, input({ queued: [queued("hi")] }), 60_000)).toMatchObject({ timeoutMs: 60_000, extended: false });
    // A headline is never important to Prosody, but any message with a body is an incoming chat message to ejabberd.
    expect(hibernationWindow(prosodyPolicy, input({ queued: [queued("news", "headline")] }), 60_000)).toMatchObject({ extended: true });
    expect(hibernationWindow(ejabberdPolicy, input({ queued: [queued("news", "headline")] }), 60_000)).toMatchObject({ extended: false });
    expect(hibernationWindow(prosodyPolicy, input({ registrations: [reg("n1", "s-tablet", "tablet")] }), 60_000)).toMatchObject({ timeoutMs: 60_000, extended: false });
    expect(hibernationWindow(specPolicy, input(), 60_000)).toEqual({ timeoutMs: 60_000, extended: false, wakeUpAfterMs: null, why: "" });
  });

  it("ejabberd: 72 h with the wake-up 2 min before the end; none when the window is not longer than 2 min", () => {
    const w = hibernationWindow(ejabberdPolicy, input(), 60_000);
    expect(w).toMatchObject({ timeoutMs: 72 * HOUR, extended: true, wakeUpAfterMs: 72 * HOUR - 120_000 });
    expect(w.why).toMatch(/mod_push_keepalive sets its resume_timeout \(72 h instead of 60 s\).*; a wake-up push goes out 120 s before it ends$/);
    const short = hibernationWindow(ejabberdPolicy, input({ options: { ...DEFAULT_POLICY_OPTIONS, timers: { pushHibernationMs: 120_000 } } }), 60_000);
    expect(short).toMatchObject({ timeoutMs: 120_000, extended: true, wakeUpAfterMs: null });
  });
});

describe("timer decisions", () => {
  it("prosody onAckOverdue: the session's registration once per kind, after the 1 s push_queue timer", () => {
    const d = prosodyPolicy.onAckOverdue?.(input({ sessions: [{ ...input().sessions[0]!, state: "connected" }], queued: [queued("hi"), { name: "presence" }, queued("again")] }));
    expect(d).toMatchObject({ rule: "prosody/ack-delayed", delayMs: 1000 });
    expect(d?.pushes.map((p) => p.summary)).toEqual([
      { formType: "form", messageCount: 1, lastMessageBody: "New Message!" },
      { formType: "form", messageCount: 1 },
    ]);
    expect(d?.reason).toMatch(/^Prosody pushed because the acks of phone were overdue: its client left an <r\/> unanswered for 30 s with 3 unacknowledged stanzas/);
    expect(prosodyPolicy.onAckOverdue?.(input({ queued: [] }))).toBeNull();
    expect(prosodyPolicy.onAckOverdue?.(input({ queued: [queued("hi")], registrations: [] }))).toBeNull();
  });

  it("ejabberd onWakeUp: every registration the session holds, with no summary form", () => {
    const d = ejabberdPolicy.onWakeUp?.(input());
    expect(d).toMatchObject({ rule: "ejabberd/keepalive-wake-up", pushes: [{ key: { node: "n1" }, summary: { omitForm: true } }] });
    expect(ejabberdPolicy.onWakeUp?.(input({ registrations: [] }))).toBeNull();
  });
});
