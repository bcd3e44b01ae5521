/**
 * Design table B.2, every row under each of the four policies, with R enabled with away='true' and
 * without: the card names the rule and what decided, and every counterfactual really flips the
 * outcome when the change is made by hand with the fixtures (independently of `applyChange`).
 * The rows are those of src/protocol/policy/decision-table.test.ts (bob → alice's bare JID; D =
 * "phone" enabled R; O = "laptop", "tablet").
 */
import { describe, expect, it } from "vitest";
import { POLICIES } from "../policy";
import { pushedKeys } from "../policy/common";
import {
  SINK,
  available,
  chat,
  chatState,
  hibernated,
  input,
  noPresence,
  registration,
  type InputSpec,
} from "../test-support/policy-fixtures";
import { POLICY_NAMES, type MessageSnapshot, type PolicyName, type SessionSnapshot } from "../policy/types";
import { explain } from "./card";
import { applyChange } from "./changes";
import { counterfactuals } from "./counterfactuals";
import { ruleTitle } from "./rules";
import type { Change } from "./types";

interface Row {
  id: string;
  sessions: SessionSnapshot[];
  message?: MessageSnapshot;
}

const MUC_MESSAGE = chat({ type: "groupchat", from: "room@muc.localhost/juliet" });
const CALL_PROPOSE = chatState({ callPropose: true });

const ROWS: Row[] = [
  { id: "1", sessions: [] },
  { id: "2", sessions: [available("laptop")] },
  { id: "3 (away)", sessions: [available("laptop", "away")] },
  { id: "3 (xa)", sessions: [available("laptop", "xa")] },
  { id: "4", sessions: [available("laptop", "dnd")] },
  { id: "5", sessions: [available("laptop", "chat")] },
  { id: "6", sessions: [available("laptop", "away"), available("tablet")] },
  { id: "7", sessions: [available("laptop", null, -1)] },
  { id: "8", sessions: [noPresence("laptop")] },
  { id: "9", sessions: [available("phone")] },
  { id: "10", sessions: [available("phone", "away")] },
  { id: "11 (last show away)", sessions: [hibernated("phone", "away")] },
  { id: "11 (last presence without show)", sessions: [hibernated("phone")] },
  { id: "12", sessions: [hibernated("phone", "away"), available("laptop")] },
  { id: "13", sessions: [available("laptop", "away")], message: chatState() },
  { id: "13 (D hibernated)", sessions: [hibernated("phone", "away"), available("laptop", "away")], message: chatState() },
  { id: "14", sessions: [available("laptop", "away")], message: MUC_MESSAGE },
  { id: "15", sessions: [available("laptop", "away")], message: CALL_PROPOSE },
  { id: "15 (D live)", sessions: [available("phone")], message: CALL_PROPOSE },
];

const CASES = ROWS.flatMap((row) =>
  POLICY_NAMES.flatMap((policy) => [true, false].map((away) => ({ name: `row ${row.id} · ${policy} · R ${away ? "away='true'" : "without away"}`, row, policy, away }))),
);

function rowSpec(row: Row, away: boolean): InputSpec {
  return { sessions: row.sessions, registrations: [registration("n-R", { away, by: "phone" })], message: row.message };
}

/**
 * A chat state to alice while laptop is away and R lacks away='true', under spec: a body alone still
 * meets an all-away account without an away registration, and no other policy pushes a chat state
 * there either (prosody and ejabberd need a hibernated or gone-and-offline path, Tigase a body).
 */
const NO_SINGLE_FLIP = new Set(["13·spec·false"]);

/** The change made by hand on the row's fixtures: what a tester would set up in the playground. */
function byHand(spec: InputSpec, change: Change, policy: PolicyName): { spec: InputSpec; policy: PolicyName } {
  const sessions = spec.sessions ?? [];
  const message = spec.message ?? chat();
  const replace = (resource: string, next: SessionSnapshot) => sessions.map((s) => (s.resource === resource ? next : s));
  const showOf = (resource: string) => sessions.find((s) => s.resource === resource)?.presence?.show ?? null;
  const addressed = (m: MessageSnapshot, to: string) => ({ ...m, toResource: to === "bare" ? null : to });
  switch (change.kind) {
    case "set-presence":
      return {
        spec: { ...spec, sessions: replace(change.resource, change.show === "unavailable" ? noPresence(change.resource) : available(change.resource, change.show === "available" ? null : change.show, change.priority)) },
        policy,
      };
    case "disconnect":
      return { spec: { ...spec, sessions: sessions.filter((s) => s.resource !== change.resource) }, policy };
    case "kill-app": {
      const before = sessions.find((s) => s.resource === change.resource);
      return { spec: { ...spec, sessions: replace(change.resource, { ...hibernated(change.resource), presence: before?.presence ?? null }) }, policy };
    }
    case "resume":
      return { spec: { ...spec, sessions: replace(change.resource, available(change.resource, showOf(change.resource))) }, policy };
    case "connect-resource":
      return { spec: { ...spec, sessions: [...sessions, available(change.resource, change.show === "available" ? null : (change.show as "away"), change.priority)] }, policy };
    case "re-enable":
      return { spec: { ...spec, registrations: [registration(change.node, { away: change.away && POLICIES[policy].parseAwayFlag("true"), by: change.byResource })] }, policy };
    case "enable":
      return { spec: { ...spec, registrations: [registration(change.node, { away: change.away, by: change.byResource, jid: change.jid })] }, policy };
    case "disable":
      return { spec: { ...spec, registrations: [] }, policy };
    case "send": {
      const kinds = { chat: chat(), "chat-state": chatState(), groupchat: chat({ type: "groupchat" }) };
      const body = message.body !== undefined && change.send !== "chat-state" ? { body: message.body } : {};
      return { spec: { ...spec, message: { ...addressed(kinds[change.send], change.to), ...body } }, policy };
    }
    case "policy":
      return { spec, policy: change.policy };
  }
}

describe("explanations of docs/push-semantics.md table B.2", () => {
  it.each(CASES)("$name: the card names the rule, the deciders and the outcome", ({ row, policy, away }) => {
    const inp = input(rowSpec(row, away));
    const decision = POLICIES[policy].decide(inp);
    const card = explain(inp, decision);
    const pushed = pushedKeys(decision).length > 0;

    expect(card.rule.id).toBe(decision.rule);
    expect(card.rule.title).not.toBe(decision.rule); // every rule of the table has a plain title
    expect(card.rule.title).toBe(ruleTitle(decision.rule));
    expect(card.pushed).toBe(pushed);
    expect(card.headline.startsWith(pushed ? "Pushed to n-R: " : "Not pushed: ")).toBe(true);
    expect(card.headline.length).toBeLessThan(400);
    expect(card.headline.split(/(?<=\.) (?=[A-Za-z])/).length).toBeLessThanOrEqual(2);

    // The state: one entry per session and per registration, with the verdict's outcome.
    expect(card.resources.map((r) => r.resource)).toEqual(row.sessions.map((s) => s.resource));
    expect(card.registrations).toHaveLength(1);
    const [reg] = card.registrations;
    expect(reg).toMatchObject({ key: { jid: SINK, node: "n-R" }, label: "n-R", away, errorCount: 0, enabledByResource: "phone", push: pushed });
    expect(reg?.why).toBe(decision.verdicts[0]?.why);
    const phone = row.sessions.find((s) => s.resource === "phone");
    expect(reg?.enabler).toBe(phone?.state ?? "gone");
    expect(reg?.enablerAlive).toBe(phone?.state === "connected");

    // What decided is named in the headline, and something did decide.
    const decidingResources = card.resources.filter((r) => r.decisive).map((r) => r.resource);
    const decidingRegs = card.registrations.filter((r) => r.decisive).map((r) => r.label);
    for (const name of [...decidingResources, ...decidingRegs]) expect(card.headline).toContain(name);
    expect(decidingResources.length + decidingRegs.length > 0 || card.message.decisive).toBe(true);
  });

  it.each(CASES)("$name: every counterfactual flips the outcome when made by hand", ({ row, policy, away }) => {
    const spec = rowSpec(row, away);
    const inp = input(spec);
    const pushed = pushedKeys(POLICIES[policy].decide(inp)).length > 0;
    const found = counterfactuals(inp, policy);

    // Every case but one has a single user change that flips it (another policy, at least).
    expect(found.length > 0).toBe(!NO_SINGLE_FLIP.has(`${row.id}·${policy}·${away}`));
    const ids = found.map((c) => JSON.stringify(c.change));
    expect(new Set(ids).size).toBe(ids.length);

    for (const cf of found) {
      const hand = byHand(spec, cf.change, policy);
      const redecided = POLICIES[hand.policy].decide(input(hand.spec));
      expect(pushedKeys(redecided).length > 0, cf.sentence).toBe(!pushed);
      expect(cf.outcome).toMatchObject({ policy: hand.policy, rule: redecided.rule, pushed: !pushed, pushedTo: pushedKeys(redecided) });
      // applyChange, which the UI's model uses, agrees with the hand-made setup.
      const applied = applyChange(inp, cf.change, policy);
      expect(POLICIES[applied.policy].decide(applied.input).rule).toBe(redecided.rule);
      expect(cf.sentence.startsWith(pushed ? "would not have been pushed " : "would have been pushed to n-R ")).toBe(true);
      if ("resource" in cf.change) expect(cf.sentence).toContain(cf.change.resource);
      if (cf.change.kind === "policy") expect(cf.sentence).toContain(`under the ${cf.change.policy} policy (`);
    }
  });

  it("is deterministic", () => {
    for (const { row, policy, away } of CASES) {
      const inp = input(rowSpec(row, away));
      expect(counterfactuals(inp, policy)).toEqual(counterfactuals(inp, POLICIES[policy]));
    }
  });
});
