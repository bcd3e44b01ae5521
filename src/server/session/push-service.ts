/**
 * XEP-0357 on the user's server (design §0.2): registrations from `enable`/`disable`, the publish
 * to the App Server and its answer, remote disable (§9) and Tigase's presence ping. Every
 * decision comes from the host's PushPolicy; this module only carries it out and records it.
 */
import { randomUUID } from "node:crypto";
import type { Element } from "@xmpp/xml";
import type {
  AppServerOutcome,
  IqType,
  RegistrationKey,
  RegistrationSnapshot,
  StanzaErrorSpec,
  SummaryFields,
} from "../../protocol/policy/types";
import { parseStanzaError, stanzaError } from "../../protocol/stanzas/errors";
import { buildPushPublish, parseDisable, parseEnable, type ParsedRemoteDisable } from "../../protocol/stanzas/push";
import { attrOf } from "../../protocol/stanzas/xml-util";
import { parseAddress } from "./address";
import { replyError, resultFor, type SmContext } from "./context";
import { keyLabel, type PublishDelay } from "./decision-recorder";
import type { Host } from "./hosts";
import type { SessionRecord } from "./session-registry";

interface PendingPublish {
  host: Host;
  account: string;
  key: RegistrationKey;
  /** The registration as it was when published (used if it is gone by the time the answer comes). */
  registration: RegistrationSnapshot;
  timer: ReturnType<typeof setTimeout> | null;
}

/** Where an iq the server sends to `jid` ends up: a connected session, or the error routing gives. */
export type IqTarget = { record: SessionRecord } | { error: StanzaErrorSpec };

/**
 * Publishes to one registration that wait for a delay (a verdict's `delayMs`). Only Prosody asks for
 * one: mod_cloud_notify collects what is queued for a hibernated session and, when its 1 s timer
 * fires, pushes once per kind of stanza ("important", with a body, and "unimportant"), whatever
 * number arrived meanwhile. Decisions made while a batch waits join it instead of adding a publish.
 * Prosody stops the timer when the session resumes (`restore_session`): `cancelBatchesFor`.
 */
interface PendingBatch {
  host: Host;
  account: string;
  key: RegistrationKey;
  delayMs: number;
  timer: ReturnType<typeof setTimeout> | null;
  /** The first decision of each kind (important first seen, unimportant first seen), in order. */
  publishes: { important: boolean; summary: SummaryFields; causeSeq: number }[];
  /** Later decisions folded into this batch. */
  joined: number[];
}

/** A batch dropped because the enabling session resumed before its timer fired. */
export interface CancelledBatch {
  key: RegistrationKey;
  causeSeqs: number[];
}

export class PushService {
  private readonly pending = new Map<string, PendingPublish>();
  private readonly batches = new Map<string, PendingBatch>();
  private publishCounter = 0;

  constructor(private readonly ctx: SmContext) {}

  // -------------------------------------------------------------------------------------------
  // enable / disable (XEP-0357 §6, §7)

  enable(sender: SessionRecord, iq: Element, host: Host, iqType: IqType): void {
    const { session } = sender;
    const parsed = parseEnable(iq);
    if (!parsed) throw new Error("enable handler called without <enable/>");
    const policy = host.policy;
    const rejected = policy.validateEnable({
      iqType,
      jid: parsed.jid,
      node: parsed.node,
      away: parsed.away,
      senderFullJid: session.jid,
    });
    // The policy checks presence and shape; the server still needs a routable JID to publish to.
    const pushJid = parsed.jid === undefined ? null : parseAddress(parsed.jid);
    const error = rejected ?? (pushJid ? null : { ...stanzaError("jid-malformed"), text: "the push service jid is not a valid JID" });
    if (error || !pushJid) {
      const spec = error ?? stanzaError("bad-request");
      this.ctx.recorder.registration(host, session.account, "enable", {
        resource: session.resource,
        key: parsed.jid !== undefined ? { jid: parsed.jid, node: parsed.node ?? "" } : null,
        error: spec,
        why: `enable refused with ${spec.type}/${spec.condition}${spec.text ? `: ${spec.text}` : ""}`,
      });
      replyError(sender, iq, spec);
      return;
    }

    const registration: RegistrationSnapshot = {
      jid: pushJid.full,
      node: parsed.node ?? "",
      away: policy.parseAwayFlag(parsed.away),
      enabledBySessionId: session.id,
      enabledByResource: session.resource,
      publishOptions: parsed.publishOptions,
      errorCount: 0,
    };
    const replacing = this.ctx.registrations.get(session.account, registration) !== null;
    const evicted = this.ctx.registrations.upsert(session.account, registration, policy.maxRegistrations);
    this.ctx.recorder.registration(host, session.account, "enable", {
      resource: session.resource,
      key: { jid: registration.jid, node: registration.node },
      registration,
      why: `${replacing ? "replaced the registration with the same jid and node" : "new registration"}; away=${registration.away}` +
        (parsed.away !== undefined ? ` (sent away='${parsed.away}')` : ""),
    });
    for (const old of evicted) {
      this.ctx.recorder.registration(host, session.account, "registration-removed", {
        resource: null,
        key: { jid: old.jid, node: old.node },
        registration: old,
        why: `LRU: the account holds at most ${policy.maxRegistrations} registrations under ${policy.name}; this was the least recently enabled`,
      });
    }
    session.send(resultFor(iq));
  }

  disable(sender: SessionRecord, iq: Element, host: Host, iqType: IqType): void {
    const { session } = sender;
    const parsed = parseDisable(iq);
    if (!parsed) throw new Error("disable handler called without <disable/>");
    const jid = parsed.jid === undefined ? undefined : (parseAddress(parsed.jid)?.full ?? parsed.jid);
    const matched = jid === undefined ? [] : this.ctx.registrations.match(session.account, jid, parsed.node);
    const error = host.policy.validateDisable({ iqType, jid, node: parsed.node, matched: matched.length });
    const scope = parsed.node === undefined ? `every node of ${jid ?? "(no jid)"}` : `${jid ?? "(no jid)"}#${parsed.node}`;
    if (error) {
      this.ctx.recorder.registration(host, session.account, "disable", {
        resource: session.resource,
        key: jid !== undefined && parsed.node !== undefined ? { jid, node: parsed.node } : null,
        error,
        why: `disable of ${scope} refused with ${error.type}/${error.condition}${error.text ? `: ${error.text}` : ""}`,
      });
      replyError(sender, iq, error);
      return;
    }
    if (matched.length === 0) {
      this.ctx.recorder.registration(host, session.account, "disable", {
        resource: session.resource,
        key: jid !== undefined && parsed.node !== undefined ? { jid, node: parsed.node } : null,
        why: `disable of ${scope} matched no registration`,
      });
    }
    for (const registration of matched) {
      this.ctx.registrations.remove(session.account, registration);
      this.ctx.recorder.registration(host, session.account, "disable", {
        resource: session.resource,
        key: { jid: registration.jid, node: registration.node },
        registration,
        why: `disabled by ${session.resource} (${scope})`,
      });
    }
    session.send(resultFor(iq));
  }

  // -------------------------------------------------------------------------------------------
  // remote disable (XEP-0357 §9)

  /**
   * Handles the App Server's "affiliation none" message. Returns true when the server consumed it;
   * false when the policy ignores §9 and the message goes on to be routed like any other.
   */
  remoteDisable(host: Host, account: string, request: ParsedRemoteDisable): boolean {
    const key: RegistrationKey = { jid: parseAddress(request.jid)?.full ?? request.jid, node: request.node };
    if (!host.policy.honoursRemoteDisable) {
      this.ctx.recorder.registration(host, account, "disable", {
        resource: null,
        key,
        why: `remote disable from ${key.jid} for node ${key.node} ignored: ${host.policy.name} does not honour XEP-0357 §9`,
      });
      return false;
    }
    const removed = this.ctx.registrations.remove(account, key);
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

  // -------------------------------------------------------------------------------------------
  // publishing (XEP-0357 §8) and the App Server's answer

  /** Publishes to each registration, at once or through its delay batch, each publish logged with `causeSeq`. */
  publishAll(
    host: Host,
    account: string,
    pushes: { key: RegistrationKey; delayMs: number }[],
    summary: SummaryFields,
    causeSeq: number,
  ): void {
    for (const { key, delayMs } of pushes) {
      if (delayMs > 0) this.batch(host, account, key, delayMs, summary, causeSeq);
      else this.publish(host, account, key, summary, causeSeq);
    }
  }

  /**
   * Drops the waiting batches of registrations enabled by this session, which is alive again
   * (XEP-0198 resumption). Returns what was dropped, for the decision record.
   */
  cancelBatchesFor(sessionId: string): CancelledBatch[] {
    const cancelled: CancelledBatch[] = [];
    for (const [id, batch] of this.batches) {
      const registration = this.ctx.registrations.get(batch.account, batch.key);
      if (registration?.enabledBySessionId !== sessionId) continue;
      this.ctx.timers.clear(batch.timer);
      this.batches.delete(id);
      cancelled.push({ key: batch.key, causeSeqs: [...batch.publishes.map((p) => p.causeSeq), ...batch.joined] });
    }
    return cancelled;
  }

  private batch(host: Host, account: string, key: RegistrationKey, delayMs: number, summary: SummaryFields, causeSeq: number): void {
    // Prosody's "important" stanzas are those with a body; its summary then carries the placeholder body.
    const important = summary.lastMessageBody !== undefined;
    const id = `${account}\u0000${key.jid}\u0000${key.node}`;
    const waiting = this.batches.get(id);
    if (waiting) {
      if (waiting.publishes.some((p) => p.important === important)) waiting.joined.push(causeSeq);
      else waiting.publishes.push({ important, summary, causeSeq });
      return;
    }
    const batch: PendingBatch = { host, account, key, delayMs, timer: null, publishes: [{ important, summary, causeSeq }], joined: [] };
    batch.timer = this.ctx.timers.set(() => {
      if (this.batches.get(id) !== batch) return;
      this.batches.delete(id);
      this.flush(batch);
    }, delayMs);
    this.batches.set(id, batch);
  }

  private flush(batch: PendingBatch): void {
    const { host, account, key, delayMs, joined } = batch;
    const seconds = `${delayMs / 1000} s`;
    const kinds = batch.publishes.length === 2 ? "once for the important and once for the unimportant stanzas" : "once";
    const folded = joined.length === 0 ? "" : `; ${joined.length} later decision(s) (#${joined.join(", #")}) joined this batch and got no publish of their own`;
    const note = host.policy.name === "prosody"
      ? `batched ${seconds} like Prosody's smacks timer: mod_cloud_notify collects the stanzas queued for a hibernated session and pushes ${kinds} when its ${seconds} timer fires${folded}`
      : `sent ${seconds} after its decision, as the ${host.policy.name} policy asked${folded}`;
    batch.publishes.forEach((p, i) => {
      this.publish(host, account, key, p.summary, p.causeSeq, {
        delayedMs: delayMs,
        note,
        ...(i === 0 && joined.length > 0 ? { batchedSeqs: [...joined] } : {}),
      });
    });
  }

  private publish(
    host: Host,
    account: string,
    key: RegistrationKey,
    summary: SummaryFields,
    causeSeq: number,
    delay?: PublishDelay,
  ): void {
    // Re-read: a delayed publish must not go to a registration disabled in the meantime.
    const registration = this.ctx.registrations.get(account, key);
    if (!registration) {
      this.ctx.logger.debug(`publish to ${keyLabel(key)} for ${account} skipped: the registration is gone`, { causeSeq });
      return;
    }
    const iqId = `push-${++this.publishCounter}-${randomUUID().slice(0, 8)}`;
    const iq = buildPushPublish({
      id: iqId,
      from: host.domain,
      to: registration.jid,
      node: registration.node,
      summary,
      publishOptions: registration.publishOptions,
    });
    this.ctx.recorder.publish(host, account, key, iqId, causeSeq, delay);
    const target = this.resolveIqTarget(registration.jid);
    if ("error" in target) {
      // What the real servers see when the push JID is not reachable: routing's error reply.
      this.settle(iqId, { host, account, key, registration, timer: null }, { kind: "error", type: target.error.type, condition: target.error.condition });
      return;
    }
    const pending: PendingPublish = { host, account, key, registration, timer: null };
    pending.timer = this.ctx.timers.set(() => {
      if (this.pending.get(iqId) !== pending) return;
      this.pending.delete(iqId);
      this.settle(iqId, pending, { kind: "timeout" });
    }, this.ctx.appServerTimeoutMs);
    this.pending.set(iqId, pending);
    target.record.session.send(iq);
  }

  /**
   * An iq result/error addressed to a local domain: if it answers a pending publish (same id,
   * from the registration's push JID, to the publishing domain) it settles it. Returns whether it did.
   */
  handleIqAnswer(domain: string, iq: Element, from: string): boolean {
    const id = attrOf(iq, "id");
    const pending = id === undefined ? undefined : this.pending.get(id);
    if (!id || !pending) return false;
    if (pending.host.domain !== domain || pending.registration.jid !== from) {
      this.ctx.logger.debug(`iq ${id} from ${from} to ${domain} does not answer the publish with that id`, {
        expectedFrom: pending.registration.jid,
        expectedTo: pending.host.domain,
      });
      return false;
    }
    this.pending.delete(id);
    this.ctx.timers.clear(pending.timer);
    const type = attrOf(iq, "type");
    let outcome: AppServerOutcome;
    if (type === "result") outcome = { kind: "result" };
    else {
      const error = parseStanzaError(iq) ?? { type: "cancel", condition: "undefined-condition" };
      outcome = { kind: "error", type: error.type, condition: error.condition };
    }
    this.settle(id, pending, outcome);
    return true;
  }

  private settle(iqId: string, pending: PendingPublish, outcome: AppServerOutcome): void {
    const { host, account, key } = pending;
    const current = this.ctx.registrations.get(account, key);
    const reaction = host.policy.onAppServerOutcome(current ?? pending.registration, outcome);
    this.ctx.recorder.publishOutcome(
      host,
      account,
      key,
      iqId,
      outcome,
      current ? reaction : { ...reaction, why: `${reaction.why} (the registration no longer exists; nothing to change)` },
    );
    if (!current) return;
    if (reaction.action === "remove") {
      this.ctx.registrations.remove(account, key);
      const what = outcome.kind === "error" ? `error ${outcome.type}/${outcome.condition}` : outcome.kind;
      this.ctx.recorder.registration(host, account, "registration-removed", {
        resource: null,
        key,
        registration: { ...current, errorCount: reaction.errorCount },
        why: `App Server answered publish ${iqId} with ${what}: ${reaction.why}`,
      });
    } else {
      this.ctx.registrations.setErrorCount(account, key, reaction.errorCount);
    }
  }

  /** RFC 6120 §10.5 as this server applies it to an iq it sends itself. */
  resolveIqTarget(jid: string): IqTarget {
    const address = parseAddress(jid);
    if (!address) return { error: stanzaError("jid-malformed") };
    if (!this.ctx.hosts.isLocal(address.domain)) return { error: stanzaError("remote-server-not-found") };
    if (address.local && address.resource) {
      const record = this.ctx.sessions.byFullJid(address.bare, address.resource);
      if (record) return { record };
    }
    // A domain, a bare JID (the server answers for the account) or a resource that is gone.
    return { error: stanzaError("service-unavailable") };
  }

  // -------------------------------------------------------------------------------------------
  // Tigase's "messages retrieved" ping (design §B.3)

  onAvailablePresence(host: Host, record: SessionRecord): void {
    const account = record.session.account;
    const sessions = this.ctx.sessions.snapshotsOf(account);
    const registrations = this.ctx.registrations.list(account);
    const decision = host.policy.onAvailablePresence({
      account,
      sessions,
      registrations,
      sessionId: record.session.id,
      options: host.options,
    });
    if (!decision) return;
    const entry = this.ctx.recorder.presenceDecision(host, account, {
      resource: record.session.resource,
      sessions,
      registrations,
      decision,
    });
    this.publishAll(host, account, decision.push.map((key) => ({ key, delayMs: 0 })), decision.summary, entry.seq);
  }

  /** Pending publishes and batches are dropped with the timers (SessionManager.close). */
  close(): void {
    this.pending.clear();
    this.batches.clear();
  }

  get pendingCount(): number {
    return this.pending.size;
  }
}
