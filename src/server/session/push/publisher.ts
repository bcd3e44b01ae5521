/**
 * The publish to the App Server (XEP-0357 §8) and its answer: at once or through a delay batch,
 * each publish logged with the decision that caused it, each answer folded into the account's
 * registration by the shared account model (src/protocol/account).
 */
import { randomUUID } from "../../stream/bytes";
import type { Element } from "@xmpp/xml";
import { appServerAnswer, findDetached, holdersOfKey } from "../../../protocol/account";
import type { AppServerOutcome, AppServerReaction, RegistrationKey, RegistrationSnapshot, StanzaErrorSpec, SummaryFields } from "../../../protocol/policy/types";
import { parseStanzaError, stanzaError } from "../../../protocol/stanzas/errors";
import { buildPushPublish } from "../../../protocol/stanzas/push";
import { attrOf } from "../../../protocol/stanzas/xml-util";
import { parseAddress } from "../address";
import type { SessionContext } from "../context";
import { keyLabel, type PublishDelay } from "../decision-recorder";
import type { Host } from "../hosts";
import type { SessionRecord } from "../session-registry";

interface PendingPublish {
  host: Host;
  account: string;
  key: RegistrationKey;
  /** The registration as it was when published (used if it is gone by the time the answer comes). */
  registration: RegistrationSnapshot;
  timer: ReturnType<typeof setTimeout> | null;
  /** Told how the publish ended (the test push answers its requester with it). */
  onSettled?: (settled: SettledPublish) => void;
}

/** How one publish ended: the App Server's answer and what the policy made of it. */
export interface SettledPublish {
  iqId: string;
  outcome: AppServerOutcome;
  reaction: AppServerReaction;
  /** Whether the answer removed the registration. */
  removed: boolean;
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

export class Publisher {
  private readonly pending = new Map<string, PendingPublish>();
  private readonly batches = new Map<string, PendingBatch>();
  private publishCounter = 0;

  constructor(
    private readonly ctx: SessionContext,
    /** Issue 13: told after an App Server answer removed a registration (Prosody then ends a push hibernation). */
    private readonly onRemoved?: (host: Host, account: string, removed: RegistrationSnapshot) => void,
  ) {}

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
   * Drops the waiting batches of registrations whose push identifier this session holds (the one
   * it enabled, or under Prosody one it enabled before another session), which is alive again
   * (XEP-0198 resumption). Returns what was dropped, for the decision record.
   */
  cancelBatchesFor(sessionId: string): CancelledBatch[] {
    const cancelled: CancelledBatch[] = [];
    for (const [id, batch] of this.batches) {
      if (!holdersOfKey(this.ctx.accounts.get(batch.account), batch.key).includes(sessionId)) continue;
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

  /**
   * One publish to one registration, now, with no message behind it (the test push of issue 10):
   * logged and settled like any publish, so the App Server's answer is folded into the account.
   * Resolves with how it ended; null when the account has no such registration.
   */
  publishNow(host: Host, account: string, key: RegistrationKey, summary: SummaryFields, causeSeq: number): Promise<SettledPublish> | null {
    if (!this.ctx.accounts.registration(account, key)) return null;
    return new Promise((resolve) => this.publish(host, account, key, summary, causeSeq, undefined, resolve));
  }

  private publish(
    host: Host,
    account: string,
    key: RegistrationKey,
    summary: SummaryFields,
    causeSeq: number,
    delay?: PublishDelay,
    onSettled?: (settled: SettledPublish) => void,
  ): void {
    // Re-read: a delayed publish must not go to a registration disabled in the meantime, unless
    // (Prosody) a session still holds its push identifier and settings (DetachedHold).
    const registration = this.ctx.accounts.registration(account, key) ?? findDetached(this.ctx.accounts.get(account), key)?.registration ?? null;
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
      const unreachable: PendingPublish = { host, account, key, registration, timer: null, ...(onSettled ? { onSettled } : {}) };
      this.settle(iqId, unreachable, { kind: "error", type: target.error.type, condition: target.error.condition });
      return;
    }
    const pending: PendingPublish = { host, account, key, registration, timer: null, ...(onSettled ? { onSettled } : {}) };
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
    const { reaction, current, removed, removedWithSession } = this.ctx.accounts.apply(account, (state) =>
      appServerAnswer(state, host.policy, key, outcome, pending.registration),
    );
    this.ctx.recorder.publishOutcome(
      host,
      account,
      key,
      iqId,
      outcome,
      current ? reaction : { ...reaction, why: `${reaction.why} (the registration no longer exists; nothing to change)` },
    );
    if (removed) {
      const what = outcome.kind === "error" ? `error ${outcome.type}/${outcome.condition}` : outcome.kind;
      this.ctx.recorder.registration(host, account, "registration-removed", {
        resource: null,
        key,
        registration: removed,
        why: `App Server answered publish ${iqId} with ${what}: ${reaction.why}`,
      });
      this.onRemoved?.(host, account, removed);
    }
    for (const other of removedWithSession) {
      this.ctx.recorder.registration(host, account, "registration-removed", {
        resource: null,
        key: { jid: other.jid, node: other.node },
        registration: other,
        why: `removed with ${key.jid}#${key.node} after the App Server's answer to publish ${iqId}: ${host.policy.name} deletes a session's registrations together`,
      });
    }
    pending.onSettled?.({ iqId, outcome, reaction, removed: removed !== null });
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

  /** Pending publishes and batches are dropped with the timers (SessionManager.close). */
  close(): void {
    this.pending.clear();
    this.batches.clear();
  }

  get pendingCount(): number {
    return this.pending.size;
  }
}
