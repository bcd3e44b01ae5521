// @vitest-environment jsdom
import "@testing-library/jest-dom/vitest";
import "../../../test-setup/dom";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { createStores } from "../../stores";
import { createMemoryStorage } from "../../stores/profile";
import { createFakePlayground, renderWith } from "../../test-support/render";
import { AwayShowsField } from "./AwayShowsField";

function setup() {
  const stores = createStores({ profile: { storage: createMemoryStorage() } });
  const user = userEvent.setup();
  const { playground } = renderWith(<AwayShowsField />, createFakePlayground(stores));
  const group = screen.getByRole("group", { name: "Shows treated as away" });
  const box = (show: string) => within(group).getByRole("checkbox", { name: show });
  return { stores, user, box, playground };
}

describe("Connection tab: shows treated as away", () => {
  it("starts at the servers' default away,xa and adds dnd for the predictions", async () => {
    const { stores, user, box, playground } = setup();
    expect(box("away")).toBeChecked();
    expect(box("xa")).toBeChecked();
    expect(box("dnd")).not.toBeChecked();
    await user.click(box("dnd"));
    expect(playground.profile.update).toHaveBeenCalledWith({ awayShows: ["away", "xa", "dnd"] });
    expect(stores.profile.getState().profile.awayShows).toEqual(["away", "xa", "dnd"]);
    expect(screen.getByText(/Now: away, xa, dnd\./)).toBeInTheDocument();
  });

  it("keeps at least one show: the last one cannot be unticked", async () => {
    const { stores, user, box } = setup();
    await user.click(box("xa"));
    expect(stores.profile.getState().profile.awayShows).toEqual(["away"]);
    expect(box("away")).toBeDisabled();
  });
});
