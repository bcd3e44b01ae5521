import { describe, expect, it } from "vitest";
import type { PushFact } from "./observe";
import { createPushMemory } from "./push-memory";

function fact(eventId: string, causeMessageId: string | null): PushFact {
  return { eventId, iqId: `iq-${eventId}`, key: { jid: "pushsvc@localhost/sink", node: "n1" }, at: 1, linkMethod: causeMessageId ? "heuristic" : null, causeMessageId, retrievedPing: false };
}

describe("push memory", () => {
  it("finds the pushes linked to a message, and follows a relink", () => {
    const memory = createPushMemory();
    memory.remember(fact("p1", "m-1"));
    memory.remember(fact("p2", "m-1"));
    memory.remember(fact("p3", null));
    expect(memory.linkedTo("m-1").map((p) => p.eventId)).toEqual(["p1", "p2"]);
    expect(memory.get("p3")?.causeMessageId).toBeNull();

    memory.unlink("m-1", "p2");
    memory.remember({ ...fact("p2", "m-2"), linkMethod: "server log" });
    expect(memory.linkedTo("m-1").map((p) => p.eventId)).toEqual(["p1"]);
    expect(memory.linkedTo("m-2")).toEqual([expect.objectContaining({ eventId: "p2", linkMethod: "server log" })]);
  });

  it("forgets the oldest push beyond its limit, with its link", () => {
    const memory = createPushMemory(2);
    memory.remember(fact("p1", "m-1"));
    memory.remember(fact("p2", "m-2"));
    memory.remember(fact("p3", "m-2"));
    expect(memory.get("p1")).toBeUndefined();
    expect(memory.linkedTo("m-1")).toEqual([]);
    expect(memory.linkedTo("m-2").map((p) => p.eventId)).toEqual(["p2", "p3"]);
  });
});
