import { afterEach, describe, expect, it, vi } from "vitest";
import { createSessionsStore, type SessionView } from "./sessions";

function card(id: string): SessionView {
  return {
    id, role: "resource", label: `alice/${id}`, account: "alice@localhost", resource: id, colour: "#000", status: "offline", jid: null, lastError: null,
    presenceChoice: null, presence: null, presenceOnConnect: "available", priority: 0, statusText: "", receiving: false, online: false, away: false, received: 0, connectedAt: null,
  };
}

afterEach(() => vi.useRealTimers());

describe("sessions store: coalesced notifications", () => {
  it("notifies every write at once by default", () => {
    const store = createSessionsStore();
    const heard = vi.fn();
    store.subscribe(heard);
    store.getState().upsert(card("r1"));
    store.getState().patch("r1", { status: "connecting" });
    expect(heard).toHaveBeenCalledTimes(2);
  });

  it("while coalescing, reads see each write at once and subscribers hear once per frame, with the state before the first write", () => {
    vi.useFakeTimers();
    const store = createSessionsStore();
    store.getState().upsert(card("r1"));
    const heard = vi.fn();
    store.subscribe(heard);
    store.getState().coalesce(true);
    store.getState().patch("r1", { status: "connecting" });
    store.getState().patch("r1", { status: "online" });
    expect(store.getState().sessions.r1!.status).toBe("online");
    expect(heard).not.toHaveBeenCalled();
    vi.advanceTimersByTime(20);
    expect(heard).toHaveBeenCalledTimes(1);
    const [state, previous] = heard.mock.calls[0]!;
    expect([state.sessions.r1.status, previous.sessions.r1.status]).toEqual(["online", "offline"]);
    store.getState().patch("r1", { received: 1 });
    store.getState().coalesce(false);
    // The last `false` delivers what is pending without waiting for the frame.
    expect(heard).toHaveBeenCalledTimes(2);
    store.getState().patch("r1", { received: 2 });
    expect(heard).toHaveBeenCalledTimes(3);
  });

  it("counts nested coalescing and stops listeners that unsubscribed", () => {
    vi.useFakeTimers();
    const store = createSessionsStore();
    const heard = vi.fn();
    const unsubscribe = store.subscribe(heard);
    store.getState().coalesce(true);
    store.getState().coalesce(true);
    store.getState().upsert(card("r1"));
    store.getState().coalesce(false);
    expect(heard).not.toHaveBeenCalled();
    store.getState().coalesce(false);
    expect(heard).toHaveBeenCalledTimes(1);
    unsubscribe();
    store.getState().patch("r1", { status: "online" });
    expect(heard).toHaveBeenCalledTimes(1);
  });
});
