// @vitest-environment jsdom
import "@testing-library/jest-dom/vitest";
import "../../../test-setup/dom";
import { act, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { hostingStore } from "../../../sandbox/hosting";
import { SANDBOX_SERVICE } from "../../../sandbox/protocol";
import { createStores } from "../../stores";
import { createMemoryStorage } from "../../stores/profile";
import { createFakePlayground, renderWith } from "../../test-support/render";
import { SandboxBanner } from "../layout/SandboxBanner";
import { ProfilePanel } from "./ProfilePanel";

function setup() {
  const stores = createStores({ profile: { storage: createMemoryStorage() } });
  const user = userEvent.setup();
  const ui = renderWith(
    <>
      <SandboxBanner />
      <ProfilePanel />
    </>,
    createFakePlayground(stores),
  );
  return { ...ui, user, stores };
}

beforeEach(() => hostingStore.setState({ hosting: "probing", sandboxDefaulted: false }));

describe("Sandbox server option", () => {
  it("switches the profile to the in-page server and back to the WebSocket URL", async () => {
    const { user, stores, playground } = setup();
    const option = screen.getByRole("checkbox", { name: "Sandbox server in this page" });
    expect(option).not.toBeChecked();
    expect(option).toHaveAccessibleDescription(/Web Worker/);

    await user.click(option);
    expect(playground.profile.update).toHaveBeenCalledWith({ service: SANDBOX_SERVICE });
    expect(stores.profile.getState().profile.service).toBe(SANDBOX_SERVICE);
    expect(option).toBeChecked();
    expect(screen.queryByLabelText("WebSocket URL")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Connect all" })).toBeEnabled();

    await user.click(option);
    expect(stores.profile.getState().profile.service).toBe("/xmpp-websocket");
    expect(screen.getByLabelText("WebSocket URL")).toHaveValue("/xmpp-websocket");
  });

  it("shows no banner while a reference server serves the page", () => {
    setup();
    act(() => hostingStore.setState({ hosting: "reference-server" }));
    expect(screen.queryByRole("status", { name: "Sandbox server" })).not.toBeInTheDocument();
  });

  it("says on a static host that the sandbox runs in this page, or how to choose it", async () => {
    const { user, stores } = setup();
    act(() => {
      stores.profile.getState().update({ service: SANDBOX_SERVICE });
      hostingStore.setState({ hosting: "static", sandboxDefaulted: true });
    });
    const banner = screen.getByRole("status", { name: "Sandbox server" });
    expect(banner).toHaveTextContent("Sandbox server in this page.");
    expect(banner).toHaveTextContent("tigase.localhost");

    await user.click(screen.getByRole("checkbox", { name: "Sandbox server in this page" }));
    expect(screen.getByRole("status", { name: "Sandbox server" })).toHaveTextContent("No reference server on this site.");
  });
});
