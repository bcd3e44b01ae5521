// @vitest-environment jsdom
import "@testing-library/jest-dom/vitest";
import "../../../test-setup/dom";
import { screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { AppServerOutcome } from "../../../protocol/policy/types";
import type { KnownRegistration, MessageSentEvent, PushEvent } from "../../model";
import type { Stores } from "../../stores";
import { createFakePlayground, makeStores, renderWith } from "../../test-support/render";
import { RegistrationsSection } from "./RegistrationsSection";

const SINK = "pushsvc@localhost/sink";
const NOT_FOUND: AppServerOutcome = { kind: "error", type: "cancel", condition: "item-not-found" };

function reg(patch: Partial<KnownRegistration> = {}): KnownRegistration {
  return { jid: SINK, node: "node-a", away: false, publishOptions: null, enabledBySessionId: "res-1", enabledByResource: "r1", enabledAt: 0, state: "active", pushCount: 0, ...patch };
}

function render(stores: Stores) {
  renderWith(<RegistrationsSection canDisable onDisable={vi.fn()} />, createFakePlayground(stores));
  return within(screen.getByTestId("registration-health"));
}

function withServerLog(stores: Stores, policy: "ejabberd" | "prosody") {
  stores.expectations.setState({ server: { policy, host: `${policy}.localhost` } });
}

describe("RegistrationsSection health", () => {
  it("shows an ejabberd removal with the answer that caused it, from the server's log", () => {
    const stores = makeStores();
    withServerLog(stores, "ejabberd");
    const regs = stores.registrations.getState();
    regs.upsert(reg());
    regs.recordAnswer(SINK, "node-a", { at: 10, outcome: NOT_FOUND, reaction: { action: "remove", errorCount: 1, why: "…" } });
    regs.setState(SINK, "node-a", "removed-by-server", "App Server answered publish p1 with error cancel/item-not-found: …");
    regs.recordRemoval(SINK, "node-a", { at: 11, why: "App Server answered…", cause: NOT_FOUND });
    const cell = render(stores);
    expect(screen.getByRole("columnheader", { name: "health (ejabberd)" })).toBeInTheDocument();
    expect(cell.getByText("1 of 1 error")).toHaveAttribute("title", "ejabberd removes on the first non-wait error (policy ejabberd)");
    expect(cell.getByText("last answer: error cancel/item-not-found")).toBeInTheDocument();
    expect(cell.getByRole("note")).toHaveTextContent("removed removed by the server after cancel/item-not-found: ejabberd removes on the first non-wait error");
    // The server's raw reason is not repeated under the state when the health cell says it.
    expect(screen.queryByText(/App Server answered publish p1/)).not.toBeInTheDocument();
  });

  it("counts Prosody's errors against 16 and shows no removal before it", () => {
    const stores = makeStores();
    withServerLog(stores, "prosody");
    const regs = stores.registrations.getState();
    regs.upsert(reg());
    for (let n = 1; n <= 3; n++) regs.recordAnswer(SINK, "node-a", { at: n, outcome: NOT_FOUND, reaction: { action: "keep", errorCount: n, why: "…" } });
    const cell = render(stores);
    expect(cell.getByText("3 of 16 errors")).toBeInTheDocument();
    expect(cell.queryByRole("note")).not.toBeInTheDocument();
  });

  it("on a real server (no log) infers the removal from pushes that stop after an error, and says so", () => {
    const stores = makeStores();
    stores.expectations.setState({ pinned: "ejabberd" });
    stores.registrations.getState().upsert(reg({ enabledAt: 1 }));
    const push = { id: "p1", kind: "push", lane: "sink", at: 2, summary: "", iqId: "i1", from: "localhost", node: "node-a", notification: null, publishOptions: null, answer: NOT_FOUND } as PushEvent;
    const sent = { id: "m2", kind: "message-sent", lane: "sender", at: 3, summary: "", messageId: "m2", from: "bob@localhost/x", to: "alice@localhost", sendKind: "chat", messageType: "chat", receivedBy: [], pushEventIds: [] } as MessageSentEvent;
    stores.timeline.setState({ events: [push, sent] });
    const cell = render(stores);
    expect(cell.getByText("1 of 1 error")).toBeInTheDocument();
    expect(cell.getByRole("note")).toHaveTextContent(
      "removed? (inferred) inferred: no push for the message sent since the App Server answered cancel/item-not-found, so the server probably removed it (ejabberd removes on the first non-wait error)",
    );
  });

  it("shows a fresh registration as 0 errors with no answer yet", () => {
    const stores = makeStores();
    stores.registrations.getState().upsert(reg());
    const cell = render(stores);
    expect(cell.getByText("0 of 1 error")).toBeInTheDocument();
    expect(cell.getByText("last answer: none yet")).toBeInTheDocument();
  });
});
