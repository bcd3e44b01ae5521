// @vitest-environment jsdom
import "@testing-library/jest-dom/vitest";
import "../../../test-setup/dom";
import { act, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { DiscoResult } from "../../model";
import { createFakePlayground, makeStores, renderWith, session } from "../../test-support/render";
import { DiscoPanel } from "./DiscoPanel";

function result(target: "account" | "domain", features: string[]): DiscoResult {
  return {
    target,
    jid: target === "account" ? "alice@localhost" : "localhost",
    at: Date.now(),
    fromSessionId: "res-1",
    outcome: "result",
    identities: [{ category: "account", type: "registered" }],
    features: features.map((v) => ({
      var: v,
      highlight: v === "urn:xmpp:push:0" ? "push" : v === "tigase:push:away:0" ? "push-away" : v.startsWith("tigase:push:") ? "tigase-push" : null,
    })),
    supportsPush: features.includes("urn:xmpp:push:0"),
    supportsAway: features.includes("tigase:push:away:0"),
  };
}

function setup() {
  const stores = makeStores();
  stores.sessions.getState().upsert(session({ id: "res-1", resource: "r1" }));
  stores.sessions.getState().upsert(session({ id: "res-2", resource: "r2" }));
  const user = userEvent.setup();
  return { ...renderWith(<DiscoPanel />, createFakePlayground(stores)), user };
}

describe("DiscoPanel", () => {
  it("asks to connect a resource first", () => {
    renderWith(<DiscoPanel />);
    expect(screen.getByText("No connected resource")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Query account" })).toBeNull();
  });

  it("queries the account and the domain from the chosen resource", async () => {
    const { user, playground } = setup();
    await user.click(screen.getByRole("button", { name: "Query account" }));
    expect(playground.disco).toHaveBeenLastCalledWith("account", "res-1");
    await user.selectOptions(screen.getByLabelText("Ask from"), "res-2");
    await user.click(screen.getByRole("button", { name: "Query domain" }));
    expect(playground.disco).toHaveBeenLastCalledWith("domain", "res-2");
    // The fake answers not-connected: the panel says so.
    expect(screen.getByRole("alert")).toHaveTextContent("fake");
  });

  it("lists identities and features, highlighting the push ones", () => {
    const { stores } = setup();
    act(() => stores.disco.getState().setResult(result("account", ["http://jabber.org/protocol/disco#info", "urn:xmpp:push:0", "tigase:push:away:0", "tigase:push:priority:0"])));
    const account = screen.getByRole("region", { name: /Account \(alice@localhost\) disco#info/ });
    const features = within(account).getByRole("list", { name: "Features of alice@localhost" });
    expect(within(features).getByText("urn:xmpp:push:0").closest("li")).toHaveClass("feature-push");
    expect(within(features).getByText("tigase:push:priority:0").closest("li")).toHaveClass("feature-push");
    expect(within(features).getByText("http://jabber.org/protocol/disco#info").closest("li")).not.toHaveClass("feature-push");
    expect(within(account).getByText("Tigase away extension")).toBeInTheDocument();
    expect(within(account).getByText(/urn:xmpp:push:0 advertised/)).toBeInTheDocument();
    expect(within(account).getByRole("cell", { name: "registered" })).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent(/advertises tigase:push:away:0/);
  });

  it("explains what away means when the server does not advertise it", () => {
    const { stores } = setup();
    act(() => stores.disco.getState().setResult(result("account", ["urn:xmpp:push:0"])));
    expect(screen.getByRole("status")).toHaveTextContent(/does not advertise tigase:push:away:0/);
    expect(screen.getByText(/tigase:push:away:0 not advertised/)).toBeInTheDocument();
  });

  it("shows a failed query with its condition", () => {
    const { stores } = setup();
    act(() => stores.disco.getState().setResult({
      ...result("domain", []),
      outcome: "error",
      error: { code: "stanza-error", message: "disco#info failed", condition: "service-unavailable", type: "cancel" },
    }));
    expect(screen.getByRole("region", { name: /Domain \(localhost\)/ })).toHaveTextContent("condition: cancel/service-unavailable");
  });
});

describe("DiscoPanel errors", () => {
  const failedAnswer = (): DiscoResult => ({
    ...result("account", []),
    outcome: "error",
    error: { code: "stanza-error", message: "disco#info failed", condition: "service-unavailable", type: "cancel" },
  });

  it("shows a failed answer once, in its result section", async () => {
    const { user, playground, stores } = setup();
    // As the service does: the failed answer is stored as the result and returned.
    playground.disco.mockImplementationOnce(async () => {
      const answer = failedAnswer();
      stores.disco.getState().setResult(answer);
      return { ok: false as const, error: answer.error! };
    });
    await user.click(screen.getByRole("button", { name: "Query account" }));
    const alerts = screen.getAllByRole("alert");
    expect(alerts).toHaveLength(1);
    expect(within(screen.getByRole("region", { name: /Account \(alice@localhost\)/ })).getByRole("alert")).toHaveTextContent("service-unavailable");
  });

  it("drops a query's error once a newer result arrives (e.g. disco on connect)", async () => {
    const { user, stores } = setup();
    await user.click(screen.getByRole("button", { name: "Query account" }));
    expect(screen.getByRole("alert")).toHaveTextContent("fake");
    act(() => stores.disco.getState().setResult(result("account", ["urn:xmpp:push:0"])));
    expect(screen.queryByRole("alert")).toBeNull();
  });
});
