import { describe, expect, it } from "vitest";
import { xml } from "@xmpp/client";
import { NS } from "../../protocol/ns";
import { buildErrorElement } from "../../protocol/stanzas/errors";
import { deliveryOf, presenceOf } from "./inbox";

describe("deliveryOf", () => {
  it("reads body, chat state, id and delay of a message", () => {
    const stanza = xml(
      "message",
      { from: "bob@localhost/B", to: "alice@localhost/A1", type: "chat", id: "m1" },
      xml("body", {}, "hi"),
      xml("composing", { xmlns: NS.chatStates }),
      xml("delay", { xmlns: NS.delay, from: "localhost", stamp: "2026-01-01T00:00:00Z" }),
    );
    expect(deliveryOf({ role: "account", resource: "A1" }, stanza, 7)).toEqual({
      at: 7,
      role: "account",
      resource: "A1",
      from: "bob@localhost/B",
      to: "alice@localhost/A1",
      type: "chat",
      id: "m1",
      body: "hi",
      chatState: "composing",
      delay: { from: "localhost", stamp: "2026-01-01T00:00:00Z" },
    });
  });

  it("defaults the type to normal and reads the condition of an error message", () => {
    expect(deliveryOf({ role: "sender", resource: "B" }, xml("message", { from: "x" }), 1).type).toBe("normal");
    const bounce = xml("message", { type: "error" }, buildErrorElement({ type: "cancel", condition: "service-unavailable" }));
    expect(deliveryOf({ role: "sender", resource: "B" }, bounce, 1).error).toMatchObject({ type: "cancel", condition: "service-unavailable" });
  });
});

describe("presenceOf", () => {
  it("reads type, show and priority", () => {
    const stanza = xml("presence", { from: "alice@localhost/A1" }, xml("show", {}, "away"), xml("priority", {}, "5"));
    expect(presenceOf("A2", stanza, 3)).toEqual({ at: 3, resource: "A2", from: "alice@localhost/A1", show: "away", priority: 5 });
    expect(presenceOf("A2", xml("presence", { type: "unavailable" }), 3)).toEqual({ at: 3, resource: "A2", from: "", type: "unavailable" });
  });
});
