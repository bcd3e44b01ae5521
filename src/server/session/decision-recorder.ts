/**
 * Writes the push decision record (push-log.ts) and the matching one-line server log messages.
 * Entries carry the host and policy so a reader of the record alone can tell which rules applied.
 */
import type {
  AppServerOutcome,
  AppServerReaction,
  PresencePushDecision,
  RegistrationKey,
  RegistrationSnapshot,
  SessionSnapshot,
  StanzaErrorSpec,
} from "../../protocol/policy/types";
import type { MessageDecisionEntry, PushLogEntry, SessionLifecycleEntry, SessionStateEntry } from "../../protocol/push-log";
import type { Logger } from "../types";
import type { Host } from "./hosts";
import type { PushLog } from "./push-log-store";

export function keyLabel(key: RegistrationKey): string {
  return `${key.jid}#${key.node}`;
}

/** How a publish was held back (PublishEntry's optional fields). */
export interface PublishDelay {
  delayedMs: number;
  note: string;
  batchedSeqs?: number[];
}

export type SessionStateKind = SessionStateEntry["kind"];
export type SessionStateDetails = Omit<SessionStateEntry, "kind" | "seq" | "at" | "host" | "policy" | "account">;

export class DecisionRecorder {
  constructor(
    private readonly log: PushLog,
    private readonly logger: Logger,
  ) {}

  messageDecision(
    host: Host,
    account: string,
    // The entry's own fields; the server always knows the whole decision input, so none is optional.
    details: Required<Omit<MessageDecisionEntry, "kind" | "seq" | "at" | "host" | "policy" | "account" | "detached">> & Pick<MessageDecisionEntry, "detached">,
  ): PushLogEntry {
    const entry = this.log.append({ kind: "message-decision", ...this.base(host, account), ...details });
    const { decision } = details;
    const pushed = decision.verdicts.filter((v) => v.push).map((v) => keyLabel(v.key));
    this.logger.debug(
      `push decision for ${account} message ${details.messageId ?? "(no id)"}: ${decision.rule}: ${decision.reason}; ` +
        `pushed: ${pushed.length ? pushed.join(", ") : "none"}`,
      { seq: entry.seq },
    );
    return entry;
  }

  presenceDecision(
    host: Host,
    account: string,
    details: { resource: string; sessions: SessionSnapshot[]; registrations: RegistrationSnapshot[]; decision: PresencePushDecision },
  ): PushLogEntry {
    const entry = this.log.append({ kind: "presence-decision", ...this.base(host, account), ...details });
    this.logger.debug(
      `presence push for ${account}/${details.resource}: ${details.decision.rule}: ${details.decision.reason}; ` +
        `pushed: ${details.decision.push.map(keyLabel).join(", ") || "none"}`,
      { seq: entry.seq },
    );
    return entry;
  }

  publish(host: Host, account: string, key: RegistrationKey, iqId: string, causeSeq: number, delay?: PublishDelay): PushLogEntry {
    const entry = this.log.append({ kind: "publish", ...this.base(host, account), key, iqId, causeSeq, ...delay });
    this.logger.debug(`publish ${iqId} for ${account} to ${keyLabel(key)}${delay ? ` (${delay.note})` : ""}`, { seq: entry.seq, causeSeq });
    return entry;
  }

  /** A test push the account's owner asked for (issue 10); its publish carries this entry's seq as `causeSeq`. */
  testPush(host: Host, account: string, details: { resource: string; key: RegistrationKey; why: string }): PushLogEntry {
    const entry = this.log.append({ kind: "test-push", ...this.base(host, account), ...details });
    this.logger.debug(`test push for ${account}/${details.resource} to ${keyLabel(details.key)}: ${details.why}`, { seq: entry.seq });
    return entry;
  }

  /** XEP-0198 lifecycle: hibernated, resumed, expired, or closed with unacknowledged stanzas. */
  sessionState(host: Host, account: string, kind: SessionStateKind, details: SessionStateDetails): PushLogEntry {
    const entry = this.log.append({ kind, ...this.base(host, account), ...details });
    this.logger.debug(`${kind} ${account}/${details.resource}: ${details.why}`, { seq: entry.seq });
    return entry;
  }

  /** A session bound, ended or changed presence (issue 12: the playground shows sessions it did not open). */
  sessionLifecycle(
    host: Host,
    account: string,
    kind: SessionLifecycleEntry["kind"],
    details: Omit<SessionLifecycleEntry, "kind" | "seq" | "at" | "host" | "policy" | "account">,
  ): PushLogEntry {
    const entry = this.log.append({ kind, ...this.base(host, account), ...details });
    this.logger.debug(`${kind} ${account}/${details.resource}: ${details.why}`, { seq: entry.seq });
    return entry;
  }

  publishOutcome(
    host: Host,
    account: string,
    key: RegistrationKey,
    iqId: string,
    outcome: AppServerOutcome,
    reaction: AppServerReaction,
  ): PushLogEntry {
    const entry = this.log.append({ kind: "publish-outcome", ...this.base(host, account), key, iqId, outcome, reaction });
    const what = outcome.kind === "error" ? `error ${outcome.type}/${outcome.condition}` : outcome.kind;
    this.logger.debug(`publish ${iqId} to ${keyLabel(key)}: ${what} → ${reaction.action} (${reaction.why})`, { seq: entry.seq });
    return entry;
  }

  registration(
    host: Host,
    account: string,
    kind: "enable" | "disable" | "registration-removed",
    details: { resource: string | null; key: RegistrationKey | null; registration?: RegistrationSnapshot; error?: StanzaErrorSpec; why: string },
  ): PushLogEntry {
    const entry = this.log.append({ kind, ...this.base(host, account), ...details });
    const level = kind === "registration-removed" ? "info" : "debug";
    this.logger[level](`${kind} ${details.key ? keyLabel(details.key) : "(no key)"} for ${account}: ${details.why}`, { seq: entry.seq });
    return entry;
  }

  private base(host: Host, account: string) {
    return { host: host.domain, policy: host.policy.name, account };
  }
}
