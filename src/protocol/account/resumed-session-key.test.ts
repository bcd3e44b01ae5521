/**
 * ejabberd 23.01 resumes an XEP-0198 session in a new c2s process with a new sid: mod_push copies
 * the old push id over (c2s_copy_session, c2s_session_resumed), and an enable from the resumed
 * session stores under the new sid and moves the push id there (mod_push:enable/4), so what the
 * session enabled before is held by no session. Each history below was run against ejabberd 23.01
 * with the differential harness (accounts erin/frank/pushsvc3); the expected pushes are what it
 * published. The account model is fed with the `<enable/>`/`<disable/>` iqs a client sends and
 * the session's key after its resumptions (sessionKeyAfter), as the reference server feeds it.
 */
import { describe, expect, it } from "vitest";
import { POLICIES } from "../policy";
import type { MessageSnapshot, PushPolicy, SessionSnapshot } from "../policy/types";
import { buildDisable, buildEnable, parseDisable, parseEnable } from "../stanzas/push";
import { chat, hibernated, input, noPresence, SINK, sessionIdOf } from "../test-support/policy-fixtures";
import { appServerAnswer, disable, enable } from "./registrations";
import { sessionKeyAfter } from "./session-keyed";
import { EMPTY_ACCOUNT, type AccountState } from "./state";

const { ejabberd, prosody } = POLICIES;
const A2 = sessionIdOf("A2");
const CANCEL = { kind: "error", type: "cancel", condition: "item-not-found" } as const;

/** `<enable node=…/>` from A2 after `resumptions` resumptions of its session. */
function enableFrom(state: AccountState, node: string, resumptions: number, policy: PushPolicy = ejabberd): AccountState {
  const parsed = parseEnable(buildEnable({ jid: SINK, node }));
  if (!parsed) throw new Error("not an enable");
  const result = enable(state, policy, {
    request: { iqType: "set", jid: parsed.jid, node: parsed.node, away: parsed.away, senderFullJid: "alice@localhost/A2" },
    publishOptions: parsed.publishOptions,
    sessionId: A2,
    resource: "A2",
    sessionKey: sessionKeyAfter(A2, resumptions),
  });
  if (result.refused) throw new Error(`enable refused: ${result.refused.condition}`);
  return result.state;
}

function disableFrom(state: AccountState, node: string): AccountState {
  const parsed = parseDisable(buildDisable({ jid: SINK, node }));
  if (!parsed) throw new Error("not a disable");
  const result = disable(state, ejabberd, { iqType: "set", jid: parsed.jid, node: parsed.node, sessionId: A2 });
  if (result.refused) throw new Error(`disable refused: ${result.refused.condition}`);
  return result.state;
}

/** What ejabberd pushes for `message` (a chat with a body to A2 by default) with A2 in `session`. */
function pushed(state: AccountState, session: SessionSnapshot | null = noPresence("A2"), message: MessageSnapshot = chat({ toResource: "A2" }), policy: PushPolicy = ejabberd) {
  const decision = policy.decide(input({ sessions: session ? [session] : [], registrations: [...state.registrations], message, bareJid: policy.bareJidDelivery }));
  return { rule: decision.rule, nodes: decision.verdicts.filter((v) => v.push).map((v) => v.key.node), decision };
}

const nodes = (state: AccountState) => state.registrations.map((r) => r.node);

/** `A2 connect (XEP-0198); A2 enable N1; A2 drop; A2 resume; A2 enable N2`. */
const reenabled = () => enableFrom(enableFrom(EMPTY_ACCOUNT, "N1", 0), "N2", 1);

describe("ejabberd: an enable after a resumption moves the session's push id to its new sid", () => {
  it("A2 enable N1; drop; resume; enable N2; B → A2: chat pushes N1 while A2 is connected (seed 22)", () => {
    const state = reenabled();
    expect(state.registrations).toMatchObject([
      { node: "N1", enabledBySessionId: A2, pushIdCleared: true, pushIdMoved: true },
      { node: "N2", enabledBySessionId: A2, sessionKey: sessionKeyAfter(A2, 1) },
    ]);
    expect(state.registrations[0]?.sessionKey).toBeUndefined();
    const { rule, nodes: pushedNodes, decision } = pushed(state);
    expect(pushedNodes).toEqual(["N1"]);
    expect(rule).toBe("ejabberd/push-id-moved");
    expect(decision.verdicts[0]?.why).toMatch(/resumed since it enabled this .*new sid/);
    expect(decision.reason).toMatch(/moved the push id to the new sid/);
  });

  it("without the resumption both are held by A2's push id, and nothing is pushed", () => {
    const state = enableFrom(enableFrom(EMPTY_ACCOUNT, "N1", 0), "N2", 0);
    expect(state.registrations.some((r) => r.pushIdCleared || r.sessionKey)).toBe(false);
    expect(pushed(state).nodes).toEqual([]);
  });

  it("a resumption without a second enable keeps the push id: nothing is pushed (agreed before)", () => {
    expect(pushed(enableFrom(EMPTY_ACCOUNT, "N1", 0)).nodes).toEqual([]);
  });

  it("after two resumptions the key is the latest sid", () => {
    const state = enableFrom(enableFrom(EMPTY_ACCOUNT, "N1", 0), "N2", 2);
    expect(state.registrations[1]?.sessionKey).toBe(sessionKeyAfter(A2, 2));
    expect(pushed(state).nodes).toEqual(["N1"]);
  });

  it("dropped again, the pending session's queue pushes N2 and the MAM hook N1", () => {
    const state = reenabled();
    expect(pushed(state, hibernated("A2")).nodes).toEqual(["N1", "N2"]);
    const queued = [{ name: "message" as const, message: chat({ toResource: "A2" }) }];
    const atHibernation = ejabberd.onHibernation?.({ account: "alice@localhost", sessions: [hibernated("A2")], registrations: [...state.registrations], sessionId: A2, queued, options: input().options });
    expect(atHibernation?.pushes.map((p) => p.key.node)).toEqual(["N2"]);
  });

  it("other policies keep one key per session: the session key is ignored", () => {
    const state = enableFrom(enableFrom(EMPTY_ACCOUNT, "N1", 0, prosody), "N2", 1, prosody);
    expect(state.registrations.some((r) => r.sessionKey !== undefined || r.pushIdMoved)).toBe(false);
  });
});

describe("ejabberd: deletions go by the key, not by the session", () => {
  it("disable N2 after the second enable deletes N2 only and clears the push id: N1 is still pushed", () => {
    const state = disableFrom(reenabled(), "N2");
    expect(nodes(state)).toEqual(["N1"]);
    expect(pushed(state).nodes).toEqual(["N1"]);
  });

  it("disable N1 after the second enable deletes N1 only; N2 is pushed, its push id cleared", () => {
    const state = disableFrom(reenabled(), "N1");
    expect(state.registrations).toMatchObject([{ node: "N2", pushIdCleared: true }]);
    const { rule, nodes: pushedNodes } = pushed(state);
    expect(pushedNodes).toEqual(["N2"]);
    expect(rule).toBe("ejabberd/push-id-cleared");
  });

  it("disable N1 after a resumption without a second enable: nothing left, nothing pushed", () => {
    const state = disableFrom(enableFrom(EMPTY_ACCOUNT, "N1", 0), "N1");
    expect(nodes(state)).toEqual([]);
  });

  it("the App Server's error to N1's push deletes N1's key only: N2 stays, held, and is pushed once A2 is gone", () => {
    const answer = appServerAnswer(reenabled(), ejabberd, { jid: SINK, node: "N1" }, CANCEL);
    expect(answer.removed?.node).toBe("N1");
    expect(answer.removedWithSession).toEqual([]);
    expect(nodes(answer.state)).toEqual(["N2"]);
    expect(pushed(answer.state).nodes).toEqual([]);
    expect(pushed(answer.state, null, chat()).nodes).toEqual(["N2"]);
  });

  it("the App Server's error to N2 deletes N2 only; N1 stays held by no session", () => {
    const answer = appServerAnswer(reenabled(), ejabberd, { jid: SINK, node: "N2" }, CANCEL);
    expect(nodes(answer.state)).toEqual(["N1"]);
    expect(pushed(answer.state).nodes).toEqual(["N1"]);
    // The c2s state's push_session_id is the new sid: no queue push for N1 either way.
    expect(pushed(answer.state, hibernated("A2")).rule).toBe("ejabberd/push-id-moved");
  });

  it("enabling N1 again after the second enable replaces N1's key only: N2 stays", () => {
    const state = enableFrom(reenabled(), "N1", 1);
    expect(state.registrations.map((r) => [r.node, r.sessionKey, r.pushIdCleared === true])).toEqual([
      ["N2", sessionKeyAfter(A2, 1), false],
      ["N1", sessionKeyAfter(A2, 1), false],
    ]);
    expect(pushed(state).nodes).toEqual([]);
    expect(pushed(state, null, chat()).nodes).toEqual(["N2", "N1"]);
  });

  it("an enable of N1 after a resumption takes the old key's other registrations with it", () => {
    // A2 enable N2; A2 enable N1; drop; resume; A2 enable N1: N2 (old key) is deleted with N1.
    const state = enableFrom(enableFrom(enableFrom(EMPTY_ACCOUNT, "N2", 0), "N1", 0), "N1", 1);
    expect(nodes(state)).toEqual(["N1"]);
  });
});
