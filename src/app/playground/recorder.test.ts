/** The recorder: the only writer of the timeline and the console. */
import { describe, expect, it } from "vitest";
import { createStores } from "../stores";
import { createMemoryStorage } from "../stores/profile";
import { createRecorder } from "./recorder";

function setUp() {
  const stores = createStores({ profile: { storage: createMemoryStorage() } });
  const recorder = createRecorder({ stores, now: () => 42, idPrefix: "run", flushIntervalMs: 60_000 });
  return { stores, recorder };
}

describe("recorder", () => {
  it("batches events until flushed, with generated ids and times, or the given ones", () => {
    const { stores, recorder } = setUp();
    const a = recorder.record({ kind: "error", lane: "playground", summary: "a", error: { code: "internal", message: "a" }, operation: "x" });
    const b = recorder.record({ id: "given", at: 7, kind: "error", lane: "playground", summary: "b", error: { code: "internal", message: "b" }, operation: "x" });
    expect(stores.timeline.getState().events).toEqual([]);
    recorder.flush();
    expect(a).toBe("run-1");
    expect(b).toBe("given");
    expect(stores.timeline.getState().events.map((e) => [e.id, e.at])).toEqual([["given", 7], ["run-1", 42]]) // in time order;
  });

  it("patches only events of the named kind", () => {
    const { stores, recorder } = setUp();
    const id = recorder.record({ kind: "message-sent", lane: "sender", summary: "m", messageId: "m1", from: "b", to: "a", sendKind: "chat", messageType: "chat", receivedBy: [], pushEventIds: [] });
    recorder.patch(id, "message-sent", (e) => ({ ...e, receivedBy: ["res-1"] }));
    recorder.patch(id, "push", (e) => ({ ...e, summary: "never" }));
    recorder.flush();
    expect(stores.timeline.getState().events[0]).toMatchObject({ receivedBy: ["res-1"], summary: "m" });
  });

  it("words operation errors and writes console frames", () => {
    const { stores, recorder } = setUp();
    recorder.recordError("res-1", { code: "not-connected", message: "offline" }, "presence", "<presence/>");
    recorder.frame({ at: 1, lane: "res-1", direction: "out", kind: "presence", text: "<presence/>" });
    recorder.flush();
    expect(stores.timeline.getState().events[0]).toMatchObject({ kind: "error", summary: "presence failed: offline", operation: "presence", xml: "<presence/>" });
    expect(stores.console.getState().frames).toEqual([expect.objectContaining({ at: 1, lane: "res-1", direction: "out", kind: "presence", text: "<presence/>" })]);
    expect(stores.console.getState().frames[0]!.id).toMatch(/^run-f/);
  });
});
