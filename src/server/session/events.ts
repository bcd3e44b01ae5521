/**
 * What the session manager tells the push module, the way Prosody's mod_cloud_notify hooks
 * `message/offline/handle`, `smacks-hibernation-start`, `smacks-hibernation-end` and presence
 * events: the session manager routes and keeps sessions, and never decides a push itself.
 * Handlers run after the stanza was delivered; a failure there is logged, not answered.
 */
import type { Element } from "@xmpp/xml";
import type { Delivery, MessageSnapshot, SessionSnapshot } from "../../protocol/policy/types";
import type { UnackedStanza } from "../types";
import type { Host } from "./hosts";
import type { SessionRecord } from "./session-registry";

export interface MessageRoutedEvent {
  host: Host;
  account: string;
  sender: SessionRecord;
  /** The `to` of the message, normalized. */
  to: string;
  stanza: Element;
  message: MessageSnapshot;
  /** The account's sessions the message was routed by. */
  sessions: SessionSnapshot[];
  delivery: Delivery;
}

export interface SessionEvents {
  /**
   * A message to a local account's bare JID, before it is routed. true: the push module consumed
   * it (the App Server's XEP-0357 §9 remote disable, under a policy that honours it).
   */
  messageToAccount(host: Host, account: string, stanza: Element): boolean;
  /** A message was routed to an account (delivered, stored offline or dropped). */
  messageRouted(event: MessageRoutedEvent): void;
  /** A message went to the account's offline storage (routed, or an unacknowledged one re-routed). */
  storedOffline(host: Host, account: string): void;
  /** The account's offline storage was handed to a session that became receiving. */
  offlineDelivered(host: Host, record: SessionRecord): void;
  /** A session's presence changed; `before` and `after` are its snapshots around the change. */
  presenceChanged(host: Host, record: SessionRecord, change: { available: boolean; before: SessionSnapshot; after: SessionSnapshot }): void;
  /** A session went into XEP-0198 hibernation (its state already `hibernated`). */
  hibernated(host: Host, record: SessionRecord, info: { unacked: readonly UnackedStanza[]; resumptionTimeoutMs: number }): void;
  /** A hibernated session was resumed (its state already `connected`). */
  resumed(host: Host, record: SessionRecord, info: { redelivered: number; hibernatedMs: number }): void;
}
