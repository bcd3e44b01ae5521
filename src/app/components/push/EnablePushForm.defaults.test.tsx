// @vitest-environment jsdom
import "@testing-library/jest-dom/vitest";
import "../../../test-setup/dom";
import { act, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { DEFAULT_PROFILE_SETTINGS } from "../../app-server/types";
import { createFakePlayground, makeStores, renderWith, session } from "../../test-support/render";
import { PushPanel } from "./PushPanel";

function setup() {
  const stores = makeStores();
  stores.sessions.getState().upsert(session({ id: "res-1", resource: "r1" }));
  stores.sessions.getState().upsert(session({ id: "sink", role: "sink", resource: "sink", label: "pushsvc/sink", account: "pushsvc@localhost" }));
  const user = userEvent.setup();
  return { ...renderWith(<PushPanel />, createFakePlayground(stores)), user };
}

describe("the enable form under the sink's App Server profile", () => {
  it("starts with no publish-options under the generic profile", () => {
    setup();
    expect(screen.queryByLabelText("Field 1 name")).not.toBeInTheDocument();
  });

  it("fills p2's secret, follows its change, and sends what the user edited", async () => {
    const { stores, user, playground } = setup();
    act(() => stores.sink.getState().setProfile("p2"));
    expect(screen.getByLabelText("Field 1 name")).toHaveValue("secret");
    expect(screen.getByLabelText("Field 1 value")).toHaveValue(DEFAULT_PROFILE_SETTINGS.p2.secret);
    act(() => stores.sink.getState().setProfileSettings({ ...DEFAULT_PROFILE_SETTINGS, p2: { ...DEFAULT_PROFILE_SETTINGS.p2, secret: "s2" } }));
    expect(screen.getByLabelText("Field 1 value")).toHaveValue("s2");
    expect(screen.queryByLabelText("Field 2 name")).not.toBeInTheDocument();
    await user.clear(screen.getByLabelText("Field 1 value"));
    await user.type(screen.getByLabelText("Field 1 value"), "wrong");
    await user.click(screen.getByRole("button", { name: "Enable push" }));
    expect(playground.enable).toHaveBeenLastCalledWith(expect.objectContaining({ publishOptions: [{ var: "secret", value: "wrong" }] }));
  });

  it("adds fpush's pushModule", () => {
    const { stores } = setup();
    act(() => stores.sink.getState().setProfile("fpush"));
    expect(screen.getByLabelText("Field 1 name")).toHaveValue("pushModule");
    expect(screen.getByLabelText("Field 1 value")).toHaveValue(DEFAULT_PROFILE_SETTINGS.fpush.modules[0]);
  });
});
