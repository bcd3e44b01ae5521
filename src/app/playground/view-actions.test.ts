/** The view actions change exactly the store state the views ask for. */
import { describe, expect, it, vi } from "vitest";
import { createStores } from "../stores";
import { createMemoryStorage } from "../stores/profile";
import { createViewActions } from "./view-actions";

describe("view actions", () => {
  it("select, import, pin, window, counters, registrations, history, colour", async () => {
    const stores = createStores({ profile: { storage: createMemoryStorage() } });
    const setColour = vi.fn();
    const views = createViewActions(stores, setColour);
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
});
