// @vitest-environment jsdom
import "@testing-library/jest-dom/vitest";
import "../../../test-setup/dom";
import { act, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { DiscoResult, KnownRegistration } from "../../model";
import { createFakePlayground, makeStores, renderWith, session } from "../../test-support/render";
import { PushPanel } from "./PushPanel";

function setup(opts: { sinkOnline?: boolean } = {}) {
  const stores = makeStores();
  stores.sessions.getState().upsert(session({ id: "res-1", resource: "r1" }));
  stores.sessions.getState().upsert(session({ id: "res-2", resource: "r2" }));
  if (opts.sinkOnline !== false) {
    stores.sessions.getState().upsert(session({ id: "sink", role: "sink", resource: "sink", label: "pushsvc/sink", account: "pushsvc@localhost" }));
  }
  const user = userEvent.setup();
  return { ...renderWith(<PushPanel />, createFakePlayground(stores)), user };
}

function reg(patch: Partial<KnownRegistration> = {}): KnownRegistration {
  return {
    jid: "pushsvc@localhost/sink",
    node: "node-a",
    away: false,
    publishOptions: null,
    enabledBySessionId: "res-1",
    enabledByResource: "r1",
    enabledAt: 0,
    state: "active",
    pushCount: 0,
    ...patch,
  };
}

function disco(features: string[]): DiscoResult {
  return {
    target: "account",
    jid: "alice@localhost",
    at: 0,
    fromSessionId: "res-1",
    outcome: "result",
    identities: [],
    features: features.map((v) => ({ var: v, highlight: null })),
    supportsPush: features.includes("urn:xmpp:push:0"),
    supportsAway: features.includes("tigase:push:away:0"),
  };
}

describe("PushPanel", () => {
  it("enables with the sink's full JID and a fresh node by default", async () => {
    const { user, playground } = setup();
    expect(screen.getByLabelText("Push service jid")).toHaveValue("pushsvc@localhost/sink");
    expect(screen.getByLabelText("Node")).toHaveValue("node-1");
    await user.click(screen.getByRole("button", { name: "Enable push" }));
    expect(playground.enable).toHaveBeenCalledWith({ fromResourceId: "res-1", jid: "pushsvc@localhost/sink", node: "node-1", away: false, publishOptions: null });
  });

  it("sends from the chosen resource, with away and publish-options", async () => {
    const { user, playground } = setup();
    await user.selectOptions(screen.getByLabelText("Send from"), "res-2");
    await user.click(screen.getByRole("button", { name: "New node" }));
    expect(screen.getByLabelText("Node")).toHaveValue("node-2");
    await user.click(screen.getByRole("checkbox", { name: "Push while away (away='true')" }));
    await user.click(screen.getByRole("button", { name: "Add field" }));
    await user.type(screen.getByLabelText("Field 1 name"), "secret");
    await user.type(screen.getByLabelText("Field 1 value"), "s3cr3t");
    await user.click(screen.getByRole("button", { name: "Add field" }));
    await user.type(screen.getByLabelText("Field 2 name"), "endpoint");
    await user.type(screen.getByLabelText("Field 2 value"), "https://example.org");
    await user.click(screen.getByRole("button", { name: "Enable push" }));
    expect(playground.enable).toHaveBeenLastCalledWith({
      fromResourceId: "res-2",
      jid: "pushsvc@localhost/sink",
      node: "node-2",
      away: true,
      publishOptions: [
        { var: "secret", value: "s3cr3t" },
        { var: "endpoint", value: "https://example.org" },
      ],
    });
    await user.click(screen.getByRole("button", { name: "Remove field 1" }));
    expect(screen.getByLabelText("Field 1 name")).toHaveValue("endpoint");
  });

  it("lets the jid be changed and restored to the sink", async () => {
    const { user } = setup();
    const jid = screen.getByLabelText("Push service jid");
    await user.clear(jid);
    await user.type(jid, "other@localhost/x");
    expect(screen.getByText(/Not the sink/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Use sink JID" }));
    expect(jid).toHaveValue("pushsvc@localhost/sink");
  });

  it("disables one node, or every node of the jid", async () => {
    const { user, playground } = setup();
    await user.click(screen.getByRole("button", { name: "Disable this node" }));
    expect(playground.disable).toHaveBeenLastCalledWith({ fromResourceId: "res-1", jid: "pushsvc@localhost/sink", node: "node-1" });
    await user.click(screen.getByRole("button", { name: "Disable all nodes of this jid" }));
    expect(playground.disable).toHaveBeenLastCalledWith({ fromResourceId: "res-1", jid: "pushsvc@localhost/sink" });
  });

  it("lists registrations with a disable button per active node", async () => {
    const { user, playground, stores } = setup();
    act(() => {
      stores.registrations.getState().upsert(reg({ node: "node-a", away: true, pushCount: 3, lastPushAt: Date.now() }));
      stores.registrations.getState().upsert(reg({ node: "node-b", state: "removed-by-server", note: "App Server answered cancel/item-not-found" }));
    });
    const table = within(screen.getByRole("region", { name: "Registrations" }));
    expect(table.getByText("1 active")).toBeInTheDocument();
    expect(table.getByText("removed by the server")).toBeInTheDocument();
    expect(table.getByText("App Server answered cancel/item-not-found")).toBeInTheDocument();
    expect(table.queryByRole("button", { name: "Disable node node-b" })).toBeNull();
    await user.click(table.getByRole("button", { name: "Disable node node-a" }));
    expect(playground.disable).toHaveBeenLastCalledWith({ fromResourceId: "res-1", jid: "pushsvc@localhost/sink", node: "node-a" });
    await user.click(screen.getByRole("button", { name: "Forget inactive" }));
    expect(playground.pruneInactiveRegistrations).toHaveBeenCalledTimes(1);
    expect(table.queryByText("removed by the server")).toBeNull();
  });

  it("shows the last result with its error condition and text", () => {
    const { stores } = setup();
    act(() =>
      stores.registrations.getState().setLastResult({
        operation: "enable",
        at: Date.now(),
        outcome: "error",
        summary: "enable refused",
        error: { code: "stanza-error", message: "enable failed", type: "modify", condition: "bad-request", text: "Attribute 'jid' is not valid JID" },
      }),
    );
    const status = screen.getByRole("status", { name: "Last enable or disable result" });
    expect(status).toHaveTextContent("enable failed");
    expect(status).toHaveTextContent("modify/bad-request");
    expect(status).toHaveTextContent("Attribute 'jid' is not valid JID");
  });

  it("explains the away toggle when the server does not advertise the feature", async () => {
    const { user, stores } = setup();
    const toggle = screen.getByRole("checkbox", { name: "Push while away (away='true')" });
    expect(toggle).toHaveAccessibleDescription(/Connect a resource of the account: disco#info runs on connect/);
    act(() => stores.disco.getState().setResult(disco(["urn:xmpp:push:0"])));
    expect(toggle).toHaveAccessibleDescription(/does not advertise tigase:push:away:0/);
    await user.click(toggle);
    expect(screen.getByRole("note")).toHaveTextContent(/will be sent anyway/);
    act(() => stores.disco.getState().setResult(disco(["urn:xmpp:push:0", "tigase:push:away:0"])));
    expect(toggle).toHaveAccessibleDescription(/advertises tigase:push:away:0/);
    expect(screen.queryByRole("note")).toBeNull();
  });

  it("warns when the sink is not connected, and needs a connected resource", () => {
    const stores = makeStores();
    renderWith(<PushPanel />, createFakePlayground(stores));
    expect(screen.getByText(/sink is not connected/)).toBeInTheDocument();
    expect(screen.getByText("No connected resource")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Enable push" })).toBeDisabled();
  });
});
