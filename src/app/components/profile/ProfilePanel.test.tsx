// @vitest-environment jsdom
import "@testing-library/jest-dom/vitest";
import "../../../test-setup/dom";
import { act, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { createStores } from "../../stores";
import { createMemoryStorage, PROFILE_STORAGE_KEY } from "../../stores/profile";
import { createFakePlayground, renderWith, session } from "../../test-support/render";
import { ProfilePanel } from "./ProfilePanel";

function setup() {
  const storage = createMemoryStorage();
  const stores = createStores({ profile: { storage } });
  const user = userEvent.setup();
  return { ...renderWith(<ProfilePanel />, createFakePlayground(stores)), user, storage, stores };
}

describe("ProfilePanel", () => {
  it("shows the reference-server defaults and where the URL resolves", () => {
    setup();
    expect(screen.getByLabelText("WebSocket URL")).toHaveValue("/xmpp-websocket");
    expect(screen.getByLabelText("WebSocket URL")).toHaveAccessibleDescription("Resolves to ws://localhost:5173/xmpp-websocket");
    expect(screen.getByLabelText("Domain")).toHaveValue("localhost");
    expect(screen.getByLabelText("Account username")).toHaveValue("alice");
    expect(screen.getByLabelText("Sender username")).toHaveValue("bob");
    expect(screen.getByLabelText("Sink username")).toHaveValue("pushsvc");
    expect(screen.getByLabelText("Sink resource")).toHaveValue("sink");
    expect(screen.getByRole("checkbox", { name: "Remember passwords" })).not.toBeChecked();
  });

  it("edits the profile through the service's profile actions", async () => {
    const { user, stores, playground } = setup();
    const domain = screen.getByLabelText("Domain");
    await user.clear(domain);
    await user.type(domain, "example.org");
    await user.clear(screen.getByLabelText("Account password"));
    await user.type(screen.getByLabelText("Account password"), "secret");
    await user.clear(screen.getByLabelText("Sink resource"));
    await user.type(screen.getByLabelText("Sink resource"), "apns");
    expect(playground.profile.update).toHaveBeenLastCalledWith({ domain: "example.org" });
    expect(playground.profile.updateAccount).toHaveBeenCalledWith("account", { password: "secret" });
    expect(playground.profile.updateAccount).toHaveBeenLastCalledWith("sink", { resource: "apns" });
    const p = stores.profile.getState().profile;
    expect(p.domain).toBe("example.org");
    expect(p.account.password).toBe("secret");
    expect(p.sink.resource).toBe("apns");
    expect(screen.getByText("Push service jid: pushsvc@example.org/apns (must be a full JID).")).toBeInTheDocument();
  });

  it("refuses an empty sink resource with a specific error", async () => {
    const { user } = setup();
    await user.clear(screen.getByLabelText("Sink resource"));
    expect(screen.getByRole("alert")).toHaveTextContent(/The sink needs a resource/);
  });

  it("shows a clear error for a bad URL and disables Connect all", () => {
    const { playground } = setup();
    playground.resolvedService.mockReturnValue({ ok: false, error: { code: "bad-url", message: "ftp://x is not a ws: or wss: URL" } });
    renderWith(<ProfilePanel />, playground);
    expect(screen.getAllByRole("alert").at(-1)).toHaveTextContent("ftp://x is not a ws: or wss: URL");
    expect(screen.getAllByRole("button", { name: "Connect all" }).at(-1)).toBeDisabled();
  });

  it("connects and disconnects everything", async () => {
    const { user, playground, stores } = setup();
    await user.click(screen.getByRole("button", { name: "Connect all" }));
    expect(playground.connectAll).toHaveBeenCalled();
    expect(screen.getByRole("button", { name: "Close all sessions" })).toBeDisabled();
    act(() => stores.sessions.getState().upsert(session({ id: "res-1", resource: "r1" })));
    await user.click(await screen.findByRole("button", { name: "Close all sessions" }));
    expect(playground.disconnectAll).toHaveBeenCalled();
  });

  it("saves profiles without passwords unless asked to remember them", async () => {
    const { user, storage, playground } = setup();
    await user.clear(screen.getByLabelText("Profile name"));
    await user.type(screen.getByLabelText("Profile name"), "staging");
    await user.click(screen.getByRole("button", { name: "Save profile" }));
    expect(playground.profile.saveCurrent).toHaveBeenCalledWith("staging");
    expect(screen.getByRole("status")).toHaveTextContent("Saved “staging” without passwords.");
    let stored = JSON.parse(storage.getItem(PROFILE_STORAGE_KEY) as string) as { state: { saved: { account: { password: string } }[] } };
    expect(stored.state.saved[0]?.account.password).toBe("");

    await user.click(screen.getByRole("checkbox", { name: "Remember passwords" }));
    expect(playground.profile.update).toHaveBeenLastCalledWith({ rememberPassword: true });
    await user.click(screen.getByRole("button", { name: "Save profile" }));
    stored = JSON.parse(storage.getItem(PROFILE_STORAGE_KEY) as string) as typeof stored;
    expect(stored.state.saved[0]?.account.password).toBe("pass");
  });

  it("loads and deletes saved profiles, and resets to the defaults", async () => {
    const { user, stores, playground } = setup();
    act(() => {
      stores.profile.getState().saveCurrent("one");
      stores.profile.getState().update({ domain: "other.example" });
      stores.profile.getState().saveCurrent("two");
    });
    await user.selectOptions(await screen.findByLabelText("Saved profile"), "one");
    await user.click(screen.getByRole("button", { name: "Load" }));
    expect(playground.profile.load).toHaveBeenCalledWith("one");
    expect(stores.profile.getState().profile.domain).toBe("localhost");
    expect(screen.getByRole("status")).toHaveTextContent("Loaded “one”.");
    await user.click(screen.getByRole("button", { name: "Delete" }));
    expect(playground.profile.remove).toHaveBeenCalledWith("one");
    expect(stores.profile.getState().saved.map((p) => p.name)).toEqual(["two"]);
    act(() => stores.profile.getState().update({ domain: "changed.example" }));
    await user.click(screen.getByRole("button", { name: "Reset to defaults" }));
    expect(playground.profile.resetToDefaults).toHaveBeenCalledTimes(1);
    expect(stores.profile.getState().profile.domain).toBe("localhost");
  });

  it("switches automatic reconnect (on by default)", async () => {
    const { user, stores, playground } = setup();
    const box = screen.getByRole("checkbox", { name: "Reconnect automatically" });
    expect(box).toBeChecked();
    await user.click(box);
    expect(playground.profile.setAutoReconnect).toHaveBeenCalledWith(false);
    expect(stores.profile.getState().autoReconnect).toBe(false);
    expect(box).not.toBeChecked();
  });
});
