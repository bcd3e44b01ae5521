/** The state the session manager's parts share; one instance per SessionManager. */
import type { Element } from "@xmpp/xml";
import { buildErrorReply } from "../../protocol/stanzas/errors";
import { buildIq } from "../../protocol/stanzas/iq";
import { attrOf } from "../../protocol/stanzas/xml-util";
import type { StanzaErrorSpec } from "../../protocol/policy/types";
import type { Logger } from "../types";
import type { AccountBook } from "./account-book";
import type { DecisionRecorder } from "./decision-recorder";
import type { HostTable } from "./hosts";
import type { OfflineStore } from "./offline-store";
import type { PushLog } from "./push-log-store";
import type { SessionRecord, SessionRegistry } from "./session-registry";
import type { TimerSet } from "./timers";

export interface SessionContext {
  hosts: HostTable;
  sessions: SessionRegistry;
  offline: OfflineStore;
  /** Registrations and push counters per account (src/protocol/account). */
  accounts: AccountBook;
  pushLog: PushLog;
  recorder: DecisionRecorder;
  logger: Logger;
  timers: TimerSet;
  appServerTimeoutMs: number;
}

/** Answers a stanza with an RFC 6120 §8.3 error, to the session that sent it. */
export function replyError(sender: SessionRecord, stanza: Element, spec: StanzaErrorSpec): void {
  sender.session.send(buildErrorReply(stanza, spec));
}

/** The empty `result` for an iq get/set (from/to swapped, same id). */
export function resultFor(iq: Element, payload?: Element): Element {
  return buildIq({ type: "result", id: attrOf(iq, "id"), from: attrOf(iq, "to"), to: attrOf(iq, "from") }, payload);
}

/**
 * Runs push work that follows a stanza already delivered: a failure there is the server's own
 * (logged at error level), and must not turn into an error reply for a stanza that went through.
 */
export function afterDelivery(logger: Logger, what: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    logger.error(`${what} failed`, { error: err });
  }
}

/** One recipient of a fan-out (bare-JID message, presence broadcast): its failure stays its own. */
export function sendTo(logger: Logger, record: SessionRecord, stanza: Element): void {
  try {
    record.session.send(stanza);
  } catch (err) {
    logger.error(`sending <${stanza.name}> to ${record.session.jid} failed`, { error: err });
  }
}
