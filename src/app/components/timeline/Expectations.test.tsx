// @vitest-environment jsdom
import "@testing-library/jest-dom/vitest";
import "../../../test-setup/dom";
import { act, fireEvent, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeAll, describe, expect, it } from "vitest";
import { preloadViews } from "../../lazy-views";
import { POLICIES } from "../../../protocol/policy";
import { DEFAULT_POLICY_OPTIONS, type SessionSnapshot } from "../../../protocol/policy/types";
import type { MessageDecisionEntry } from "../../../protocol/push-log";
import { routeMessage } from "../../../protocol/routing";
import { createExpectationEngine } from "../../expectations/engine";
import { ACCOUNT, BOB, chatTo, manualClock, resource, SINK } from "../../test-support/expectation-fixtures";
import { SINK_LANE, type PushEvent } from "../../model";
import { Header } from "../layout/Header";
import { addEvents, createFakePlayground, makeStores, messageSent, renderWith, session } from "../../test-support/render";
import { EventDetail } from "./EventDetail";
import { TimelinePanel } from "./TimelinePanel";

const EVIL = `<img src=x onerror=alert(1)><script>alert(2)</script>`;

/**
 * Real records: the expectation engine predicts a message (laptop away, phone, which enabled n-1
 * with away=true, gone), the sink gets the push or not, the window closes.
 */
function setup(opts: { pushArrives: boolean; body?: string; serverSawTablet?: boolean }) {
  const stores = makeStores();
  const clock = manualClock();
  stores.sessions.getState().upsert(session({ id: "sender", role: "sender", label: "bob", resource: "sender", colour: "#4B5563" }));
  stores.sessions.getState().upsert({ ...resource("laptop", "away"), colour: "#0072B2" });
  stores.sessions.getState().upsert({ ...resource("phone", "offline"), colour: "#E69F00" });
  stores.sessions.getState().upsert(session({ id: SINK_LANE, role: "sink", label: "pushsvc/sink", resource: "sink", account: "pushsvc@localhost", connectedAt: 5 }));
  const engine = createExpectationEngine({ stores, account: () => ACCOUNT, sinkJid: () => SINK, policyOptions: DEFAULT_POLICY_OPTIONS, ...clock });
  for (const lane of [SINK_LANE, "res-laptop", "res-phone"]) engine.connectionOnline(lane);
  stores.registrations.getState().upsert({ jid: SINK, node: "n-1", away: true, publishOptions: null, enabledBySessionId: "res-phone", enabledByResource: "phone", enabledAt: 1, state: "active", pushCount: 0 });
  engine.registrationEnabled({ jid: SINK, node: "n-1" }, "res-phone");

  const body = opts.body ?? "where are you?";
  const plan = engine.plan(chatTo(ACCOUNT, body, "m-1"), "sender", BOB)!;
  const sent = messageSent({ id: "ev-1", at: clock.now(), messageId: "m-1", body, summary: `bob → ${ACCOUNT}: chat ${JSON.stringify(body)}` });
  addEvents(stores, [sent]);
  engine.sent(plan, "ev-1", clock.now());
  if (opts.pushArrives) {
    clock.advance(20);
    const push: PushEvent = {
      id: "ev-2", at: clock.now(), lane: SINK_LANE, kind: "push", summary: "push to node n-1", iqId: "iq-1", from: "localhost", node: "n-1",
      notification: { messageCount: 1, lastMessageSender: BOB, lastMessageBody: body, otherFields: [] }, publishOptions: null, answer: { kind: "result" },
      causeMessageId: "m-1", causeEventId: "ev-1", linkMethod: "server log",
    };
    addEvents(stores, [push]);
    engine.pushRecorded(push, SINK);
  }
  const serverSessions: SessionSnapshot[] = [{ sessionId: "s-2", resource: "laptop", state: "connected", presence: { show: "away", priority: 0 }, presenceCount: 1 }];
  if (opts.serverSawTablet) serverSessions.push({ sessionId: "s-3", resource: "tablet", state: "connected", presence: { show: null, priority: 0 }, presenceCount: 1 });
  const serverRegs = [{ jid: SINK, node: "n-1", away: true, enabledBySessionId: "s-1", enabledByResource: "phone", publishOptions: null, errorCount: 0 }];
  const message = plan.prediction.message;
  const delivery = routeMessage(serverSessions, message, POLICIES.spec.bareJidDelivery);
  const decision = POLICIES.spec.decide({ account: ACCOUNT, sessions: serverSessions, registrations: serverRegs, message, delivery, options: DEFAULT_POLICY_OPTIONS, pushedSinceOnline: 0, offlineCount: 0 });
  const entry: MessageDecisionEntry = { kind: "message-decision", seq: 11, at: new Date(0).toISOString(), host: "localhost", policy: "spec", account: ACCOUNT, messageId: "m-1", from: BOB, to: ACCOUNT, sessions: serverSessions, registrations: serverRegs, delivery, decision };
  engine.logEntry(entry);
  clock.advance(3_000);
  engine.flush();

  const user = userEvent.setup();
  const view = renderWith(
    <>
      <Header theme="system" onTheme={() => {}} />
      <TimelinePanel />
      <EventDetail />
    </>,
    createFakePlayground(stores),
  );
  return { ...view, user, stores, engine, clock };
}

const sentRow = () => within(screen.getByRole("listbox", { name: "Timeline events" })).getAllByRole("option").find((o) => o.getAttribute("data-kind") === "message-sent")!;
const summaryGroup = () => screen.getByRole("group", { name: "Push expectation summary" });

describe("push expectations in the timeline", () => {
  // The views behind a tab (and the timeline list) are chunks of their own in the app; loaded once here, they render at once.
  beforeAll(() => preloadViews());

  it("badges a matched message with the expectation and a check, and scores it in the header", () => {
    setup({ pushArrives: true });
    expect(sentRow()).toHaveTextContent("✓ matched: expect push · spec");
    expect(within(sentRow()).getByText(/expect push · spec/)).toHaveAttribute("title", expect.stringMatching(/^as expected, a push to n-1 arrived: the only receiving resource is away \(laptop: away\)/));
    expect(within(summaryGroup()).getByText("behaves like spec, tigase, prosody and ejabberd: 1/1 message")).toBeInTheDocument();
  });

  it("shows a mismatch loudly, and the header says which policy the server is closest to", () => {
    setup({ pushArrives: false });
    expect(sentRow()).toHaveTextContent("✗ mismatch: expect push · spec");
    expect(within(summaryGroup()).getByText("closest to spec, tigase, prosody and ejabberd: 0/1 message")).toBeInTheDocument();
  });

  it("the detail table lists every policy: expected, observed, verdict, why, and the server's decision beside its policy", async () => {
    const { user } = setup({ pushArrives: true });
    await user.click(sentRow());
    const detail = screen.getByRole("region", { name: "Event detail" });
    const table = within(detail).getByRole("table", { name: "Expected and observed pushes per policy" });
    const rows = within(table).getAllByRole("row");
    expect(within(rows[0]!).getAllByRole("columnheader").map((c) => c.textContent)).toEqual(["policy", "expected", "observed", "verdict", "why"]);
    // One row per policy, and the server's record right under the prediction for its policy.
    expect(rows.slice(1).map((r) => within(r).getByRole("rowheader").textContent)).toEqual([
      "spec (expectation)",
      "server #11 (localhost)",
      "tigase",
      "prosody",
      "ejabberd",
    ]);
    const cellsOf = (i: number) => within(rows[i]!).getAllByRole("cell").map((c) => c.textContent);
    const spec = cellsOf(1);
    expect(spec.slice(0, 3)).toEqual(["n-1", "n-1", "✓ matched"]);
    expect(spec[3]).toMatch(/^as expected, a push to n-1 arrived: the only receiving resource is away/);
    expect(cellsOf(2)).toEqual(["n-1", "—", "✓ agrees", "spec/all-away: the only receiving resource is away (laptop: away) and registration n-1 has away=true, so it is pushed"]);
    expect(within(detail).getByText(/^Window of 3 s closed: 1 push observed/)).toBeInTheDocument();
    expect(within(detail).queryByRole("alert")).toBeNull();
  });

  it("a server decision that disagrees with the prediction is shown as an alert and a row badge", async () => {
    const { user } = setup({ pushArrives: false, serverSawTablet: true });
    expect(within(sentRow()).getByText(/⚠ server/)).toHaveTextContent("⚠ server decision disagrees with the prediction");
    await user.click(sentRow());
    const alert = within(screen.getByRole("region", { name: "Event detail" })).getByRole("alert");
    expect(alert).toHaveTextContent("The server's decision disagrees with the spec prediction");
    expect(alert).toHaveTextContent("the server held a session tablet (available) that the playground did not count as connected");
    const serverRow = within(screen.getByRole("table", { name: "Expected and observed pushes per policy" })).getByRole("row", { name: /^server #11/ });
    expect(within(serverRow).getAllByRole("cell").map((c) => c.textContent).slice(0, 3)).toEqual(["none", "—", "✗ disagrees"]);
    expect(serverRow).toHaveTextContent("spec/online-session: resource tablet is online (available), so nothing is pushed");
  });

  it("pinning a policy switches the badges to it; the wait window is set from the header", async () => {
    const { user, stores, playground } = setup({ pushArrives: false });
    const menu = within(summaryGroup()).getByRole("button", { name: "expect: spec" });
    expect(menu).toHaveAttribute("title", expect.stringContaining("the server's decision log names spec"));
    await user.click(menu);
    const settings = screen.getByRole("group", { name: "Push expectation settings" });
    const picker = within(settings).getByRole("combobox", { name: "Expectation policy" });
    expect(picker).toHaveDisplayValue("auto (spec)");
    await user.selectOptions(picker, "prosody");
    expect(playground.expectations.pin).toHaveBeenCalledWith("prosody");
    expect(stores.expectations.getState().pinned).toBe("prosody");
    expect(sentRow()).toHaveTextContent("✗ mismatch: expect push · prosody");
    expect(within(summaryGroup()).getByRole("button", { name: "expect: prosody (pinned)" })).toHaveAttribute("aria-expanded", "true");
    const wait = within(settings).getByRole("spinbutton", { name: "Push wait window in seconds" });
    fireEvent.change(wait, { target: { value: "1.5" } });
    expect(playground.expectations.setWindowMs).toHaveBeenCalledWith(1500);
    expect(stores.expectations.getState().windowMs).toBe(1500);
    fireEvent.change(wait, { target: { value: "0" } });
    expect(wait).toHaveAttribute("aria-invalid", "true");
    expect(stores.expectations.getState().windowMs).toBe(1500);
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("group", { name: "Push expectation settings" })).toBeNull();
  });

  it("the header's tooltip lists all four scores", () => {
    setup({ pushArrives: true });
    const tooltip = within(summaryGroup()).getByRole("tooltip", { hidden: true });
    expect(tooltip).toHaveTextContent("spec: 1/1 message matched; tigase: 1/1 message matched; prosody: 1/1 message matched; ejabberd: 1/1 message matched");
    expect(tooltip).toHaveTextContent("The server's decision log names spec (localhost).");
  });

  it("shows an XSS payload from the message body as text, in the row and in the expectation detail", async () => {
    const { user, container } = setup({ pushArrives: true, body: EVIL });
    // The header's own logo is the only image on the page.
    const injected = () => container.querySelector("img[onerror], img[src='x'], script");
    expect(injected()).toBeNull();
    expect(sentRow()).toHaveTextContent(EVIL);
    expect(sentRow()).toHaveTextContent("✓ matched: expect push · spec");
    await user.click(sentRow());
    const detail = within(screen.getByRole("region", { name: "Event detail" })).getByRole("region", { name: "Push expectations" });
    expect(detail).toHaveTextContent(`last-message-body ${JSON.stringify(EVIL)}`);
    expect(injected()).toBeNull();
  });

  it("reset forgets the score; a sent message with no prediction says why", async () => {
    const { user, stores, playground } = setup({ pushArrives: true });
    await user.click(within(summaryGroup()).getByRole("button", { name: "expect: spec" }));
    await user.click(within(summaryGroup()).getByRole("button", { name: "Reset score" }));
    expect(playground.expectations.reset).toHaveBeenCalledTimes(1);
    expect(within(summaryGroup()).getByText("no verdicts yet")).toBeInTheDocument();
    expect(sentRow()).not.toHaveTextContent("expect push");
    act(() => addEvents(stores, [messageSent({ id: "ev-imported", messageId: "m-unknown" })]));
    const rows = within(screen.getByRole("listbox", { name: "Timeline events" })).getAllByRole("option");
    await user.click(rows[rows.length - 1]!);
    expect(screen.getByText(/No prediction for this message/)).toBeInTheDocument();
  });
});
