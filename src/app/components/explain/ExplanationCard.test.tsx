// @vitest-environment jsdom
import "@testing-library/jest-dom/vitest";
import "../../../test-setup/dom";
/** The explanation card, its counterfactuals with "Try it", "Copy as Markdown" and the push lifecycle. */
import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { counterfactuals, explain, explanationMarkdown } from "../../../protocol/explain";
import { POLICIES } from "../../../protocol/policy";
import type { DecisionInput, PolicyName } from "../../../protocol/policy/types";
import { available, input, registration } from "../../../protocol/test-support/policy-fixtures";
import { pushLifecycle, type PublishFact, type AnswerFact } from "../../playground/push-lifecycle";
import { changeId, type MessageExplanation } from "../../stores/explanations";
import { createFakePlayground, makeStores, renderWith } from "../../test-support/render";
import { ExplanationCard } from "./ExplanationCard";

function explanationOf(
  inp: DecisionInput,
  policy: PolicyName,
  options: { source?: "decision-record" | "prediction"; publishes?: PublishFact[]; answers?: AnswerFact[]; canTry?: boolean } = {},
): MessageExplanation {
  const decision = POLICIES[policy].decide(inp);
  const source = options.source ?? "decision-record";
  const card = { ...explain(inp, decision, { source }), messageId: "m1" };
  const whatIf = counterfactuals(inp, policy, { otherPolicies: source === "decision-record" ? undefined : [] });
  return {
    eventId: "e1",
    messageId: "m1",
    status: "ready",
    source,
    policy,
    card,
    counterfactuals: whatIf,
    canTry: options.canTry ?? true,
    markdown: explanationMarkdown(card, whatIf),
    lifecycle: pushLifecycle({
      source,
      policy,
      delivery: inp.delivery,
      verdicts: decision.verdicts,
      registrations: inp.registrations,
      publishes: options.publishes ?? [],
      answers: options.answers ?? [],
      settled: true,
    }),
  };
}

/** B.2-like "phone away, laptop available, away enabled" under spec: not pushed. */
const phoneAwayLaptopAvailable = () =>
  input({ sessions: [available("phone", "away"), available("laptop")], registrations: [registration("n-3f9", { away: true, by: "phone" })] });

function renderCard(explanation: MessageExplanation) {
  const playground = createFakePlayground(makeStores());
  playground.stores.explanations.getState().setCurrent(explanation);
  return renderWith(<ExplanationCard eventId={explanation.eventId} />, playground);
}

afterEach(() => vi.restoreAllMocks());

describe("ExplanationCard", () => {
  it("shows the headline, the rule, the state of each resource and the outcome per registration", () => {
    renderCard(explanationOf(phoneAwayLaptopAvailable(), "spec"));
    const card = screen.getByRole("region", { name: "Why this message was or was not pushed" });
    expect(within(card).getByRole("heading", { name: /Why not pushed/ })).toBeTruthy();
    expect(within(card).getByText("server record (spec)")).toBeTruthy();
    expect(within(card).getByText("Not pushed: laptop is online (available), so spec pushes nothing.")).toBeTruthy();
    expect(within(card).getByText("spec/online-session")).toBeTruthy();
    const resources = within(card).getByRole("table", { name: "Resources when the message arrived" });
    const rows = within(resources).getAllByRole("row").slice(1).map((r) => r.textContent);
    expect(rows).toEqual([expect.stringMatching(/^phone.*away/), expect.stringMatching(/^laptop \(decided\).*online/)]);
    const regs = within(card).getByRole("table", { name: "Registrations and the outcome for each" });
    expect(within(regs).getByText("n-3f9")).toBeTruthy();
    expect(within(regs).getByText("pushsvc@localhost/sink")).toBeTruthy();
    expect(within(regs).getByText("phone (connected)")).toBeTruthy();
    expect(within(regs).getByText("not pushed")).toBeTruthy();
  });

  it("marks a prediction as a prediction", () => {
    renderCard(explanationOf(phoneAwayLaptopAvailable(), "prosody", { source: "prediction" }));
    expect(screen.getByText("prediction (prosody)")).toBeTruthy();
    expect(screen.getByText(/A prediction of the prosody policy/)).toBeTruthy();
  });

  it("renders untrusted strings as text, never as HTML", () => {
    const inp = input({ sessions: [available("<img src=x onerror=alert(1)>", null)], registrations: [registration("<b>n</b>", { away: true, by: "phone" })] });
    const { container } = renderCard(explanationOf(inp, "spec"));
    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector("b")).toBeNull();
    expect(screen.getAllByText(/<img src=x onerror=alert\(1\)>/).length).toBeGreaterThan(0);
  });

  it("lists the counterfactuals, the one naming laptop first, each with a Try it that calls applyChange once", async () => {
    const explanation = explanationOf(phoneAwayLaptopAvailable(), "spec");
    const { playground } = renderCard(explanation);
    const list = screen.getByRole("region", { name: "What would have changed it" });
    const items = within(list).getAllByRole("listitem");
    expect(items).toHaveLength(explanation.counterfactuals.length);
    expect(items[0]!.textContent).toMatch(/^It would have been pushed to n-3f9 if laptop had been away instead of available/);
    expect(within(list).getByText(/if laptop had disconnected/)).toBeTruthy();

    fireEvent.click(within(items[0]!).getByRole("button", { name: "Try it" }));
    expect(playground.applyChange).toHaveBeenCalledTimes(1);
    expect(playground.applyChange).toHaveBeenCalledWith(explanation.counterfactuals[0]!.change);
  });

  it("shows the outcome of Try it beside the counterfactual tried, and a specific error when it failed", () => {
    const explanation = explanationOf(phoneAwayLaptopAvailable(), "spec");
    const { stores } = renderCard(explanation);
    const [first, second] = explanation.counterfactuals;
    act(() => stores.explanations.getState().setTrial({ changeId: changeId(first!.change), status: "done", text: "laptop is now away. Send again to see the outcome." }));
    expect(screen.getByRole("status").textContent).toBe("laptop is now away. Send again to see the outcome.");
    act(() => stores.explanations.getState().setTrial({ changeId: changeId(second!.change), status: "failed", text: "laptop is not connected now: connect it first" }));
    expect(screen.getByRole("alert").textContent).toBe("Could not: laptop is not connected now: connect it first");
  });

  it("disables Try it on an imported timeline", () => {
    renderCard(explanationOf(phoneAwayLaptopAvailable(), "spec", { canTry: false }));
    for (const b of screen.getAllByRole("button", { name: "Try it" })) expect((b as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText(/works on the live run/)).toBeTruthy();
  });

  it("copies the Markdown, and falls back to a text box when the clipboard is unavailable", async () => {
    const explanation = explanationOf(phoneAwayLaptopAvailable(), "spec");
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    renderCard(explanation);
    fireEvent.click(screen.getByRole("button", { name: "Copy as Markdown" }));
    await waitFor(() => expect(screen.getByText("Copied.")).toBeTruthy());
    expect(writeText).toHaveBeenCalledWith(explanation.markdown);

    Object.defineProperty(navigator, "clipboard", { value: { writeText: vi.fn(async () => Promise.reject(new Error("denied"))) }, configurable: true });
    fireEvent.click(screen.getByRole("button", { name: "Copy as Markdown" }));
    const box = await screen.findByRole("textbox", { name: "Explanation as Markdown" });
    expect((box as HTMLTextAreaElement).value).toBe(explanation.markdown);
    Object.defineProperty(navigator, "clipboard", { value: undefined, configurable: true });
  });

  it("says why when there is nothing to explain, and renders nothing for another event", () => {
    const playground = createFakePlayground(makeStores());
    playground.stores.explanations.getState().setCurrent({ eventId: "e1", messageId: "", status: "unavailable", why: "no prediction for this message", counterfactuals: [], canTry: false });
    const first = renderWith(<ExplanationCard eventId="e1" />, playground);
    expect(screen.getByText("no prediction for this message")).toBeTruthy();
    first.unmount();
    renderWith(<ExplanationCard eventId="e2" />, playground);
    expect(screen.queryByText("no prediction for this message")).toBeNull();
  });
});

describe("PushLifecycleView in the card", () => {
  it("shows a push all the way: routed, decision, publish, answer, registration kept", () => {
    const inp = input({ sessions: [available("phone", "away")], registrations: [registration("n-3f9", { away: true, by: "phone" })] });
    renderCard(explanationOf(inp, "spec", {
      publishes: [{ key: { jid: inp.registrations[0]!.jid, node: "n-3f9" }, iqId: "push-1" }],
      answers: [{ iqId: "push-1", outcome: { kind: "result" }, reaction: { action: "keep", errorCount: 0, why: "the App Server accepted it" } }],
    }));
    const line = screen.getByRole("list", { name: "Lifecycle for n-3f9" });
    expect(within(line).getAllByRole("listitem").map((li) => li.textContent)).toEqual([
      "✓ message routed delivered to phone",
      expect.stringMatching(/^✓ decision push: /),
      "✓ publish sent publish push-1 sent",
      "✓ App Server answer result",
      "✓ registration registration kept: the App Server accepted it",
    ]);
  });

  it("shows where a push that never left stopped", () => {
    renderCard(explanationOf(phoneAwayLaptopAvailable(), "spec"));
    expect(screen.getByText("· stopped at decision")).toBeTruthy();
    const line = screen.getByRole("list", { name: "Lifecycle for n-3f9" });
    expect(within(line).getAllByRole("listitem")[1]!.textContent).toMatch(/^✗ decision not pushed: /);
  });

  it("shows an App Server error, and the predicted reaction on a real server", () => {
    const inp = input({ sessions: [], registrations: [registration("n-3f9", { away: false, by: "phone" })] });
    renderCard(explanationOf(inp, "ejabberd", {
      source: "prediction",
      publishes: [{ key: { jid: inp.registrations[0]!.jid, node: "n-3f9" }, iqId: "push-2" }],
      answers: [{ iqId: "push-2", outcome: { kind: "error", type: "cancel", condition: "item-not-found" } }],
    }));
    expect(screen.getByText("· stopped at App Server answer")).toBeTruthy();
    expect(screen.getByText("error type=cancel item-not-found")).toBeTruthy();
    expect(screen.getByText(/^predicted: registration removed: /)).toBeTruthy();
  });
});
