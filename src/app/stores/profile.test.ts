import { describe, expect, it } from "vitest";
import { createMemoryStorage, createProfileStore, DEFAULT_PROFILE, PROFILE_STORAGE_KEY } from "./profile";

function stored(storage: ReturnType<typeof createMemoryStorage>): { state: { profile: { account: { password: string }; sender: { password: string }; sink: { password: string } }; saved: { name: string; account: { password: string } }[] } } {
  const raw = storage.dump()[PROFILE_STORAGE_KEY];
  if (!raw) throw new Error("nothing persisted");
  return JSON.parse(raw);
}

describe("profile store", () => {
  it("starts from the reference-server defaults", () => {
    const store = createProfileStore({ storage: createMemoryStorage() });
    expect(store.getState().profile).toEqual(DEFAULT_PROFILE);
    expect(DEFAULT_PROFILE).toMatchObject({ service: "/xmpp-websocket", domain: "localhost", account: { username: "alice" }, sender: { username: "bob" }, sink: { username: "pushsvc", resource: "sink" } });
  });

  it("persists without passwords unless remember password is ticked", () => {
    const storage = createMemoryStorage();
    const store = createProfileStore({ storage });
    store.getState().update({ service: "ws://example.test:5280/xmpp-websocket" });
    store.getState().updateAccount("account", { password: "hunter2" });
    store.getState().saveCurrent("Example");
    const data = stored(storage);
    expect(data.state.profile.account.password).toBe("");
    expect(data.state.profile.sender.password).toBe("");
    expect(data.state.profile.sink.password).toBe("");
    expect(data.state.saved[0]).toMatchObject({ name: "Example", account: { password: "" } });
    expect(JSON.stringify(storage.dump())).not.toContain("hunter2");
    expect(JSON.stringify(storage.dump())).not.toContain('"pass"');
    // In memory the password is still usable for this page's lifetime.
    expect(store.getState().profile.account.password).toBe("hunter2");

    // Reload: the profile comes back without passwords.
    const reloaded = createProfileStore({ storage });
    expect(reloaded.getState().profile).toMatchObject({ name: "Example", service: "ws://example.test:5280/xmpp-websocket", account: { username: "alice", password: "" } });
    expect(reloaded.getState().saved.map((p) => p.name)).toEqual(["Example"]);
  });

  it("persists passwords when remember password is ticked", () => {
    const storage = createMemoryStorage();
    const store = createProfileStore({ storage });
    store.getState().update({ rememberPassword: true });
    store.getState().updateAccount("sink", { password: "sinkpw", resource: "observer" });
    const reloaded = createProfileStore({ storage });
    expect(reloaded.getState().profile.sink).toEqual({ username: "pushsvc", password: "sinkpw", resource: "observer" });
    expect(reloaded.getState().profile.account.password).toBe("pass");
  });

  it("loads, removes saved profiles and survives garbage in storage", () => {
    const storage = createMemoryStorage();
    storage.setItem(PROFILE_STORAGE_KEY, "{not json");
    const store = createProfileStore({ storage });
    expect(store.getState().profile).toEqual(DEFAULT_PROFILE);
    store.getState().saveCurrent("A");
    store.getState().update({ domain: "example.org", name: "B" });
    store.getState().saveCurrent();
    expect(store.getState().load("A")).toBe(true);
    expect(store.getState().profile.domain).toBe("localhost");
    expect(store.getState().load("missing")).toBe(false);
    store.getState().remove("A");
    expect(store.getState().saved.map((p) => p.name)).toEqual(["B"]);

    storage.setItem(PROFILE_STORAGE_KEY, JSON.stringify({ state: { profile: { service: 42, domain: "x.test", account: "nope" }, saved: [null, { name: "ok" }] }, version: 1 }));
    const coerced = createProfileStore({ storage });
    // An unreadable account falls back to the default dev account as a whole.
    expect(coerced.getState().profile).toMatchObject({ service: "/xmpp-websocket", domain: "x.test", account: DEFAULT_PROFILE.account });
    expect(coerced.getState().saved.map((p) => p.name)).toEqual(["ok"]);
  });

  it("reconnects automatically by default; the switch is remembered across reloads", () => {
    const storage = createMemoryStorage();
    const store = createProfileStore({ storage });
    expect(store.getState().autoReconnect).toBe(true);
    store.getState().setAutoReconnect(false);
    expect(createProfileStore({ storage }).getState().autoReconnect).toBe(false);
    // Data written before the switch existed keeps the default.
    const old = createMemoryStorage();
    old.setItem(PROFILE_STORAGE_KEY, JSON.stringify({ state: { profile: DEFAULT_PROFILE, saved: [] }, version: 1 }));
    expect(createProfileStore({ storage: old }).getState().autoReconnect).toBe(true);
  });
});
