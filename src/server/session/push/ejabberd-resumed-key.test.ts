/**
 * ejabberd resumes an XEP-0198 session in a new c2s process with a new sid (README "Differential
 * runs", seed 22): on `ejabberd.localhost` a resumed session stores what it enables next under a
 * new key, which moves its push id there, and the resumption's log entry says so. Other hosts keep
 * one key per session.
 */
import { afterEach, describe, expect, it } from "vitest";
import { sessionKeyAfter } from "../../../protocol/account";
import type { MessageDecisionEntry, SessionStateEntry } from "../../../protocol/push-log";
import { buildChatMessage } from "../../../protocol/stanzas/message";
import { buildEnable } from "../../../protocol/stanzas/push";
import { silentLogger } from "../../logger";
import { FakeSession } from "../../test-support/fake-session";
import { PushLog } from "../push-log-store";
import { SessionManager } from "../session-manager";

const SINK = "pushsvc@localhost/sink";
const managers: SessionManager[] = [];
afterEach(() => {
  for (const sm of managers.splice(0)) sm.close();
});

/** `phone enable N1; drop; resume; enable N2; bob → phone: chat` on `domain`. */
function enableAfterResumption(domain: string) {
  const log = new PushLog();
  const sm = new SessionManager({ hosts: [{ domain: "localhost", policy: "spec" }, { domain, policy: domain === "ejabberd.localhost" ? "ejabberd" : "prosody" }], logger: silentLogger, appServerTimeoutMs: 60_000, pushLog: log });
  managers.push(sm);
  const account = `alice@${domain}`;
  const bind = (jid: string) => {
    const session = new FakeSession(jid);
    sm.sessionBound(session);
    return session;
  };
  const phone = bind(`${account}/phone`);
  bind(SINK);
  const bob = bind(`bob@${domain}/desk`);
  const send = (session: FakeSession, stanza: ReturnType<typeof buildEnable>) => {
    stanza.attrs.from = session.jid;
    sm.stanza(session, stanza);
  };
  send(phone, buildEnable({ jid: SINK, node: "N1", id: "e1" }));
  sm.sessionHibernated(phone, { unacked: [], resumptionTimeoutMs: 60_000 });
  sm.sessionResumed(phone, { redelivered: 0, hibernatedMs: 1000 });
  send(phone, buildEnable({ jid: SINK, node: "N2", id: "e2" }));
  send(bob, buildChatMessage({ to: phone.jid, type: "chat", body: "hi", id: "m1" }));
  const entries = log.list({ account });
  return {
    phone,
    registrations: sm.registrationsOf(account),
    decision: entries.find((e): e is MessageDecisionEntry => e.kind === "message-decision"),
    resumed: entries.find((e): e is SessionStateEntry => e.kind === "session-resumed"),
  };
}

describe("a resumption on ejabberd.localhost renews the session's key", () => {
  it("the enable after it is stored under the new key and moves the push id: the older registration is pushed", () => {
    const { phone, registrations, decision, resumed } = enableAfterResumption("ejabberd.localhost");
    expect(registrations).toMatchObject([
      { node: "N1", enabledBySessionId: phone.id, pushIdCleared: true, pushIdMoved: true },
      { node: "N2", enabledBySessionId: phone.id, sessionKey: sessionKeyAfter(phone.id, 1) },
    ]);
    expect(decision?.decision.rule).toBe("ejabberd/push-id-moved");
    expect(decision?.decision.verdicts.map((v) => [v.key.node, v.push])).toEqual([
      ["N1", true],
      ["N2", false],
    ]);
    expect(resumed?.why).toMatch(/new c2s process with a new sid and carries its push id over/);
  });

  it("prosody.localhost keeps the session's key: nothing of it in the registrations or the log", () => {
    const { registrations, resumed } = enableAfterResumption("prosody.localhost");
    expect(registrations.some((r) => r.sessionKey !== undefined || r.pushIdMoved)).toBe(false);
    expect(resumed?.why).not.toMatch(/sid/);
  });
});
