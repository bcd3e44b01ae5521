// Prosody's mod_message hands a message for a resource that is not bound to process_to_bare, so a
// groupchat to a gone full JID fires message/bare/groupchat and mod_cloud_notify pushes every
// registration (and the sender gets service-unavailable). Found by the differential run against
// Prosody 0.12 (README "Differential runs"); real stanzas in, the router's delivery as the server has it.
import { describe, expect, it } from "vitest";
import { messageSnapshot } from "../stanzas/message";
import { parseXml } from "../stanzas/parse";
import { input, noPresence, registration } from "../test-support/policy-fixtures";
import { getPolicy } from "./index";

const own = { ownDomain: "localhost" };
const groupchatTo = (to: string, body: string | null) =>
  messageSnapshot(parseXml(`<message xmlns="jabber:client" type="groupchat" to="${to}" id="g1">${body === null ? "" : `<body>${body}</body>`}</message>`), own);

describe("prosody: groupchat to a full JID", () => {
  const prosody = getPolicy("prosody");

  it("pushes every registration when the resource is not bound, with the important body only when there is a body", () => {
    const sessions = [noPresence("A2")];
    const registrations = [registration("N1", { by: "A2" })];
    const withBodyInput = input({ sessions, registrations, message: groupchatTo("alice@localhost/A3", "hi") });
    expect(withBodyInput.delivery.bounce).toEqual({ type: "cancel", condition: "service-unavailable" });
    const withBody = prosody.decide(withBodyInput);
    expect(withBody.verdicts.map((v) => v.push)).toEqual([true]);
    expect(withBody.summary?.lastMessageBody).toBe("New Message!");
    const bodyless = prosody.decide(input({ sessions, registrations, message: groupchatTo("alice@localhost/A3", null) }));
    expect(bodyless.verdicts.map((v) => v.push)).toEqual([true]);
    expect(bodyless.summary?.lastMessageBody).toBeUndefined();
  });

  it("does not push a groupchat delivered to a bound resource", () => {
    const toBound = input({ sessions: [noPresence("A2")], registrations: [registration("N1", { by: "A2" })], message: groupchatTo("alice@localhost/A2", "hi") });
    expect(toBound.delivery.deliveredTo).toEqual(["A2"]);
    const decision = prosody.decide(toBound);
    expect(decision.verdicts.map((v) => v.push)).toEqual([false]);
  });
});
