/**
 * The reference server's push log, entry by entry, as timeline `decision` events on the server
 * lane. Entries that explain pushes go to the linker; a session the server expired turns its
 * card from "hibernated" to "expired".
 */
import { durationText } from "../../protocol/policy/words";
import type { PushLogEntry, SessionStateEntry } from "../../protocol/push-log";
import { SERVER_LANE } from "../model";
import type { ServiceContext } from "./context";
import { plural } from "./format";
import type { LaneRegistry } from "./lane-registry";
import type { Linker } from "./linker";
import type { LoggedRemoval, ObservedAnswer } from "./registration-health";
import { registrationKeyId } from "../stores/registrations";

export interface LogEntryDeps {
  linker: Pick<Linker, "noteDecision" | "notePublish" | "noteTestPush" | "noteSessionEntry"> & Partial<Pick<Linker, "notePresenceDecision">>;
  registry: Pick<LaneRegistry, "resourceViews">;
  accountBare: () => string;
}

export function createLogEntryHandler(ctx: ServiceContext, deps: LogEntryDeps): (entry: PushLogEntry) => void {
  const { recorder, stores } = ctx;

  function onSessionEntry(entry: SessionStateEntry, at: number): void {
    const eventId = recorder.record({
      kind: "decision",
      lane: SERVER_LANE,
      at,
      seq: entry.seq,
      logKind: entry.kind,
      ...(entry.decision ? { rule: entry.decision.rule } : {}),
      reason: entry.why,
      summary: `${entry.policy}: ${sessionEntryWords(entry)}: ${entry.why}`,
    });
    deps.linker.noteSessionEntry(entry, eventId);
    if (entry.kind !== "session-expired" || entry.account.toLowerCase() !== deps.accountBare()) return;
    // The card said "hibernated": the server has now dropped that session, so Resume cannot work.
    const v = deps.registry.resourceViews().find((r) => r.resource === entry.resource && r.sm?.state === "hibernated" && r.status !== "online");
    if (!v?.sm) return;
    stores.sessions.getState().patch(v.id, { sm: { ...v.sm, state: "expired", since: at, note: entry.why } });
    recorder.record({ kind: "connection", lane: v.id, at, status: v.status, sm: "expired", summary: `${v.label}: the server expired the hibernated session; resuming it now fails (item-not-found)` });
  }

  return (entry) => {
    const at = Number.isFinite(Date.parse(entry.at)) ? Date.parse(entry.at) : ctx.clock.now();
    const base = { kind: "decision", lane: SERVER_LANE, at, seq: entry.seq, logKind: entry.kind } as const;
    switch (entry.kind) {
      case "message-decision": {
        deps.linker.noteDecision(entry);
        const pushed = entry.decision.verdicts.filter((v) => v.push).length;
        recorder.record({
          ...base,
          rule: entry.decision.rule,
          reason: entry.decision.reason,
          messageId: entry.messageId,
          summary: `${entry.policy}: ${pushed > 0 ? `push to ${plural(pushed, "registration")}` : "no push"} for message ${entry.messageId ?? "(no id)"}: ${entry.decision.reason}`,
        });
        return;
      }
      case "presence-decision":
        if (entry.decision.push.length === 0) return;
        deps.linker.notePresenceDecision?.(entry);
        recorder.record({
          ...base,
          rule: entry.decision.rule,
          reason: entry.decision.reason,
          summary: `${entry.policy}: presence of ${entry.resource} triggers a push to ${entry.decision.push.length} registration(s): ${entry.decision.reason}`,
        });
        return;
      case "publish":
        deps.linker.notePublish(entry.iqId, entry.causeSeq);
        return;
      case "test-push":
        deps.linker.noteTestPush(entry.seq);
        return; // the playground records the test push it asked for
      case "publish-outcome":
        stores.registrations.getState().recordAnswer(entry.key.jid, entry.key.node, { at, outcome: entry.outcome, reaction: entry.reaction });
        recorder.record({
          ...base,
          reason: entry.reaction.why,
          summary: `${entry.policy}: App Server answer to ${entry.iqId} (${entry.outcome.kind === "error" ? `${entry.outcome.type}/${entry.outcome.condition}` : entry.outcome.kind}) → ${entry.reaction.action} registration ${entry.key.node} (errors: ${entry.reaction.errorCount}): ${entry.reaction.why}`,
        });
        return;
      case "registration-removed":
        if (entry.key) {
          const regs = stores.registrations.getState();
          regs.setState(entry.key.jid, entry.key.node, "removed-by-server", entry.why);
          regs.recordRemoval(entry.key.jid, entry.key.node, removalOf(regs.answers[registrationKeyId(entry.key.jid, entry.key.node)], entry.why, at));
        }
        recorder.record({
          ...base,
          reason: entry.why,
          summary: `${entry.policy}: registration ${entry.key ? `${entry.key.jid} / ${entry.key.node}` : "?"} removed: ${entry.why}`,
        });
        return;
      case "enable":
      case "disable":
        return; // the playground records its own enable/disable with their answers
      case "session-hibernated":
      case "session-resumed":
      case "session-expired":
      case "session-closed":
      case "session-ack-overdue":
      case "session-wake-up":
      case "session-window-restored":
        onSessionEntry(entry, at);
        return;
    }
  };
}

/** XEP-0198 steps as the server saw them. */
export function sessionEntryWords(entry: SessionStateEntry): string {
  const who = `${entry.account}/${entry.resource}`;
  switch (entry.kind) {
    case "session-hibernated": {
      const window = entry.resumptionTimeoutMs !== undefined ? `, resumable for ${durationText(entry.resumptionTimeoutMs)}` : "";
      const push = entry.decision ? (entry.decision.pushes.length > 0 ? `; pushes to ${plural(entry.decision.pushes.length, "registration")} for its queue` : "; no push for its queue") : "";
      return `${who} hibernated (${plural(entry.unacked, "unacknowledged stanza")}${window})${push}`;
    }
    case "session-resumed": {
      const cancelled = entry.cancelledPushes?.length ? `; ${plural(entry.cancelledPushes.length, "batched push")} cancelled` : "";
      const after = entry.hibernatedMs !== undefined ? ` after ${Math.round(entry.hibernatedMs / 100) / 10} s` : "";
      return `${who} resumed${after}, ${plural(entry.redelivered ?? 0, "stanza")} re-sent${cancelled}`;
    }
    case "session-ack-overdue":
    case "session-wake-up": {
      const pushes = entry.decision?.pushes.length ?? 0;
      const what = entry.kind === "session-ack-overdue" ? `left an <r/> unanswered (${plural(entry.unacked, "unacknowledged stanza")})` : "is about to time out in hibernation";
      return `${who} ${what}; ${pushes > 0 ? `pushes to ${plural(pushes, "registration")}` : "no push"}`;
    }
    case "session-window-restored": {
      const window = entry.resumptionTimeoutMs !== undefined ? ` ${durationText(entry.resumptionTimeoutMs)}` : "";
      return `${who} stays resumable for the normal${window} after its first important push`;
    }
    case "session-expired":
    case "session-closed": {
      const o = entry.unackedOutcome;
      const outcome = o ? ` (unacknowledged: ${o.storedOffline} stored offline, ${o.rerouted} re-routed, ${o.bounced} bounced, ${o.dropped} dropped)` : "";
      return `${who} ${entry.kind === "session-expired" ? "expired without being resumed" : `closed with ${plural(entry.unacked, "unacknowledged stanza")}`}${outcome}`;
    }
  }
}

/** The removal, with the App Server answer that caused it when the log's last answer removed it. */
function removalOf(answers: readonly ObservedAnswer[] | undefined, why: string, at: number): LoggedRemoval {
  const last = answers?.[answers.length - 1];
  return last?.reaction?.action === "remove" ? { at, why, cause: last.outcome } : { at, why };
}
