// @vitest-environment jsdom
import "@testing-library/jest-dom/vitest";
import "../../../test-setup/dom";
/**
 * The explanation card over several rows of design table B.2 (docs/push-semantics.md), under the
 * policies where they differ: what the card shows a user (heading, source, rule, the resources and
 * which decided, the registration's outcome and enabler, where the lifecycle stopped, the
 * counterfactuals) and that each "Try it" hands its own change to the playground. D = "phone"
 * enabled R ("n-R"); O = "laptop", "tablet"; the rows' sessions are those of
 * src/protocol/policy/decision-table.test.ts.
 */
import { fireEvent, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { counterfactuals, explain, explanationMarkdown } from "../../../protocol/explain";
import { POLICIES } from "../../../protocol/policy";
import type { PolicyName, SessionSnapshot } from "../../../protocol/policy/types";
import { SINK, available, hibernated, input, noPresence, registration } from "../../../protocol/test-support/policy-fixtures";
import { pushLifecycle } from "../../playground/push-lifecycle";
import type { MessageExplanation } from "../../stores/explanations";
import { createFakePlayground, makeStores, renderWith } from "../../test-support/render";
import { ExplanationCard } from "./ExplanationCard";

interface RowCase {
  row: string;
  policy: PolicyName;
  /** R enabled with away='true'. */
  away: boolean;
  sessions: SessionSnapshot[];
  pushed: boolean;
  rule: string;
  /** Per resource, in order: [name, connection column, decided]. */
  resources: [string, string, boolean][];
  /** The "enabled by" cell of R. */
  enabledBy: string;
  /** The first counterfactual, as the list shows it. */
  first: RegExp;
}

const CASES: RowCase[] = [
  {
    row: "2", policy: "spec", away: true, sessions: [available("laptop")], pushed: false, rule: "spec/online-session",
    resources: [["laptop", "connected", true]], enabledBy: "phone (gone)", first: /^It would have been pushed to n-R if laptop had been away instead of available/,
  },
  {
    row: "2", policy: "prosody", away: true, sessions: [available("laptop")], pushed: true, rule: "prosody/session-not-alive",
    resources: [["laptop", "connected", false]], enabledBy: "phone (gone)", first: /^It would not have been pushed if bob@localhost had sent a chat state alone/,
  },
  {
    row: "3 (away)", policy: "tigase", away: false, sessions: [available("laptop", "away")], pushed: false, rule: "tigase/no-away-registration",
    resources: [["laptop", "connected", true]], enabledBy: "phone (gone)", first: /^It would have been pushed to n-R if registration n-R had away='true'/,
  },
  {
    row: "6", policy: "spec", away: false, sessions: [available("laptop", "away"), available("tablet")], pushed: false, rule: "spec/online-session",
    resources: [["laptop", "connected", false], ["tablet", "connected", true]], enabledBy: "phone (gone)", first: /^It would have been pushed to n-R under the prosody policy/,
  },
  {
    row: "7", policy: "tigase", away: true, sessions: [available("laptop", null, -1)], pushed: false, rule: "tigase/online-session",
    resources: [["laptop", "connected", true]], enabledBy: "phone (gone)", first: /^It would have been pushed to n-R if laptop had been away at priority -1/,
  },
  {
    row: "8", policy: "tigase", away: true, sessions: [noPresence("laptop")], pushed: true, rule: "tigase/away",
    resources: [["laptop", "connected", true]], enabledBy: "phone (gone)", first: /^It would not have been pushed if registration n-R had been enabled again without away/,
  },
  {
    row: "10", policy: "ejabberd", away: true, sessions: [available("phone", "away")], pushed: false, rule: "ejabberd/session-alive",
    resources: [["phone", "connected", true]], enabledBy: "phone (connected)", first: /^It would have been pushed to n-R if phone had disconnected/,
  },
  {
    row: "11 (last show away)", policy: "ejabberd", away: true, sessions: [hibernated("phone", "away")], pushed: true, rule: "ejabberd/session-pending",
    resources: [["phone", "hibernated", true]], enabledBy: "phone (hibernated)", first: /^It would not have been pushed if phone had resumed its hibernated session/,
  },
  {
    row: "12", policy: "spec", away: true, sessions: [hibernated("phone", "away"), available("laptop")], pushed: false, rule: "spec/online-session",
    resources: [["phone", "hibernated", false], ["laptop", "connected", true]], enabledBy: "phone (hibernated)", first: /^It would have been pushed to n-R if laptop had been away instead of available/,
  },
];

/** The explanation the service would store for this row's decision record. */
function explanationOf(c: RowCase): MessageExplanation {
  const inp = input({ sessions: c.sessions, registrations: [registration("n-R", { away: c.away, by: "phone" })] });
  const decision = POLICIES[c.policy].decide(inp);
  const card = { ...explain(inp, decision, { source: "decision-record" }), messageId: "m1" };
  const whatIf = counterfactuals(inp, c.policy);
  const lifecycle = pushLifecycle({ source: "decision-record", policy: c.policy, delivery: inp.delivery, verdicts: decision.verdicts, registrations: inp.registrations, publishes: [], answers: [], settled: true });
  return { eventId: "e1", messageId: "m1", status: "ready", source: "decision-record", policy: c.policy, card, counterfactuals: whatIf, canTry: true, markdown: explanationMarkdown(card, whatIf), lifecycle };
}

const name = (c: RowCase) => `row ${c.row} · ${c.policy} · R ${c.away ? "away='true'" : "without away"}`;

describe("ExplanationCard over rows of design table B.2", () => {
  it.each(CASES.map((c) => [name(c), c] as const))("%s: the card shows the outcome, the rule, what decided and the counterfactuals", (_, c) => {
    const explanation = explanationOf(c);
    const playground = createFakePlayground(makeStores());
    playground.stores.explanations.getState().setCurrent(explanation);
    renderWith(<ExplanationCard eventId="e1" />, playground);
    const card = screen.getByRole("region", { name: "Why this message was or was not pushed" });

    expect(within(card).getByRole("heading", { level: 3 }).textContent).toBe(`${c.pushed ? "Why pushed" : "Why not pushed"}server record (${c.policy})`);
    expect(within(card).getByText(c.pushed ? /^Pushed to n-R: / : /^Not pushed: /)).toBeTruthy();
    expect(within(card).getByText(c.rule)).toBeTruthy();

    const resources = within(card).getByRole("table", { name: "Resources when the message arrived" });
    const rows = within(resources).getAllByRole("row").slice(1);
    expect(rows.map((r) => [within(r).getByRole("rowheader").textContent, within(r).getAllByRole("cell")[0]!.textContent, r.getAttribute("aria-current") === "true"])).toEqual(
      c.resources.map(([resource, connection, decided]) => [decided ? `${resource} (decided)` : resource, connection, decided]),
    );
    // Whatever decided is named in the headline.
    for (const [resource, , decided] of c.resources) if (decided) expect(within(card).getByText(c.pushed ? /^Pushed to n-R: / : /^Not pushed: /).textContent).toContain(resource);

    const regs = within(card).getByRole("table", { name: "Registrations and the outcome for each" });
    const reg = within(regs).getAllByRole("row")[1]!;
    expect(within(reg).getByRole("rowheader").textContent).toBe(`n-R${SINK}`);
    const cells = within(reg).getAllByRole("cell").map((td) => td.textContent);
    expect(cells.slice(0, 3)).toEqual([String(c.away), "0", c.enabledBy]);
    expect(cells[3]).toMatch(c.pushed ? /^pushed / : /^not pushed /);

    const lifecycle = within(card).getByRole("list", { name: "Lifecycle for n-R" });
    expect(within(lifecycle).getAllByRole("listitem")[1]!.textContent).toMatch(c.pushed ? /^✓ decision push: / : /^✗ decision not pushed: /);
    if (!c.pushed) expect(within(card).getByText("· stopped at decision")).toBeTruthy();

    const list = within(card).getByRole("region", { name: "What would have changed it" });
    const items = within(list).getAllByRole("listitem");
    expect(items).toHaveLength(explanation.counterfactuals.length);
    expect(items[0]!.textContent).toMatch(c.first);
    for (const item of items) expect(item.textContent).toMatch(c.pushed ? /^It would not have been pushed / : /^It would have been pushed to n-R /);
    // Each Try it hands the playground its own change, the last one included.
    const last = items.length - 1;
    fireEvent.click(within(items[0]!).getByRole("button", { name: "Try it" }));
    fireEvent.click(within(items[last]!).getByRole("button", { name: "Try it" }));
    expect(playground.applyChange.mock.calls).toEqual([[explanation.counterfactuals[0]!.change], [explanation.counterfactuals[last]!.change]]);
  });
});
