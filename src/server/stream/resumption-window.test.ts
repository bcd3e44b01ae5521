/**
 * Issue 13: the hibernation window control the resumption registry hands the session manager
 * (moved by the push hibernation of Prosody's and ejabberd's hosts), with fake timers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { buildChatMessage } from "../../protocol/stanzas/message";
import { silentLogger } from "../logger";
import type { HibernationWindowControl, StanzaSink } from "../types";
import { BoundSession, type SessionTransport } from "./bound-session";
import { ResumableSessions } from "./resumption";
import { StreamManagementState } from "./stream-management";

const transport: SessionTransport = { sendElement: () => undefined, closeWithStreamError: () => undefined, releaseSession: () => undefined };

function setup(): { registry: ResumableSessions; session: BoundSession; windows: HibernationWindowControl[]; closed: string[] } {
  const windows: HibernationWindowControl[] = [];
  const closed: string[] = [];
  const sink: StanzaSink = {
    sessionBound: () => undefined,
    stanza: () => undefined,
    sessionClosed: (_s, reason) => void closed.push(reason),
    sessionHibernated: (_s, info) => {
      if (info.window) windows.push(info.window);
    },
  };
  const registry = new ResumableSessions(sink, silentLogger);
  const session = new BoundSession(transport, "alice", "prosody.localhost", "phone");
  session.sm = new StreamManagementState("resume-1", 60_000);
  registry.register(session);
  return { registry, session, windows, closed };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("ResumableSessions: the hibernation window", () => {
  it("expires at the normal timeout unless the session manager moves the end, from the moment it moves it", () => {
    const { registry, session, windows, closed } = setup();
    registry.hibernate(session);
    const [window] = windows;
    session.send(buildChatMessage({ to: session.jid, body: "queued", id: "q1" }));
    expect(window?.unacked()).toBe(1);
    vi.advanceTimersByTime(30_000);
    window?.restart(72 * 3_600_000);
    vi.advanceTimersByTime(60_000);
    expect(closed).toEqual([]);
    // The first important push: the normal 60 s again, from now.
    window?.restart(60_000);
    vi.advanceTimersByTime(59_999);
    expect(closed).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(closed).toEqual(["expired"]);
    expect(registry.lookup("resume-1", session.account)).toEqual({ kind: "expired", h: 0 });
  });

  it("a control from an earlier hibernation does nothing after the session was resumed and hibernated again", () => {
    const { registry, session, windows, closed } = setup();
    registry.hibernate(session);
    registry.wake(session);
    session.attach(transport);
    registry.hibernate(session);
    const [stale, current] = windows;
    stale?.restart(1000);
    vi.advanceTimersByTime(59_999);
    expect(closed).toEqual([]);
    current?.restart(120_000);
    vi.advanceTimersByTime(119_999);
    expect(closed).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(closed).toEqual(["expired"]);
  });
});
