/**
 * The reference server's own decision record for a message, set beside the playground's prediction
 * for the server's policy. Both run the same code from src/protocol (the policies' decisions and
 * the account model, src/protocol/account), so a disagreement is never two implementations
 * drifting apart (predict-server.test.ts holds them to one history). What is left, and what this
 * says: the inputs differ because the two sides saw different things (a presence the playground
 * has not heard back yet, an enable from another client, the order of a disable among enables,
 * an App Server message the playground did not send), or the server's record does not follow from
 * its own inputs under the playground's options (other away shows, or a bug).
 */
import { POLICIES } from "../../protocol/policy";
import { enablerState, presenceText, pushedKeys, regLabel } from "../../protocol/policy/common";
import type { DecisionInput, MessageSnapshot, PolicyOptions, RegistrationSnapshot, SessionSnapshot } from "../../protocol/policy/types";
import type { MessageDecisionEntry } from "../../protocol/push-log";
import { keyId, keysText, sameKeySet } from "./keys";
import type { PolicyPrediction, ServerCheck } from "./types";

function sessionsByResource(sessions: readonly SessionSnapshot[]): Map<string, SessionSnapshot> {
  return new Map(sessions.map((s) => [s.resource, s]));
}

/** One sentence per difference between the server's decision input and the playground's. */
export function inputDifferences(server: Pick<DecisionInput, "sessions" | "registrations" | "delivery">, playground: Pick<DecisionInput, "sessions" | "registrations" | "delivery">): string[] {
  const out: string[] = [];
  const theirs = sessionsByResource(server.sessions);
  const ours = sessionsByResource(playground.sessions);
  for (const [resource, s] of theirs) {
    const p = ours.get(resource);
    if (!p) out.push(`the server held a session ${resource} (${presenceText(s)}) that the playground did not count as connected`);
    else if (presenceText(p) !== presenceText(s)) out.push(`${resource}: the server saw ${presenceText(s)}, the playground ${presenceText(p)}`);
  }
  for (const [resource, p] of ours) {
    if (!theirs.has(resource)) out.push(`the playground counted ${resource} as connected (${presenceText(p)}) but the server had no such session`);
  }

  const regsOf = (regs: readonly RegistrationSnapshot[]) => new Map(regs.map((r) => [keyId(r), r]));
  const theirRegs = regsOf(server.registrations);
  const ourRegs = regsOf(playground.registrations);
  for (const [id, r] of theirRegs) {
    const p = ourRegs.get(id);
    if (!p) {
      out.push(`the server held registration ${regLabel(r)} (enabled by ${r.enabledByResource}) that the playground did not count in force`);
      continue;
    }
    if (p.away !== r.away) out.push(`${regLabel(r)}: away=${r.away} for the server, away=${p.away} for the playground`);
    const theirState = enablerState(r, server.sessions);
    const ourState = enablerState(p, playground.sessions);
    if (theirState !== ourState) {
      out.push(`${regLabel(r)}: its enabling session (${r.enabledByResource}) was ${theirState} for the server but ${ourState} for the playground`);
    }
  }
  for (const [id, p] of ourRegs) {
    if (!theirRegs.has(id)) out.push(`the playground counted registration ${regLabel(p)} in force but the server did not hold it`);
  }

  if (server.delivery.storedOffline !== playground.delivery.storedOffline) {
    out.push(`the server ${server.delivery.storedOffline ? "stored the message offline" : "did not store the message offline"}, the playground expected ${playground.delivery.storedOffline ? "it stored" : "a live delivery"}`);
  }
  const delivered = (d: readonly string[]) => [...d].sort().join(", ") || "nobody";
  if (delivered(server.delivery.deliveredTo) !== delivered(playground.delivery.deliveredTo)) {
    out.push(`the server delivered to ${delivered(server.delivery.deliveredTo)}, the playground expected ${delivered(playground.delivery.deliveredTo)}`);
  }
  return out;
}

/**
 * Check the server's record against the prediction for its policy. `playgroundInput` is the input
 * the prediction decided on; `message` is the playground's snapshot of the message (the log entry
 * does not carry one).
 */
export function checkServerDecision(
  entry: MessageDecisionEntry,
  prediction: PolicyPrediction,
  playgroundInput: Pick<DecisionInput, "sessions" | "registrations" | "delivery">,
  message: MessageSnapshot,
  options: PolicyOptions,
): ServerCheck {
  const pushed = pushedKeys(entry.decision);
  const rulesAgree = entry.decision.rule === prediction.decision.rule;
  const keysAgree = sameKeySet(pushed, prediction.expected);
  const replay = POLICIES[entry.policy].decide({
    account: entry.account,
    sessions: entry.sessions,
    registrations: entry.registrations,
    message: { ...message, from: entry.from },
    delivery: entry.delivery,
    options,
    pushedSinceOnline: 0,
    offlineCount: 0,
    ...(entry.detached ? { detached: entry.detached } : {}),
  });
  const replayMatches = replay.rule === entry.decision.rule && sameKeySet(pushedKeys(replay), pushed);

  const differences: string[] = [];
  if (!rulesAgree) differences.push(`the server decided by rule ${entry.decision.rule}, the prediction by ${prediction.decision.rule}`);
  if (!keysAgree) differences.push(`the server pushed ${keysText(pushed)}, the prediction expected ${keysText(prediction.expected)}`);
  if (!rulesAgree || !keysAgree) {
    if (replayMatches) {
      const inputs = inputDifferences(entry, playgroundInput);
      differences.push(...(inputs.length ? inputs : ["the inputs look alike, yet the decisions differ: options (such as the away set) may differ between the server and the playground"]));
    }
  }
  if (!replayMatches) {
    differences.push(
      `the shared ${entry.policy} function, run on the server's own inputs with the playground's options (away shows: ${options.awayShows.join(", ")}), decides ${replay.rule} pushing ${keysText(pushedKeys(replay))}: either the server runs other options or its record does not follow from its inputs (a bug)`,
    );
  }
  return {
    seq: entry.seq,
    host: entry.host,
    policy: entry.policy,
    rule: entry.decision.rule,
    reason: entry.decision.reason,
    pushed,
    agrees: rulesAgree && keysAgree && replayMatches,
    differences,
    replayMatches,
  };
}
