// @vitest-environment jsdom
import "@testing-library/jest-dom/vitest";
import "../../../test-setup/dom";
import { fireEvent, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { createFakePlayground, makeStores, renderWith, session } from "../../test-support/render";
import { ResourcesPanel } from "./ResourcesPanel";

function setup() {
  const stores = makeStores();
  stores.sessions.getState().upsert(session({ id: "res-1", resource: "r1" }));
  const user = userEvent.setup();
  return { ...renderWith(<ResourcesPanel />, createFakePlayground(stores)), user };
}

const card = () => screen.getByRole("region", { name: "Resource r1" });

describe("PresenceControls: what cannot be sent is said before it is sent", () => {
  it("marks a status text with U+0001 as it is typed and refuses it by field, character and position", async () => {
    const { user, playground } = setup();
    const c = card();
    const status = within(c).getByLabelText("Status text");
    fireEvent.change(status, { target: { value: "gone\u0001" } });
    expect(status).toHaveAttribute("aria-invalid", "true");
    expect(status).toHaveAccessibleDescription("U+0001 at character 5 is not allowed in XML");
    await user.click(within(c).getByRole("button", { name: "away" }));
    expect(playground.setPresence).not.toHaveBeenCalled();
    expect(within(c).getByRole("alert")).toHaveTextContent(
      "The status text contains U+0001 (a control character) at character 5; XML does not allow it and the server would end the session, so remove it.",
    );
    fireEvent.change(status, { target: { value: "gone" } });
    expect(status).not.toHaveAttribute("aria-invalid");
    await user.click(within(c).getByRole("button", { name: "away" }));
    expect(playground.setPresence).toHaveBeenLastCalledWith("res-1", { show: "away", priority: 0, status: "gone" });
  });

  it("names a lone surrogate and a noncharacter the same way", async () => {
    const { user, playground } = setup();
    const c = card();
    fireEvent.change(within(c).getByLabelText("Status text"), { target: { value: "a\uD800" } });
    await user.click(within(c).getByRole("button", { name: "dnd" }));
    expect(within(c).getByRole("alert")).toHaveTextContent(/U\+D800 \(half of a surrogate pair with no other half\) at character 2/);
    fireEvent.change(within(c).getByLabelText("Status text"), { target: { value: "\uFFFF" } });
    await user.click(within(c).getByRole("button", { name: "dnd" }));
    expect(within(c).getByRole("alert")).toHaveTextContent(/U\+FFFF \(a noncharacter\) at character 1/);
    expect(playground.setPresence).not.toHaveBeenCalled();
  });

  it.each(["0x10", "1e1", "1.0", "128", "-129", ""])("refuses the priority %j with the text it got", async (typed) => {
    const { user, playground } = setup();
    const c = card();
    const priority = within(c).getByLabelText("Priority");
    await user.clear(priority);
    if (typed) await user.type(priority, typed);
    expect(priority).toHaveAttribute("aria-invalid", "true");
    await user.click(within(c).getByRole("button", { name: "chat" }));
    expect(playground.setPresence).not.toHaveBeenCalled();
    expect(within(c).getByRole("alert")).toHaveTextContent(`Priority must be a whole number from -128 to 127 (got “${typed}”).`);
  });

  it("sends a whole-number priority as a number", async () => {
    const { user, playground } = setup();
    const c = card();
    const priority = within(c).getByLabelText("Priority");
    await user.clear(priority);
    await user.type(priority, "-128");
    await user.click(within(c).getByRole("button", { name: "xa" }));
    expect(playground.setPresence).toHaveBeenLastCalledWith("res-1", { show: "xa", priority: -128, status: undefined });
  });
});
