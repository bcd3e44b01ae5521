/**
 * Expected against observed, per policy: a status and one sentence a developer can act on
 * ("no push arrived within 3 s, but spec expects a push to n-3f9: all 2 receiving resources are
 * away and registration n-3f9 has away=true, so it is pushed").
 */
import { POLICY_NAMES, type PolicyName, type RegistrationKey } from "../../protocol/policy/types";
import { keyId, keysMinus, keysText, normalJid, pushesText } from "./keys";
import type { Observation, PolicyPrediction, PolicyVerdict } from "./types";

function seconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

function observedText(pushes: Observation["pushes"], windowMs: number): string {
  if (pushes.length === 0) return `no push arrived within ${seconds(windowMs)}`;
  return `${pushesText(pushes.map((p) => p.key))} arrived within ${seconds(windowMs)}`;
}

export interface JudgeContext {
  /** The sink's full JID: only registrations pointing at it can be observed. */
  sinkJid: string;
  windowMs: number;
}

/** Compare one policy's prediction with what the sink observed for the message. */
export function judge(prediction: PolicyPrediction, observation: Observation, context: JudgeContext): PolicyVerdict {
  const { policy, decision } = prediction;
  const sink = normalJid(context.sinkJid);
  const observable = prediction.expected.filter((k) => normalJid(k.jid) === sink);
  const unobservableKeys = prediction.expected.filter((k) => normalJid(k.jid) !== sink);
  const base = { policy, unobservableKeys };
  const expects = `${policy} expects ${pushesText(prediction.expected)}: ${decision.reason}`;
  const unseen = unobservableKeys.length
    ? ` (${keysText(unobservableKeys)} ${unobservableKeys.length === 1 ? "points" : "point"} at another push service than the sink, so the playground cannot see ${unobservableKeys.length === 1 ? "its push" : "their pushes"})`
    : "";

  if (observation.unobservable !== null) {
    return { ...base, status: "unobservable", missing: [], unexpected: [], duplicates: [], sentence: `not judged: ${observation.unobservable}; ${expects}` };
  }

  const observedKeys = observation.pushes.map((p) => p.key);
  const counts = new Map<string, { key: RegistrationKey; n: number }>();
  for (const k of observedKeys) {
    const id = keyId(k);
    const entry = counts.get(id);
    if (entry) entry.n += 1;
    else counts.set(id, { key: k, n: 1 });
  }
  const duplicates = [...counts.values()].filter((c) => c.n > 1).map((c) => c.key);
  const missing = keysMinus(observable, observedKeys);
  const unexpected = keysMinus(observedKeys, prediction.expected);

  if (observation.closedAt === null) {
    return { ...base, status: "pending", missing, unexpected, duplicates, sentence: `waiting up to ${seconds(context.windowMs)} for pushes; ${expects}${unseen}` };
  }
  if (missing.length === 0 && unexpected.length === 0 && duplicates.length === 0) {
    const what = observable.length === 0 ? `no push arrived within ${seconds(context.windowMs)}` : `${pushesText(observable)} arrived`;
    return { ...base, status: "match", missing, unexpected, duplicates, sentence: `as expected, ${what}: ${decision.reason}${unseen}` };
  }
  const differences: string[] = [];
  if (missing.length) differences.push(`${keysText(missing)} ${missing.length === 1 ? "was" : "were"} not pushed`);
  if (unexpected.length) differences.push(`${keysText(unexpected)} ${unexpected.length === 1 ? "was" : "were"} pushed unexpectedly`);
  for (const d of duplicates) differences.push(`${keysText([d])} was pushed ${counts.get(keyId(d))?.n ?? 2} times for this one message`);
  return {
    ...base,
    status: "mismatch",
    missing,
    unexpected,
    duplicates,
    sentence: `${observedText(observation.pushes, context.windowMs)} (${differences.join("; ")}), but ${expects}${unseen}`,
  };
}

export function judgeAll(
  predictions: Record<PolicyName, PolicyPrediction>,
  observation: Observation,
  context: JudgeContext,
): Record<PolicyName, PolicyVerdict> {
  const verdicts = {} as Record<PolicyName, PolicyVerdict>;
  for (const name of POLICY_NAMES) verdicts[name] = judge(predictions[name], observation, context);
  return verdicts;
}
