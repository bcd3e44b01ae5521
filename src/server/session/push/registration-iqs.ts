/**
 * XEP-0357 registrations as the server receives them: `enable` and `disable` iqs from the account's
 * sessions (§6, §7) and the App Server's remote disable (§9). The shared account model decides
 * (src/protocol/account, by the host's PushPolicy); this module answers the iq and records why.
 */
import type { Element } from "@xmpp/xml";
import { disable, enable, remoteDisable, sessionKeyAfter } from "../../../protocol/account";
import type { IqType, RegistrationKey } from "../../../protocol/policy/types";
import { parseDisable, parseEnable, type ParsedRemoteDisable } from "../../../protocol/stanzas/push";
import { parseAddress } from "../address";
import { replyError, resultFor, type SessionContext } from "../context";
import type { Host } from "../hosts";
import type { SessionRecord } from "../session-registry";

export class RegistrationIqs {
  constructor(private readonly ctx: SessionContext) {}

  enable(sender: SessionRecord, iq: Element, host: Host, iqType: IqType): void {
    const { session } = sender;
    const parsed = parseEnable(iq);
    if (!parsed) throw new Error("enable handler called without <enable/>");
    const policy = host.policy;
    const result = this.ctx.accounts.apply(session.account, (state) =>
      enable(state, policy, {
        request: { iqType, jid: parsed.jid, node: parsed.node, away: parsed.away, senderFullJid: session.jid },
        pushJid: parsed.jid === undefined ? null : (parseAddress(parsed.jid)?.full ?? null),
        publishOptions: parsed.publishOptions,
        sessionId: session.id,
        resource: session.resource,
        sessionKey: sessionKeyAfter(session.id, sender.resumptions),
      }),
    );
    if (result.refused) {
      const spec = result.refused;
      this.ctx.recorder.registration(host, session.account, "enable", {
        resource: session.resource,
        key: parsed.jid !== undefined ? { jid: parsed.jid, node: parsed.node ?? "" } : null,
        error: spec,
        why: `enable refused with ${spec.type}/${spec.condition}${spec.text ? `: ${spec.text}` : ""}`,
      });
      replyError(sender, iq, spec);
      return;
    }

    const { registration } = result;
    this.ctx.recorder.registration(host, session.account, "enable", {
      resource: session.resource,
      key: { jid: registration.jid, node: registration.node },
      registration,
      why: `${result.replaced ? "replaced the registration with the same jid and node" : "new registration"}; away=${registration.away}` +
        (parsed.away !== undefined ? ` (sent away='${parsed.away}')` : ""),
    });
    for (const old of result.evicted) {
      this.ctx.recorder.registration(host, session.account, "registration-removed", {
        resource: null,
        key: { jid: old.jid, node: old.node },
        registration: old,
        why: `LRU: the account holds at most ${policy.maxRegistrations} registrations under ${policy.name}; this was the least recently enabled`,
      });
    }
    for (const old of result.removedWithSession) {
      this.ctx.recorder.registration(host, session.account, "registration-removed", {
        resource: null,
        key: { jid: old.jid, node: old.node },
        registration: old,
        why: `the enable replaced a registration of the session that enabled this one too, and ${policy.name} deletes a session's registrations together`,
      });
    }
    session.send(resultFor(iq));
  }

  disable(sender: SessionRecord, iq: Element, host: Host, iqType: IqType): void {
    const { session } = sender;
    const parsed = parseDisable(iq);
    if (!parsed) throw new Error("disable handler called without <disable/>");
    const jid = parsed.jid === undefined ? undefined : (parseAddress(parsed.jid)?.full ?? parsed.jid);
    const { refused, removed } = this.ctx.accounts.apply(session.account, (state) => disable(state, host.policy, { iqType, jid, node: parsed.node, sessionId: session.id }));
    const scope = parsed.node === undefined ? `every node of ${jid ?? "(no jid)"}` : `${jid ?? "(no jid)"}#${parsed.node}`;
    const requestedKey = jid !== undefined && parsed.node !== undefined ? { jid, node: parsed.node } : null;
    if (refused) {
      this.ctx.recorder.registration(host, session.account, "disable", {
        resource: session.resource,
        key: requestedKey,
        error: refused,
        why: `disable of ${scope} refused with ${refused.type}/${refused.condition}${refused.text ? `: ${refused.text}` : ""}`,
      });
      replyError(sender, iq, refused);
      return;
    }
    if (removed.length === 0) {
      this.ctx.recorder.registration(host, session.account, "disable", {
        resource: session.resource,
        key: requestedKey,
        why: `disable of ${scope} matched no registration`,
      });
    }
    for (const registration of removed) {
      this.ctx.recorder.registration(host, session.account, "disable", {
        resource: session.resource,
        key: { jid: registration.jid, node: registration.node },
        registration,
        why:
          registration.jid === jid && (parsed.node === undefined || registration.node === parsed.node)
            ? `disabled by ${session.resource} (${scope})`
            : `removed with ${scope}, disabled by ${session.resource}: both were enabled by the session of ${registration.enabledByResource}, and ${host.policy.name} deletes a session's registrations together`,
      });
    }
    session.send(resultFor(iq));
  }

  /**
   * The App Server's "affiliation none" message. Returns true when the server consumed it; false
   * when the policy ignores §9 and the message goes on to be routed like any other.
   */
  remoteDisable(host: Host, account: string, request: ParsedRemoteDisable): boolean {
    const key: RegistrationKey = { jid: parseAddress(request.jid)?.full ?? request.jid, node: request.node };
    const { honoured, removed } = this.ctx.accounts.apply(account, (state) => remoteDisable(state, host.policy, key));
    if (!honoured) {
      this.ctx.recorder.registration(host, account, "disable", {
        resource: null,
        key,
        why: `remote disable from ${key.jid} for node ${key.node} ignored: ${host.policy.name} does not honour XEP-0357 §9`,
      });
      return false;
    }
    if (removed) {
      this.ctx.recorder.registration(host, account, "registration-removed", {
        resource: null,
        key,
        registration: removed,
        why: `remote disable by the App Server ${key.jid} (XEP-0357 §9)`,
      });
    } else {
      this.ctx.recorder.registration(host, account, "disable", {
        resource: null,
        key,
        why: `remote disable from ${key.jid} for node ${key.node} matched no registration`,
      });
    }
    return true;
  }
}
