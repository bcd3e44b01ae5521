/** The view actions change exactly the store state the views ask for. */
import { describe, expect, it, vi } from "vitest";
import { describeScenarios } from "../../scenarios/catalogue";
import { createStores } from "../stores";
import { createMemoryStorage } from "../stores/profile";
import { createRecorder } from "./recorder";
import { createViewActions } from "./view-actions";

describe("view actions", () => {
  it("select, import, pin, window, counters, registrations, history, colour", async () => {
    const stores = createStores({ profile: { storage: createMemoryStorage() } });
    const setColour = vi.fn();
    const views = createViewActions(stores, setColour, () => {});
    views.timeline.select("e1");
    expect(stores.timeline.getState().selectedId).toBe("e1");
    expect((await views.timeline.importJson("not json")).ok).toBe(false);
    expect(stores.timeline.getState().importError).not.toBeNull();
    views.timeline.closeImport();
    expect(stores.timeline.getState()).toMatchObject({ view: "live", importError: null, selectedId: null });
    expect(views.expectations.setWindowMs(2000)).toBe(2000);
    expect(stores.expectations.getState().windowMs).toBe(2000);
    views.expectations.pin("prosody");
    expect(stores.expectations.getState().pinned).toBe("prosody");
    stores.sink.getState().count({ received: 3 });
    views.resetSinkCounters();
    expect(stores.sink.getState().counters.received).toBe(0);
    stores.registrations.getState().upsert({ jid: "s@x/y", node: "n", away: false, publishOptions: null, enabledBySessionId: "res-1", enabledByResource: "r1", enabledAt: 0, state: "disabled", pushCount: 0 });
    views.pruneInactiveRegistrations();
    expect(stores.registrations.getState().registrations).toEqual([]);
    views.rememberSent("<presence/>");
    expect(stores.console.getState().sendHistory).toEqual(["<presence/>"]);
    views.setResourceColour("res-1", "#000000");
    expect(setColour).toHaveBeenCalledWith("res-1", "#000000");
    views.expectations.reset();
    expect(stores.expectations.getState().pinned).toBe("prosody");
  });

  it("clears the console with the frames still queued, and capture goes on", () => {
    const stores = createStores({ profile: { storage: createMemoryStorage() } });
    // A long interval: nothing flushes on its own during the test.
    const recorder = createRecorder({ stores, now: () => 1, idPrefix: "t", flushIntervalMs: 60_000 });
    const views = createViewActions(stores, vi.fn(), () => recorder.flush());
    recorder.frame({ at: 1, lane: "res-1", direction: "out", kind: "presence", text: "<presence/>" });
    recorder.flush();
    recorder.frame({ at: 2, lane: "res-1", direction: "in", kind: "message", text: "<message/>" });
    views.clearConsole();
    recorder.flush();
    expect(stores.console.getState().frames).toEqual([]);
    recorder.frame({ at: 3, lane: "res-1", direction: "in", kind: "iq", text: "<iq/>" });
    recorder.flush();
    expect(stores.console.getState().frames.map((f) => f.text)).toEqual(["<iq/>"]);
    recorder.dispose();
  });

  it("shows an event in the live timeline: queued events first, filters off, the event selected", () => {
    const stores = createStores({ profile: { storage: createMemoryStorage() } });
    const recorder = createRecorder({ stores, now: () => 1, idPrefix: "t", flushIntervalMs: 60_000 });
    const views = createViewActions(stores, vi.fn(), () => recorder.flush());
    const timeline = stores.timeline.getState();
    timeline.setLaneFilter(["res-2"]);
    timeline.setKindFilter(["push"]);
    timeline.setSearch("nothing matches");
    const id = recorder.record({ kind: "error", lane: "scenarios", summary: "C3 failed", error: { code: "internal", message: "x" }, operation: "scenario" });
    views.timeline.showEvent(id);
    const after = stores.timeline.getState();
    expect(after.events.map((e) => e.id)).toEqual([id]);
    expect(after).toMatchObject({ view: "live", selectedId: id, filters: expect.objectContaining({ lanes: null, kinds: null, search: "" }) as unknown });
    recorder.dispose();
  });

  it("gives the scenarios store its catalogue once", () => {
    const stores = createStores({ profile: { storage: createMemoryStorage() } });
    const views = createViewActions(stores, vi.fn(), () => {});
    const describe = vi.fn(describeScenarios);
    views.ensureScenarioCatalogue(describe);
    views.ensureScenarioCatalogue(describe);
    expect(describe).toHaveBeenCalledTimes(1);
    expect(stores.scenarios.getState().catalogue.map((s) => s.id)).toEqual(describeScenarios().map((s) => s.id));
    expect(stores.scenarios.getState().catalogue.length).toBeGreaterThan(0);
  });
});
