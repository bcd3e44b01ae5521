/**
 * The test push (issue 10): the account's owner asks the server to publish once to one of its
 * registrations, with no message behind it (like Apple's and Stream's test sends), to check the
 * App Server path without staging a message.
 *
 *   <iq type='set' id='t1'>
 *     <test-push xmlns='urn:xmpp-push-playground:decisions:0' jid='pushsvc@localhost/sink' node='n1'/>
 *   </iq>
 *
 *   <iq type='result' id='t1'>
 *     <test-push xmlns='urn:xmpp-push-playground:decisions:0' jid='pushsvc@localhost/sink' node='n1'
 *       iq-id='push-7-1a2b3c4d' seq='42' outcome='error' error-type='cancel' condition='item-not-found'
 *       action='remove' error-count='1'>the App Server answered …</test-push>
 *   </iq>
 *
 * - Served to the account's own sessions only, addressed to its bare JID (or with no `to`), type `set`.
 * - `jid` and `node` name one of the account's registrations: missing → `bad-request`; no such
 *   registration → `item-not-found`.
 * - The answer waits for the App Server's answer, or for the server's App Server timeout
 *   (`outcome='timeout'`). `outcome` is `result`, `error` (with `error-type` and `condition`) or
 *   `timeout`; `action` and `error-count` are the policy's reaction, the text its reason.
 * - Recorded as a `test-push` entry (its `seq` is in the answer), then a `publish` caused by it and a
 *   `publish-outcome`: the answer is folded into the registration like any publish's, so an
 *   App Server error can remove it.
 */
import type { Element } from "@xmpp/xml";
import { NS } from "../../../protocol/ns";
import type { SummaryFields } from "../../../protocol/policy/types";
import { stanzaError } from "../../../protocol/stanzas/errors";
import { buildTestPushAnswer } from "../../../protocol/stanzas/test-push";
import { attrOf, findChild } from "../../../protocol/stanzas/xml-util";
import { replyError, resultFor, type SessionContext } from "../context";
import type { Host } from "../hosts";
import type { SessionRecord } from "../session-registry";
import type { Publisher } from "./publisher";

/** What a test push carries: one message's worth of summary, and a body that says what it is. */
export const TEST_PUSH_SUMMARY: SummaryFields = { messageCount: 1, lastMessageBody: "Test push from the XMPP Push Playground" };

export function answerTestPush(ctx: SessionContext, publisher: Publisher, sender: SessionRecord, iq: Element, host: Host): void {
  const request = findChild(iq, "test-push", NS.decisions);
  const jid = request && attrOf(request, "jid");
  const node = request && attrOf(request, "node");
  if (!jid || node === undefined) {
    replyError(sender, iq, { ...stanzaError("bad-request"), text: "test-push needs the jid and node of one of your registrations" });
    return;
  }
  const account = sender.session.account;
  const key = { jid, node };
  if (!ctx.accounts.registration(account, key)) {
    replyError(sender, iq, { ...stanzaError("item-not-found"), text: `${account} has no registration for ${jid} node '${node}'` });
    return;
  }
  const entry = ctx.recorder.testPush(host, account, { resource: sender.session.resource, key, why: `${sender.session.jid} asked for a test push` });
  const settled = publisher.publishNow(host, account, key, TEST_PUSH_SUMMARY, entry.seq);
  if (!settled) {
    replyError(sender, iq, stanzaError("item-not-found"));
    return;
  }
  void settled.then(({ iqId, outcome, reaction }) => {
    try {
      sender.session.send(resultFor(iq, buildTestPushAnswer({ key, iqId, seq: entry.seq, outcome, reaction })));
    } catch (err) {
      // The asking session may be gone by the time the App Server answered: the record has it all.
      ctx.logger.debug(`test push answer to ${sender.session.jid} not sent`, { error: err });
    }
  });
}
