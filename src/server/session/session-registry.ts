/**
 * Bound sessions by account and resource, with the presence state the push policies read.
 * A full JID maps to at most one session: binding it again replaces the older stream.
 */
import type { PresenceState, SessionSnapshot } from "../../protocol/policy/types";
import type { Element } from "@xmpp/xml";
import type { ClientSession, HibernationWindowControl } from "../types";

/**
 * Issue 13: a hibernated session's window as the push hibernation sees it (timer-pushes.ts):
 * whether it is extended (push enabled, no important push yet), the normal timeout it returns to,
 * the control that moves its end and ejabberd's pending wake-up push.
 */
export interface HibernationWindowState {
  control: HibernationWindowControl | null;
  extended: boolean;
  normalMs: number;
  wakeTimer: ReturnType<typeof setTimeout> | null;
  /** Prosody ends the push hibernation when its 1 s batch publishes, not when the message arrives. */
  restoreTimer: ReturnType<typeof setTimeout> | null;
}

export interface SessionRecord {
  readonly session: ClientSession;
  presence: PresenceState | null;
  presenceCount: number;
  /** The last available presence as sent, replayed to resources that come online later. */
  lastPresence: Element | null;
  /** `hibernated`: XEP-0198 keeps the session (and its presence) while its socket is gone. */
  state: SessionSnapshot["state"];
  /** Date.now() when it went into hibernation, while it is hibernated. */
  hibernatedAt?: number;
  /** Issue 13: its hibernation window, while it is hibernated. */
  hibernation?: HibernationWindowState;
  /**
   * Issue 13: XEP-0198 resumptions so far. ejabberd resumes a session in a new c2s process with a
   * new sid, under which it stores what the session enables next (PushPolicy.resumptionRenewsSessionKey).
   */
  resumptions: number;
}

export class SessionRegistry {
  /** account → resource → record, in bind order. */
  private readonly accounts = new Map<string, Map<string, SessionRecord>>();

  /** Registers the session; returns the record it displaced (same full JID), which is already removed. */
  bind(session: ClientSession): { record: SessionRecord; replaced: SessionRecord | null } {
    let resources = this.accounts.get(session.account);
    if (!resources) {
      resources = new Map();
      this.accounts.set(session.account, resources);
    }
    const replaced = resources.get(session.resource) ?? null;
    // Delete first so the new record goes to the end of the bind order.
    resources.delete(session.resource);
    const record: SessionRecord = { session, presence: null, presenceCount: 0, lastPresence: null, state: "connected", resumptions: 0 };
    resources.set(session.resource, record);
    return { record, replaced };
  }

  /**
   * Removes the session if it is still the registered one for its full JID; a late close of a
   * replaced stream must not remove its successor. Returns the removed record.
   */
  remove(session: ClientSession): SessionRecord | null {
    const resources = this.accounts.get(session.account);
    const record = resources?.get(session.resource);
    if (!resources || !record || record.session.id !== session.id) return null;
    resources.delete(session.resource);
    if (resources.size === 0) this.accounts.delete(session.account);
    return record;
  }

  /** The live record of this very stream, or null when it was replaced or closed. */
  current(session: ClientSession): SessionRecord | null {
    const record = this.accounts.get(session.account)?.get(session.resource);
    return record && record.session.id === session.id ? record : null;
  }

  byFullJid(account: string, resource: string): SessionRecord | null {
    return this.accounts.get(account)?.get(resource) ?? null;
  }

  recordsOf(account: string): SessionRecord[] {
    return [...(this.accounts.get(account)?.values() ?? [])];
  }

  snapshotsOf(account: string): SessionSnapshot[] {
    return this.recordsOf(account).map(snapshotOf);
  }
}

export function snapshotOf(record: SessionRecord): SessionSnapshot {
  return {
    sessionId: record.session.id,
    resource: record.session.resource,
    state: record.state,
    presence: record.presence ? { ...record.presence } : null,
    presenceCount: record.presenceCount,
  };
}
