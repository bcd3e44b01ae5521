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

  it("changes the timeline's filters and pause, clears them, and clears the view with the events still queued", () => {
    const stores = createStores({ profile: { storage: createMemoryStorage() } });
    const recorder = createRecorder({ stores, now: () => 1, idPrefix: "t", flushIntervalMs: 60_000 });
    const views = createViewActions(stores, vi.fn(), () => recorder.flush());
    views.timeline.setSearch("needle");
    views.timeline.toggleLane("res-1", ["res-1", "sender"]);
    views.timeline.toggleKind("push");
    expect(stores.timeline.getState().filters).toMatchObject({ search: "needle", lanes: ["sender"], kinds: expect.not.arrayContaining(["push"]) as unknown });
    views.timeline.clearFilters();
    expect(stores.timeline.getState().filters).toMatchObject({ search: "", lanes: null, kinds: null });
    views.timeline.setLaneFilter(["res-1"]);
    views.timeline.setKindFilter(["push"]);
    expect(stores.timeline.getState().filters).toMatchObject({ lanes: ["res-1"], kinds: ["push"] });
    views.timeline.pause();
    expect(stores.timeline.getState().paused).toBe(true);
    views.timeline.resume();
    expect(stores.timeline.getState().paused).toBe(false);

    recorder.record({ kind: "error", lane: "scenarios", summary: "shown", error: { code: "internal", message: "x" }, operation: "scenario" });
    recorder.flush();
    recorder.record({ kind: "error", lane: "scenarios", summary: "queued", error: { code: "internal", message: "x" }, operation: "scenario" });
    views.timeline.clear();
    recorder.flush();
    expect(stores.timeline.getState().events).toEqual([]);
    const after = recorder.record({ kind: "error", lane: "scenarios", summary: "after", error: { code: "internal", message: "x" }, operation: "scenario" });
    recorder.flush();
    expect(stores.timeline.getState().events.map((e) => e.id)).toEqual([after]);
    recorder.dispose();
  });

  it("changes the console's search, filters and pause", () => {
    const stores = createStores({ profile: { storage: createMemoryStorage() } });
    const { console: frames } = createViewActions(stores, vi.fn(), () => {});
    frames.setSearch("enable");
    frames.setDirection("in", false);
    frames.toggleKind("iq");
    frames.toggleLane("sink", ["res-1", "sink"]);
    frames.setHideSm(false);
    expect(stores.console.getState().filters).toMatchObject({ search: "enable", directions: { in: false, out: true }, lanes: ["res-1"], hideSm: false, kinds: expect.not.arrayContaining(["iq"]) as unknown });
    frames.setKindFilter(null);
    frames.setLaneFilter(null);
    expect(stores.console.getState().filters).toMatchObject({ kinds: null, lanes: null });
    frames.pause();
    expect(stores.console.getState().paused).toBe(true);
    frames.resume();
    expect(stores.console.getState().paused).toBe(false);
  });

  it("changes the scenarios' selection and options, and the connection profile", () => {
    const stores = createStores({ profile: { storage: createMemoryStorage() } });
    const views = createViewActions(stores, vi.fn(), () => {});
    views.ensureScenarioCatalogue(describeScenarios);
    views.scenarios.setSelected(["C1", "C2"]);
    views.scenarios.toggle("C1");
    views.scenarios.setPolicy("ejabberd");
    views.scenarios.setAccounts("fresh");
    expect(stores.scenarios.getState()).toMatchObject({ selected: ["C2"], policy: "ejabberd", accounts: "fresh" });

    views.profile.update({ domain: "example.org", name: "staging" });
    views.profile.updateAccount("sink", { resource: "apns" });
    views.profile.saveCurrent("staging");
    views.profile.setAutoReconnect(false);
    expect(stores.profile.getState()).toMatchObject({ profile: { domain: "example.org", sink: { resource: "apns" } }, autoReconnect: false });
    views.profile.resetToDefaults();
    expect(stores.profile.getState().profile.domain).toBe("localhost");
    expect(views.profile.load("staging")).toBe(true);
    expect(views.profile.load("nothing")).toBe(false);
    expect(stores.profile.getState().profile.domain).toBe("example.org");
    views.profile.remove("staging");
    expect(stores.profile.getState().saved).toEqual([]);
  });
});
