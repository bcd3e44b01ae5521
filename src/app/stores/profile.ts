/**
 * Connection profile: the one being edited plus named saved profiles, persisted to localStorage.
 * Passwords are written only when the profile's `rememberPassword` is ticked.
 */
import { createStore, type StoreApi } from "zustand/vanilla";
import { createJSONStorage, persist, type StateStorage } from "zustand/middleware";
import type { AccountCredentials, ConnectionProfile } from "../model";
import { coerceAwayShows } from "../../protocol/policy/away-shows";

export const PROFILE_STORAGE_KEY = "xmpp-push-playground/profile";
/** Bumped when the persisted shape changes; older data is migrated or dropped. */
const PROFILE_STORAGE_VERSION = 1;

export const DEFAULT_PROFILE: ConnectionProfile = {
  name: "Reference server",
  service: "/xmpp-websocket",
  domain: "localhost",
  account: { username: "alice", password: "pass" },
  sender: { username: "bob", password: "pass" },
  sink: { username: "pushsvc", password: "pass", resource: "sink" },
  rememberPassword: false,
};

export type ProfileAccountRole = "account" | "sender" | "sink";

export interface ProfileState {
  profile: ConnectionProfile;
  saved: ConnectionProfile[];
  /** Replace top-level fields (service, domain, name, rememberPassword, awayShows). */
  update(patch: Partial<Omit<ConnectionProfile, "account" | "sender" | "sink">>): void;
  /** Update one account's username/password (and the sink's resource). */
  updateAccount(role: ProfileAccountRole, patch: Partial<AccountCredentials & { resource: string }>): void;
  /** Save the current profile under its name (replaces a saved profile of the same name). */
  saveCurrent(name?: string): void;
  /** Make a saved profile current. Returns false when no profile has that name. */
  load(name: string): boolean;
  remove(name: string): void;
  resetToDefaults(): void;
  /** Reconnect (with backoff) a session whose connection dropped; the Connection tab's switch, on by default. */
  autoReconnect: boolean;
  setAutoReconnect(on: boolean): void;
}

/** The profile as it may be written to storage. */
export function stripPasswords(profile: ConnectionProfile): ConnectionProfile {
  if (profile.rememberPassword) return profile;
  return {
    ...profile,
    account: { ...profile.account, password: "" },
    sender: { ...profile.sender, password: "" },
    sink: { ...profile.sink, password: "" },
  };
}

/** In-memory storage for environments without localStorage (Node tests, private modes that throw). */
export function createMemoryStorage(): StateStorage & { dump(): Record<string, string> } {
  const data = new Map<string, string>();
  return {
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
    dump: () => Object.fromEntries(data),
  };
}

function browserStorage(): StateStorage {
  try {
    const ls = (globalThis as { localStorage?: Storage }).localStorage;
    if (ls) {
      // Safari private mode and sandboxed iframes throw on access; probe once.
      const probe = `${PROFILE_STORAGE_KEY}/probe`;
      ls.setItem(probe, "1");
      ls.removeItem(probe);
      return ls;
    }
  } catch {
    // fall through to memory
  }
  return createMemoryStorage();
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown, fallback: string): string {
  return typeof v === "string" ? v : fallback;
}

function account(v: unknown, fallback: AccountCredentials): AccountCredentials {
  if (!isObject(v)) return { ...fallback };
  return { username: str(v.username, fallback.username), password: str(v.password, "") };
}

/** Sanitise whatever storage held (another version, a hand edit) into a profile. */
export function coerceProfile(v: unknown): ConnectionProfile | null {
  if (!isObject(v)) return null;
  const sink = isObject(v.sink) ? v.sink : {};
  return {
    name: str(v.name, DEFAULT_PROFILE.name),
    service: str(v.service, DEFAULT_PROFILE.service),
    domain: str(v.domain, DEFAULT_PROFILE.domain),
    account: account(v.account, DEFAULT_PROFILE.account),
    sender: account(v.sender, DEFAULT_PROFILE.sender),
    sink: { ...account(v.sink, DEFAULT_PROFILE.sink), resource: str(sink.resource, DEFAULT_PROFILE.sink.resource) },
    rememberPassword: v.rememberPassword === true,
    ...withAwayShows(coerceAwayShows(v.awayShows)),
  };
}

function withAwayShows(shows: ConnectionProfile["awayShows"] | null): Pick<ConnectionProfile, "awayShows"> {
  return shows ? { awayShows: shows } : {};
}

interface Persisted {
  profile: ConnectionProfile;
  saved: ConnectionProfile[];
  autoReconnect?: boolean;
}

export interface ProfileStoreOptions {
  /** Defaults to window.localStorage (memory when unavailable). */
  storage?: StateStorage;
  initial?: ConnectionProfile;
}

export function createProfileStore(options: ProfileStoreOptions = {}): StoreApi<ProfileState> {
  const storage = options.storage ?? browserStorage();
  const initial = options.initial ?? DEFAULT_PROFILE;
  return createStore<ProfileState>()(
    persist(
      (set, get) => ({
        profile: initial,
        saved: [],
        update: (patch) => set({ profile: { ...get().profile, ...patch } }),
        updateAccount: (role, patch) => {
          const profile = get().profile;
          if (role === "sink") {
            set({ profile: { ...profile, sink: { ...profile.sink, ...patch } } });
          } else {
            const { resource: _ignored, ...creds } = patch;
            set({ profile: { ...profile, [role]: { ...profile[role], ...creds } } });
          }
        },
        saveCurrent: (name) => {
          const profile = name ? { ...get().profile, name } : get().profile;
          const saved = get().saved.filter((p) => p.name !== profile.name);
          set({ profile, saved: [...saved, profile] });
        },
        load: (name) => {
          const found = get().saved.find((p) => p.name === name);
          if (!found) return false;
          set({ profile: found });
          return true;
        },
        remove: (name) => set({ saved: get().saved.filter((p) => p.name !== name) }),
        resetToDefaults: () => set({ profile: initial }),
        autoReconnect: true,
        setAutoReconnect: (autoReconnect) => set({ autoReconnect }),
      }),
      {
        name: PROFILE_STORAGE_KEY,
        version: PROFILE_STORAGE_VERSION,
        storage: createJSONStorage<Persisted>(() => storage),
        partialize: (s): Persisted => ({ profile: stripPasswords(s.profile), saved: s.saved.map(stripPasswords), autoReconnect: s.autoReconnect }),
        merge: (persisted, current) => {
          if (!isObject(persisted)) return current;
          const profile = coerceProfile(persisted.profile) ?? current.profile;
          const saved = Array.isArray(persisted.saved)
            ? persisted.saved.map(coerceProfile).filter((p): p is ConnectionProfile => p !== null)
            : current.saved;
          const autoReconnect = typeof persisted.autoReconnect === "boolean" ? persisted.autoReconnect : current.autoReconnect;
          return { ...current, profile, saved, autoReconnect };
        },
      },
    ),
  );
}
