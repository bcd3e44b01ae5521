// @vitest-environment jsdom
import "@testing-library/jest-dom/vitest";
import "../../../test-setup/dom";
import { fireEvent, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { addEvents, createFakePlayground, makeStores, messageSent, renderWith } from "../../test-support/render";
import { EventDetail } from "./EventDetail";
import { WhyButton } from "./WhyButton";

describe("Why? on a message row", () => {
  it("says “Why not?” for a message without pushes, “Why?” otherwise, and selects the message", () => {
    const { playground, unmount } = renderWith(<WhyButton eventId="e1" pushed={false} />);
    fireEvent.click(screen.getByRole("button", { name: "Why not?" }));
    expect(playground.timeline.select).toHaveBeenCalledWith("e1");
    unmount();
    renderWith(<WhyButton eventId="e2" pushed />);
    expect(screen.getByRole("button", { name: "Why?" })).toBeInTheDocument();
  });

  it("the selected message's detail shows its explanation card above the expectations", async () => {
    const playground = createFakePlayground(makeStores());
    const sent = messageSent({ messageId: "m-9" });
    addEvents(playground.stores, [sent]);
    playground.stores.timeline.getState().select(sent.id);
    playground.stores.explanations.getState().setCurrent({ eventId: sent.id, messageId: "m-9", status: "unavailable", why: "nothing to explain it from", counterfactuals: [], canTry: true });
    renderWith(<EventDetail />, playground);
    const detail = screen.getByRole("region", { name: "Event detail" });
    // The card is its own chunk, fetched when a message is first shown.
    const card = await within(detail).findByRole("region", { name: "Why this message was or was not pushed" });
    expect(card).toHaveTextContent("nothing to explain it from");
    expect(within(detail).getByRole("region", { name: "Push expectations" })).toBeInTheDocument();
  });
});
