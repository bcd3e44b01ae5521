// Prosody's and ejabberd's pushes for a hibernated enabler fire for messages queued to that session
// only (smacks queue / c2s_handle_send). Found by the differential run against Prosody 0.12 and
// ejabberd 23.01: a message for another resource, or stored offline, is not pushed through it.
import { describe, expect, it } from "vitest";
import { messageSnapshot } from "../stanzas/message";
import { parseXml } from "../stanzas/parse";
import { available, hibernated, input, registration } from "../test-support/policy-fixtures";
import { getPolicy } from "./index";

const own = { ownDomain: "localhost" };
const message = (type: string, to: string, body: string | null) =>
  messageSnapshot(parseXml(`<message xmlns="jabber:client" type="${type}" to="${to}" id="x">${body === null ? "" : `<body>${body}</body>`}</message>`), own);
const withoutPresence = (resource: string) => ({ ...hibernated(resource), presence: null });

describe("a hibernated enabler's registration", () => {
  const registrations = [registration("N1", { by: "A2" })];

  it.each(["prosody", "ejabberd"] as const)("%s: pushed for a message queued to it, not for one sent to another resource", (name) => {
    const policy = getPolicy(name);
    const queued = policy.decide(input({ sessions: [hibernated("A2"), hibernated("A1")], registrations, message: message("chat", "alice@localhost/A2", "hi") }));
    expect(queued.verdicts.map((v) => v.push)).toEqual([true]);
    const elsewhere = policy.decide(input({ sessions: [hibernated("A2"), hibernated("A1")], registrations, message: message("normal", "alice@localhost/A1", null) }));
    expect(elsewhere.verdicts.map((v) => v.push)).toEqual([false]);
  });

  it("ejabberd: not pushed for a message stored offline while it hibernates without presence (the MAM hook counts it as online)", () => {
    const stored = input({ sessions: [withoutPresence("A2")], registrations, message: message("chat", "alice@localhost", "hi") });
    expect(stored.delivery.storedOffline).toBe(true);
    const decision = getPolicy("ejabberd").decide(stored);
    expect(decision.verdicts.map((v) => v.push)).toEqual([false]);
  });

  it("ejabberd: pushed for an error message queued to it, with the placeholder body", () => {
    const queued = input({ sessions: [withoutPresence("A2")], registrations, message: message("error", "alice@localhost/A2", "oops") });
    const decision = getPolicy("ejabberd").decide(queued);
    expect(decision.verdicts.map((v) => v.push)).toEqual([true]);
    expect(decision.summary?.lastMessageBody).toBe("New message");
  });

  it("prosody: pushed for an error message queued to it (the smacks queue path takes any stanza), with the important body", () => {
    const queued = input({ sessions: [withoutPresence("A2")], registrations, message: message("error", "alice@localhost/A2", "oops") });
    expect(queued.delivery.deliveredTo).toEqual(["A2"]);
    const decision = getPolicy("prosody").decide(queued);
    expect(decision.verdicts.map((v) => v.push)).toEqual([true]);
    expect(decision.summary?.lastMessageBody).toBe("New Message!");
  });
});

describe("prosody: an error message with a body delivered to a bound resource", () => {
  it("is archived, so the MAM hook pushes the registration of a gone enabler", () => {
    const delivered = input({ sessions: [available("A1")], registrations: [registration("N1", { by: "A2" })], message: message("error", "alice@localhost/A1", "oops") });
    expect(delivered.delivery.deliveredTo).toEqual(["A1"]);
    const decision = getPolicy("prosody").decide(delivered);
    expect(decision.verdicts.map((v) => v.push)).toEqual([true]);
    expect(decision.summary?.lastMessageBody).toBe("New Message!");
    const bodyless = getPolicy("prosody").decide(input({ sessions: [available("A1")], registrations: [registration("N1", { by: "A2" })], message: message("error", "alice@localhost/A1", null) }));
    expect(bodyless.verdicts.map((v) => v.push)).toEqual([false]);
  });
});

describe("prosody: a session holds only the last registration it enabled", () => {
  it("pushes the older one through the MAM hook even while the session receives or hibernates; the newer one goes through the queue", () => {
    const older = registration("N2", { by: "A1" });
    const newer = registration("N1", { by: "A1" });
    const receiving = getPolicy("prosody").decide(input({ sessions: [available("A1", "chat", 1)], registrations: [older, newer], message: message("chat", "alice@localhost", "hi") }));
    expect(receiving.verdicts.map((v) => [v.key.node, v.push])).toEqual([
      ["N2", true],
      ["N1", false],
    ]);
    const queued = getPolicy("prosody").decide(input({ sessions: [hibernated("A1")], registrations: [older, newer], message: message("normal", "alice@localhost/A1", "hi") }));
    expect(queued.verdicts.map((v) => [v.key.node, v.push])).toEqual([
      ["N2", true],
      ["N1", true],
    ]);
    expect(queued.verdicts.map((v) => /MAM hook/.test(v.why))).toEqual([true, false]);
    expect(queued.verdicts[1]?.why).toMatch(/hibernated/);
  });
});

describe("ejabberd: one push id per session", () => {
  it("pushes only the pending session's last registration for a message queued to it", () => {
    const older = registration("N1", { by: "A2" });
    const newer = registration("N2", { by: "A2" });
    const queued = getPolicy("ejabberd").decide(input({ sessions: [withoutPresence("A2")], registrations: [older, newer], message: message("normal", "alice@localhost/A2", "hi") }));
    expect(queued.verdicts.map((v) => [v.key.node, v.push])).toEqual([
      ["N1", false],
      ["N2", true],
    ]);
  });
});
