/**
 * Issue 12: every session's bind, presence and end is in the decision record (asked for with
 * `sessions`), so the playground can show the sessions of the account it did not open.
 */
import xml, { type Element } from "@xmpp/xml";
import { afterEach, describe, expect, it } from "vitest";
import { NS } from "../../protocol/ns";
import type { SessionLifecycleEntry } from "../../protocol/push-log";
import { isSessionLifecycle } from "../../protocol/push-log";
import { silentLogger } from "../logger";
import { FakeSession } from "../test-support/fake-session";
import { PushLog } from "./push-log-store";
import { SessionManager } from "./session-manager";

const managers: SessionManager[] = [];
afterEach(() => managers.splice(0).forEach((m) => m.close()));

function setup(): { sm: SessionManager; log: PushLog } {
  const log = new PushLog();
  const sm = new SessionManager({ hosts: [{ domain: "localhost", policy: "spec" }], logger: silentLogger, appServerTimeoutMs: 5000, pushLog: log });
  managers.push(sm);
  return { sm, log };
}

function bind(sm: SessionManager, jid: string): FakeSession {
  const session = new FakeSession(jid);
  sm.sessionBound(session);
  return session;
}

function stamped(session: FakeSession, stanza: Element): Element {
  stanza.attrs.from = session.jid;
  return stanza;
}

function lifecycle(log: PushLog): Pick<SessionLifecycleEntry, "kind" | "resource" | "presence" | "capsNode" | "reason">[] {
  return log
    .list({ account: "alice@localhost", sessions: true })
    .filter(isSessionLifecycle)
    .map(({ kind, resource, presence, capsNode, reason }) => ({
      kind,
      resource,
      ...(presence !== undefined ? { presence } : {}),
      ...(capsNode !== undefined ? { capsNode } : {}),
      ...(reason !== undefined ? { reason } : {}),
    }));
}

describe("session lifecycle in the decision record", () => {
  it("records bind, presence with the client's caps node, unavailable and the end of the session", () => {
    const { sm, log } = setup();
    const phone = bind(sm, "alice@localhost/phone");
    sm.stanza(
      phone,
      stamped(phone, xml("presence", {}, xml("show", {}, "dnd"), xml("priority", {}, "5"), xml("status", {}, "driving"), xml("c", { xmlns: NS.caps, hash: "sha-1", node: "https://conversations.im", ver: "x" }))),
    );
    sm.stanza(phone, stamped(phone, xml("presence", { type: "unavailable" })));
    sm.sessionClosed(phone, "closed");

    expect(lifecycle(log)).toEqual([
      { kind: "session-bound", resource: "phone" },
      { kind: "session-presence", resource: "phone", presence: { show: "dnd", priority: 5, status: "driving" }, capsNode: "https://conversations.im" },
      { kind: "session-presence", resource: "phone", presence: null },
      { kind: "session-ended", resource: "phone", reason: "closed" },
    ]);
    const bound = log.list({ sessions: true }).find(isSessionLifecycle);
    expect(bound?.sessionId).toBe(phone.id);
  });

  it("ends a replaced session before the new one binds, with reason replaced", () => {
    const { sm, log } = setup();
    const first = bind(sm, "alice@localhost/app");
    const second = bind(sm, "alice@localhost/app");
    sm.sessionClosed(first, "replaced");

    const entries = log.list({ sessions: true }).filter(isSessionLifecycle);
    expect(entries.map((e) => [e.kind, e.sessionId, e.reason])).toEqual([
      ["session-bound", first.id, undefined],
      ["session-ended", first.id, "replaced"],
      ["session-bound", second.id, undefined],
    ]);
  });

  it("leaves them out of the record unless asked for, so readers of push decisions page as before", () => {
    const { sm, log } = setup();
    const phone = bind(sm, "alice@localhost/phone");
    sm.stanza(phone, stamped(phone, xml("presence")));
    expect(log.list({ account: "alice@localhost" })).toEqual([]);
    expect(log.list({ account: "alice@localhost", sessions: true }).map((e) => e.kind)).toEqual(["session-bound", "session-presence"]);
  });
});

describe("asking for them", () => {
  it("over HTTP with sessions=1 (and a specific message for a bad value)", async () => {
    const { parseLogQuery } = await import("../http-log");
    expect(parseLogQuery(new URLSearchParams("account=alice@localhost&sessions=1"))).toEqual({ account: "alice@localhost", sessions: true });
    expect(parseLogQuery(new URLSearchParams("sessions=false"))).toEqual({ sessions: false });
    expect(parseLogQuery(new URLSearchParams("sessions=yes"))).toEqual({ error: "sessions must be 1, true, 0 or false" });
  });

  it("over XMPP with sessions='true' on the log request", () => {
    const { sm } = setup();
    const phone = bind(sm, "alice@localhost/phone");
    sm.stanza(phone, stamped(phone, xml("iq", { type: "get", id: "l1" }, xml("log", { xmlns: NS.decisions, sessions: "true" }))));
    sm.stanza(phone, stamped(phone, xml("iq", { type: "get", id: "l2" }, xml("log", { xmlns: NS.decisions }))));
    sm.stanza(phone, stamped(phone, xml("iq", { type: "get", id: "l3" }, xml("log", { xmlns: NS.decisions, sessions: "maybe" }))));
    const answers = phone.sent.filter((s) => s.name === "iq");
    const kinds = (i: number) => (JSON.parse(answers[i]!.getChild("log")!.text()) as { kind: string }[]).map((e) => e.kind);
    expect(kinds(0)).toEqual(["session-bound"]);
    expect(kinds(1)).toEqual([]);
    expect(answers[2]!.attrs.type).toBe("error");
  });
});
