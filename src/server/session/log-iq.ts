/**
 * The decision log over XMPP: the playground fetches the server's record of its own account's
 * push decisions with an iq to its own bare JID (or with no `to`).
 *
 *   <iq type='get' id='l1'>
 *     <log xmlns='urn:xmpp-push-playground:decisions:0' after='41' limit='100'/>
 *   </iq>
 *
 *   <iq type='result' id='l1'>
 *     <log xmlns='urn:xmpp-push-playground:decisions:0' count='3' last='57' more='false' instance='…'>
 *       [ {"seq":44,"at":"…","kind":"message-decision",…}, … ]
 *     </log>
 *   </iq>
 *
 * - `after` (optional, default 0): only entries with a greater `seq`.
 * - `limit` (optional, default and maximum 1000): at most this many entries, the oldest first.
 * - The text child is a JSON array of PushLogEntry objects (src/protocol/push-log.ts) about the
 *   requesting account, in ascending `seq` order.
 * - `count`: entries in the array. `last`: the seq of the last entry returned, or `after` when
 *   none was: send it as the next `after`. `more='true'` when `limit` cut the answer short.
 * - `sessions='true'` (optional, issue 12) adds every session's bind, end and presence entries.
 * - A non-integer or negative `after`/`limit` gets `bad-request`.
 */
import type { Element } from "@xmpp/xml";
import { NS } from "../../protocol/ns";
import { stanzaError } from "../../protocol/stanzas/errors";
import { attrOf, el, findChild } from "../../protocol/stanzas/xml-util";
import { replyError, resultFor } from "./context";
import type { PushLog } from "./push-log-store";
import type { SessionRecord } from "./session-registry";

export const LOG_IQ_MAX_LIMIT = 1000;

export function answerLogIq(log: PushLog, sender: SessionRecord, iq: Element): void {
  const request = findChild(iq, "log", NS.decisions);
  const after = readCount(request && attrOf(request, "after"), 0);
  const limit = readCount(request && attrOf(request, "limit"), LOG_IQ_MAX_LIMIT);
  if (after === null || limit === null) {
    replyError(sender, iq, { ...stanzaError("bad-request"), text: "after and limit must be non-negative integers" });
    return;
  }
  const capped = Math.min(limit, LOG_IQ_MAX_LIMIT);
  const sessions = request ? attrOf(request, "sessions") : undefined;
  if (sessions !== undefined && !["true", "false", "1", "0"].includes(sessions)) {
    replyError(sender, iq, { ...stanzaError("bad-request"), text: "sessions must be true, false, 1 or 0" });
    return;
  }
  const entries = log.list({ account: sender.session.account, after, limit: capped + 1, sessions: sessions === "true" || sessions === "1" });
  const more = entries.length > capped;
  const page = more ? entries.slice(0, capped) : entries;
  const last = page.at(-1)?.seq ?? after;
  sender.session.send(
    resultFor(
      iq,
      el("log", { xmlns: NS.decisions, count: page.length, last, more: String(more), instance: log.instance }, JSON.stringify(page)),
    ),
  );
}

function readCount(raw: string | undefined, fallback: number): number | null {
  if (raw === undefined) return fallback;
  const trimmed = raw.trim();
  if (!/^\d+$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) ? value : null;
}
