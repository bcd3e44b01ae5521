/**
 * `onHibernation` (docs/push-semantics.md B.2 row 11): what each policy pushes, at once, when a session goes into
 * XEP-0198 hibernation while stanzas to it are unacknowledged.
 */
import xml from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { messageSnapshot } from "../stanzas/message";
import { ACCOUNT, available, chat, chatState, hibernated, registration, sessionIdOf, SINK } from "../test-support/policy-fixtures";
import { POLICIES } from "./index";
import { PROSODY_IMPORTANT_BODY } from "./prosody";
import { EJABBERD_BODY_PLACEHOLDER } from "./ejabberd";
import { DEFAULT_POLICY_OPTIONS, type HibernationInput, type PolicyName, type QueuedStanzaSnapshot } from "./types";

const presence: QueuedStanzaSnapshot = { name: "presence" };
const iqResult: QueuedStanzaSnapshot = { name: "iq" };
const message = (m = chat()): QueuedStanzaSnapshot => ({ name: "message", message: m });

function hibernation(queued: QueuedStanzaSnapshot[], extra: Partial<HibernationInput> = {}): HibernationInput {
  return {
    account: ACCOUNT,
    sessions: [hibernated("phone")],
    registrations: [registration("n-1", { by: "phone" })],
    sessionId: sessionIdOf("phone"),
    queued,
    options: DEFAULT_POLICY_OPTIONS,
    ...extra,
  };
}

const onHibernation = (policy: PolicyName, input: HibernationInput) => POLICIES[policy].onHibernation?.(input) ?? null;

describe("prosody: smacks-hibernation-start", () => {
  it("pushes once per kind of stanza in the queue, important first when it comes first", () => {
    const d = onHibernation("prosody", hibernation([message(), presence, message(), iqResult]));
    expect(d?.rule).toBe("prosody/hibernation-start");
    expect(d?.pushes).toEqual([
      { key: { jid: SINK, node: "n-1" }, summary: { formType: "form", messageCount: 1, lastMessageBody: PROSODY_IMPORTANT_BODY }, why: expect.stringMatching(/important/) },
      { key: { jid: SINK, node: "n-1" }, summary: { formType: "form", messageCount: 1 }, why: expect.stringMatching(/unimportant/) },
    ]);
    expect(d?.reason).toBe(
      "phone went into hibernation with 4 unacknowledged stanzas (2 with a body), so mod_cloud_notify's smacks-hibernation-start handler pushes registration n-1 at once, once as important and once as unimportant",
    );
  });

  it("pushes a single unimportant notification for presences, iq results and body-less messages", () => {
    const d = onHibernation("prosody", hibernation([presence, message(chatState()), iqResult]));
    expect(d?.pushes.map((p) => p.summary)).toEqual([{ formType: "form", messageCount: 1 }]);
    expect(d?.reason).toMatch(/at once, as unimportant \(no body field\)$/);
  });

  it("treats a headline with a body as unimportant", () => {
    const d = onHibernation("prosody", hibernation([message(chat({ type: "headline" }))]));
    expect(d?.pushes.map((p) => p.summary.lastMessageBody)).toEqual([undefined]);
  });

  it("pushes only registrations the hibernating session enabled", () => {
    const registrations = [registration("n-phone", { by: "phone" }), registration("n-laptop", { by: "laptop" })];
    const d = onHibernation("prosody", hibernation([message()], { sessions: [hibernated("phone"), available("laptop")], registrations }));
    expect(d?.pushes.map((p) => p.key.node)).toEqual(["n-phone"]);
  });

  it("pushes nothing when the session enabled no registration or nothing is queued", () => {
    expect(onHibernation("prosody", hibernation([message()], { registrations: [registration("n-x", { by: "laptop" })] }))).toBeNull();
    expect(onHibernation("prosody", hibernation([]))).toBeNull();
  });
});

describe("ejabberd: c2s_session_pending", () => {
  it("pushes once, for the first queued message with a body", () => {
    const d = onHibernation("ejabberd", hibernation([presence, message(chatState()), message(), message()]));
    expect(d?.rule).toBe("ejabberd/pending-queue");
    expect(d?.pushes).toEqual([
      { key: { jid: SINK, node: "n-1" }, summary: { formType: "submit", lastMessageBody: EJABBERD_BODY_PLACEHOLDER }, why: "pushed at once for the first queued message with a body" },
    ]);
  });

  it("gives a queued error or headline with a body the summary form too (is_incoming_chat_msg reads no type; seed 64 #2)", () => {
    // The error B's server sent back to A1, frozen: ejabberd 23.01 pushed N2 with the body placeholder at ack_timeout.
    const error = xml(
      "message",
      { type: "error", from: "bob@ejabberd.test/B", to: "alice@ejabberd.test/A1", id: "m5" },
      xml("body", {}, "m5"),
      xml("error", { type: "cancel" }, xml("service-unavailable", { xmlns: "urn:ietf:params:xml:ns:xmpp-stanzas" })),
    );
    const headline = xml("message", { type: "headline", from: "bob@ejabberd.test/B", to: "alice@ejabberd.test/A1" }, xml("body", {}, "m6"));
    for (const stanza of [error, headline]) {
      const queued: QueuedStanzaSnapshot = { name: "message", message: messageSnapshot(stanza, { ownDomain: "ejabberd.test" }) };
      const d = onHibernation("ejabberd", hibernation([iqResult, queued]));
      expect(d?.pushes.map((p) => p.summary)).toEqual([{ formType: "submit", lastMessageBody: EJABBERD_BODY_PLACEHOLDER }]);
    }
    const bodiless = xml("message", { type: "error", from: "bob@ejabberd.test/B", to: "alice@ejabberd.test/A1" }, xml("error", { type: "cancel" }));
    const d = onHibernation("ejabberd", hibernation([{ name: "message", message: messageSnapshot(bodiless, { ownDomain: "ejabberd.test" }) }]));
    expect(d?.pushes.map((p) => p.summary)).toEqual([{ omitForm: true }]);
  });

  it("pushes a bare <notification/> when no queued message has a body", () => {
    const d = onHibernation("ejabberd", hibernation([presence, iqResult]));
    expect(d?.pushes.map((p) => p.summary)).toEqual([{ omitForm: true }]);
    expect(d?.reason).toMatch(/without a summary form/);
  });
});

describe("spec and tigase have no hibernation trigger", () => {
  it.each<PolicyName>(["spec", "tigase"])("%s", (policy) => {
    expect(POLICIES[policy].onHibernation).toBeUndefined();
    expect(onHibernation(policy, hibernation([message()]))).toBeNull();
  });
});
