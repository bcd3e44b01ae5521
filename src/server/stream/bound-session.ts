/**
 * A bound resource as the session manager sees it (ClientSession). With XEP-0198 it is not tied to
 * one WebSocket: while hibernated it has no transport and queues what it is sent, and a resumed
 * stream attaches to the same object, so its id, JID and push registrations carry over.
 */
import { randomUUID } from "./bytes";
import type { Element } from "@xmpp/xml";
import { NS } from "../../protocol/ns";
import type { ClientSession } from "../types";
import type { StreamManagementState } from "./stream-management";

export const STANZA_NAMES: ReadonlySet<string> = new Set(["message", "presence", "iq"]);

/** The stream currently carrying a session (StreamConnection). */
export interface SessionTransport {
  /** Writes one stanza, counting it for stream management when that is on. */
  sendElement(stanza: Element): void;
  closeWithStreamError(condition: string, text?: string): void;
  /** Another stream took the session over (XEP-0198 resumption): end this one, leaving the session alone. */
  releaseSession(): void;
}

/** How a hibernated session is ended from outside (the resumption registry). */
export interface HibernationHandle {
  end(condition: string, text?: string): void;
}

export type BoundSessionState = "connected" | "hibernated" | "ended";

export class BoundSession implements ClientSession {
  readonly id = randomUUID();
  readonly jid: string;
  readonly account: string;
  /** XEP-0198 state once the client sent `<enable/>`; kept across hibernation and resumption. */
  sm: StreamManagementState | null = null;
  private transport: SessionTransport | null;
  private hibernation: HibernationHandle | null = null;

  constructor(
    transport: SessionTransport,
    readonly local: string,
    readonly domain: string,
    readonly resource: string,
  ) {
    this.transport = transport;
    this.account = `${local}@${domain}`;
    this.jid = `${this.account}/${resource}`;
  }

  get state(): BoundSessionState {
    if (this.transport) return "connected";
    return this.hibernation ? "hibernated" : "ended";
  }

  isCarriedBy(transport: SessionTransport): boolean {
    return this.transport === transport;
  }

  send(stanza: Element): void {
    if (STANZA_NAMES.has(stanza.name) && stanza.attrs.xmlns === undefined) stanza.attrs.xmlns = NS.client;
    if (this.transport) {
      this.transport.sendElement(stanza);
    } else if (this.hibernation && this.sm) {
      // XEP-0198: queued (and counted) for the client to receive when it resumes.
      this.sm.recordOutbound(stanza);
    }
    // An ended session drops it: the session manager has been told it is gone.
  }

  closeWithStreamError(condition: string, text?: string): void {
    if (this.transport) this.transport.closeWithStreamError(condition, text);
    else this.hibernation?.end(condition, text);
  }

  /** A (new) stream carries the session: on resumption. Returns the stream that carried it until now, if any. */
  attach(transport: SessionTransport): SessionTransport | null {
    const previous = this.transport;
    this.transport = transport;
    this.hibernation = null;
    return previous;
  }

  /** The socket is gone but the session waits for its client to resume it. */
  hibernate(handle: HibernationHandle): void {
    this.transport = null;
    this.hibernation = handle;
  }

  /** For good: nothing is sent or queued any more. */
  end(): void {
    this.transport = null;
    this.hibernation = null;
  }
}
