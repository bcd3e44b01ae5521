/**
 * Compares an observation with what a policy expects. Pure: the UI, the CLI and the tests call it
 * on recorded observations, and `matchingPolicies` tells which server a real one behaves like
 * (docs/push-semantics.md §0.4: report the match rather than fail a Prosody-like server).
 */
import { POLICY_NAMES } from "../protocol/policy/types";
import type { PolicyName } from "../protocol/policy/types";
import type { Expectation, IqExpectation, ProbeExpectation, PublishCheck, ScenarioInfo, SummaryExpectation } from "./expectations";
import type { Level, Observation, ObservedPublish, ProbeRecord } from "./types";

export type Verdict = "pass" | "fail" | "n/a" | "info";

export interface Judgement {
  verdict: Verdict;
  /** true: everything expected was observed; false: something differs; null: nothing was asserted (n/a, record-only). */
  matched: boolean | null;
  /** One line for the results table. */
  detail: string;
  /** Each difference, prefixed by the part it concerns (`probe message`, `iq enable`, `features`). */
  mismatches: string[];
  /** What was seen (fields present, nodes pushed), for the results table's expanded row. */
  notes: string[];
}

export interface JudgeOptions {
  /**
   * Judge even when the server does not advertise a feature the scenario needs (tests use it to
   * check that a policy reproduces its server in scenarios its disco would make N/A).
   */
  ignoreNeeds?: boolean;
}

interface Mismatch {
  /** The probe or iq label it concerns (for per-part levels), or null. */
  part: string | null;
  text: string;
}

export function judge(scenario: ScenarioInfo, policy: PolicyName, observation: Observation, options: JudgeOptions = {}): Judgement {
  const expectation = scenario.expected[policy];
  if (expectation.na) return { verdict: "n/a", matched: null, detail: expectation.na, mismatches: [], notes: [] };

  const notes = describeObservation(observation);
  if (!options.ignoreNeeds) {
    const missing = missingFeatures(scenario, observation);
    if (missing) return { verdict: "n/a", matched: null, detail: missing, mismatches: [], notes };
  }
  if (observation.skipped) return { verdict: "n/a", matched: null, detail: `not run: ${observation.skipped}`, mismatches: [], notes };
  if (observation.aborted) {
    return { verdict: "fail", matched: false, detail: `the run stopped: ${observation.aborted}`, mismatches: [`run: ${observation.aborted}`], notes };
  }
  if (expectation.record) return { verdict: "info", matched: null, detail: `recorded: ${expectation.record}`, mismatches: [], notes };

  const mismatches = compare(expectation, observation);
  if (mismatches.length === 0) {
    return { verdict: "pass", matched: true, detail: expectation.basis ? `as expected (${expectation.basis})` : "as expected", mismatches: [], notes };
  }
  const texts = mismatches.map((m) => m.text);
  const hard = mismatches.some((m) => levelOf(scenario, m.part) !== "INFO");
  return {
    verdict: hard ? "fail" : "info",
    matched: false,
    detail: `${hard ? "" : "differs from this policy (informational): "}${texts.join("; ")}`,
    mismatches: texts,
    notes,
  };
}

/** Policies whose expectation the observation meets (ignoring `needs`; record-only and n/a expectations never match). */
export function matchingPolicies(scenario: ScenarioInfo, observation: Observation): PolicyName[] {
  if (observation.aborted || observation.skipped) return [];
  return POLICY_NAMES.filter((policy) => {
    const expectation = scenario.expected[policy];
    return !expectation.na && !expectation.record && compare(expectation, observation).length === 0;
  });
}

/**
 * Why the scenario does not apply: a needed feature missing from the account disco, or stream
 * management not offered; null when it applies or that is unknown.
 */
export function missingFeatures(scenario: ScenarioInfo, observation: Observation): string | null {
  if (scenario.needsStreamManagement && observation.streamManagement === false) {
    return "the server does not offer stream management (XEP-0198) in its stream features";
  }
  const needs = scenario.needs ?? [];
  if (needs.length === 0 || observation.features === null) return null;
  const missing = needs.filter((f) => !observation.features?.includes(f));
  return missing.length > 0 ? `the server does not advertise ${missing.join(", ")} on the account's disco#info` : null;
}

function levelOf(scenario: ScenarioInfo, part: string | null): Level {
  return (part !== null ? scenario.partLevels?.[part] : undefined) ?? scenario.level;
}

// ---------------------------------------------------------------------------------------------

function compare(expectation: Expectation, observation: Observation): Mismatch[] {
  const out: Mismatch[] = [];
  if (expectation.features) out.push(...compareFeatures(expectation.features, observation));
  for (const [label, expected] of Object.entries(expectation.iqs ?? {})) out.push(...compareIq(label, expected, observation));
  for (const [label, expected] of Object.entries(expectation.probes ?? {})) {
    const probe = observation.probes.find((p) => p.label === label);
    if (!probe) out.push({ part: label, text: `probe ${label}: not observed` });
    else out.push(...compareProbe(probe, expected, observation).map((text) => ({ part: label, text: `probe ${label}: ${text}` })));
  }
  return out;
}

function compareFeatures(expected: NonNullable<Expectation["features"]>, observation: Observation): Mismatch[] {
  if (observation.features === null) return [{ part: null, text: "features: the account's disco#info gave no feature list" }];
  const out: Mismatch[] = [];
  for (const f of expected.include ?? []) if (!observation.features.includes(f)) out.push({ part: null, text: `features: ${f} is missing` });
  for (const f of expected.exclude ?? []) if (observation.features.includes(f)) out.push({ part: null, text: `features: ${f} is advertised` });
  return out;
}

function compareIq(label: string, expected: IqExpectation, observation: Observation): Mismatch[] {
  const iq = observation.iqs.find((i) => i.label === label);
  const fail = (text: string): Mismatch[] => [{ part: label, text: `iq ${label}: ${text}` }];
  if (!iq) return fail("not sent");
  const got = iq.outcome === "error" ? `error ${iq.error?.type ?? "?"}/${iq.error?.condition ?? "?"}` : iq.outcome;
  if (typeof expected === "object") {
    return iq.outcome === "error" && iq.error?.condition === expected.error ? [] : fail(`expected error ${expected.error}, got ${got}`);
  }
  if (iq.outcome !== "result") return fail(`expected ${expected}, got ${got}`);
  if (expected === "empty-result" && (iq.resultChildren ?? 0) > 0) return fail(`expected an empty result, got one with ${iq.resultChildren} child element(s)`);
  return [];
}

/** Pushes about messages: readable ones and unreadable ones (an unreadable publish is still a publish). */
function messagePushes(probe: ProbeRecord): ObservedPublish[] {
  return probe.publishes.filter((p) => p.kind !== "retrieved");
}

function compareProbe(probe: ProbeRecord, expected: ProbeExpectation, observation: Observation): string[] {
  const out: string[] = [];
  const pushes = messagePushes(probe);
  const got = labels(pushes);
  if (expected.push) {
    if (!sameMultiset(got, expected.push)) out.push(`expected ${listOrNone(expected.push)}, pushed ${listOrNone(got)}`);
  }
  if (expected.pushAtLeast) {
    const missing = expected.pushAtLeast.filter((l) => !got.includes(l));
    const extra = got.filter((l) => !expected.pushAtLeast?.includes(l));
    if (missing.length > 0 || extra.length > 0) out.push(`expected at least one push to each of ${listOrNone(expected.pushAtLeast)} and nothing else, pushed ${listOrNone(got)}`);
  }
  if (expected.retrieved) {
    const pings = labels(probe.publishes.filter((p) => p.kind === "retrieved"));
    if (!sameMultiset(pings, expected.retrieved)) out.push(`expected retrieved pings to ${listOrNone(expected.retrieved)}, got ${listOrNone(pings)}`);
  }
  if (expected.delivered) {
    const bodies = new Set(probe.sent.flatMap((m) => (m.body !== undefined ? [m.body] : [])));
    const got = [...new Set(probe.deliveries.filter((d) => d.role === "account" && d.body !== undefined && bodies.has(d.body)).map((d) => d.resource))].sort();
    const want = [...new Set(expected.delivered)].sort();
    if (got.join() !== want.join()) out.push(`expected the message delivered to ${listOrNone(want)}, delivered to ${listOrNone(got)}`);
  }
  for (const p of pushes) if (p.kind === "malformed") out.push(`publish ${p.seq} is unreadable: ${p.parseError ?? "?"}`);
  const readable = pushes.filter((p) => p.kind === "message");
  for (const check of expected.checks ?? []) out.push(...runCheck(check, readable, observation));
  if (expected.summary) out.push(...readable.flatMap((p) => compareSummary(expected.summary as SummaryExpectation, p, probe)));
  return out;
}

function runCheck(check: PublishCheck, pushes: ObservedPublish[], observation: Observation): string[] {
  const out: string[] = [];
  for (const p of pushes) {
    const name = p.nodeLabel ?? p.node;
    switch (check) {
      case "from-domain":
        if (p.from !== observation.domain) out.push(`publish to ${name} comes from '${p.from}', expected the domain '${observation.domain}'`);
        break;
      case "publish-options-echo": {
        const sent = observation.iqs.find((i) => i.kind === "enable" && i.request.nodeLabel === p.nodeLabel && i.request.publishOptions)?.request.publishOptions;
        if (!sent) {
          out.push(`no publish-options were sent at enable for ${name}`);
          break;
        }
        if (!p.publishOptions) {
          out.push(`publish to ${name} has no <publish-options>`);
          break;
        }
        for (const field of sent.fields) {
          const echoed = p.publishOptions.fields.find((f) => f.var === field.var);
          if (!echoed || echoed.values.join("\n") !== field.values.join("\n")) {
            out.push(`publish to ${name}: publish-options field ${field.var} is ${echoed ? `'${echoed.values.join(",")}'` : "missing"}, sent '${field.values.join(",")}'`);
          }
        }
        break;
      }
      case "summary-form":
        for (const w of p.warnings) if (w.startsWith("summary form")) out.push(`publish to ${name}: ${w}`);
        if (p.summary && p.summary.otherFields.length > 0) out.push(`publish to ${name}: unregistered summary fields ${p.summary.otherFields.map((f) => f.var).join(", ")}`);
        break;
    }
  }
  return out;
}

function compareSummary(expected: SummaryExpectation, p: ObservedPublish, probe: ProbeRecord): string[] {
  const out: string[] = [];
  const name = p.nodeLabel ?? p.node;
  const s = p.summary;
  const count = s?.messageCount;
  if (expected.messageCount === "absent" && count !== undefined) out.push(`publish to ${name}: message-count ${count}, expected none`);
  if (expected.messageCount === "positive" && !(count !== undefined && count >= 1)) out.push(`publish to ${name}: message-count ${count ?? "absent"}, expected >= 1`);
  if (typeof expected.messageCount === "number" && count !== expected.messageCount) out.push(`publish to ${name}: message-count ${count ?? "absent"}, expected ${expected.messageCount}`);

  const lastSent = [...probe.sent].reverse().find((m) => m.body !== undefined) ?? probe.sent.at(-1);
  const sender = s?.lastMessageSender;
  if (expected.sender === "absent" && sender !== undefined) out.push(`publish to ${name}: last-message-sender '${sender}', expected none`);
  if (expected.sender === "full" || expected.sender === "bare") {
    const from = lastSent?.from ?? "";
    const want = expected.sender === "full" ? from : from.split("/")[0];
    if (sender !== want) out.push(`publish to ${name}: last-message-sender '${sender ?? "absent"}', expected '${want}'`);
  }
  const body = s?.lastMessageBody;
  if (expected.body === "absent" && body !== undefined) out.push(`publish to ${name}: last-message-body '${body}', expected none`);
  if (expected.body === "message" && body !== lastSent?.body) out.push(`publish to ${name}: last-message-body '${body ?? "absent"}', expected the message body '${lastSent?.body ?? "?"}'`);
  if (typeof expected.body === "object" && body !== expected.body.placeholder) out.push(`publish to ${name}: last-message-body '${body ?? "absent"}', expected '${expected.body.placeholder}'`);
  return out;
}

/** Notes on what was seen: per probe, the nodes pushed and the summary fields present. */
function describeObservation(observation: Observation): string[] {
  const notes: string[] = [];
  if (observation.features) notes.push(`features: ${observation.features.join(", ") || "none"}`);
  for (const iq of observation.iqs) {
    notes.push(`iq ${iq.label}: ${iq.outcome === "error" ? `error ${iq.error?.type}/${iq.error?.condition}${iq.error?.text ? ` (${iq.error.text})` : ""}` : iq.outcome}`);
  }
  for (const probe of observation.probes) {
    const pushes = messagePushes(probe);
    const pings = probe.publishes.filter((p) => p.kind === "retrieved");
    let line = `${probe.label}: pushed ${listOrNone(labels(pushes))}`;
    if (pings.length > 0) line += `; retrieved pings ${labels(pings).join(", ")}`;
    const fields = [...new Set(pushes.flatMap((p) => summaryFields(p)))];
    if (pushes.length > 0) line += `; summary fields ${fields.length > 0 ? fields.join(", ") : "none"}`;
    notes.push(line);
  }
  return notes;
}

function summaryFields(p: ObservedPublish): string[] {
  const s = p.summary;
  if (!s) return [];
  const fields: string[] = [];
  if (s.messageCount !== undefined) fields.push(`message-count=${s.messageCount}`);
  if (s.lastMessageSender !== undefined) fields.push("last-message-sender");
  if (s.lastMessageBody !== undefined) fields.push("last-message-body");
  if (s.pendingSubscriptionCount !== undefined) fields.push("pending-subscription-count");
  return fields;
}

function labels(publishes: ObservedPublish[]): string[] {
  return publishes.map((p) => p.nodeLabel ?? (p.node === "" ? "(no node)" : `'${p.node}'`));
}

function sameMultiset(a: readonly string[], b: readonly string[]): boolean {
  return [...a].sort().join("\u0000") === [...b].sort().join("\u0000") && a.length === b.length;
}

function listOrNone(items: readonly string[]): string {
  return items.length === 0 ? "nothing" : [...items].sort().join(", ");
}
