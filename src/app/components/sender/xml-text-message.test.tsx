// @vitest-environment jsdom
import "@testing-library/jest-dom/vitest";
import "../../../test-setup/dom";
import { fireEvent, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { SendRequest } from "../../model";
import { validateSend } from "../../playground/actions";
import { createFakePlayground, makeStores, renderWith, session } from "../../test-support/render";
import { SenderPanel } from "./SenderPanel";

describe("SenderPanel: a body XML does not allow", () => {
  it("shows the send action's refusal: which field, which character, where", async () => {
    const stores = makeStores();
    stores.sessions.getState().upsert(session({ id: "sender", role: "sender", resource: "sender", label: "bob", account: "bob@localhost", status: "online" }));
    const playground = createFakePlayground(stores);
    // The fake answers with the real action's validation (the same check the share link makes).
    playground.send.mockImplementation(async (request: SendRequest) => {
      const valid = validateSend(() => "alice@localhost", request);
      return valid.ok ? { ok: true as const, value: ["m1"] } : valid;
    });
    const user = userEvent.setup();
    renderWith(<SenderPanel />, playground);
    fireEvent.change(screen.getByLabelText("Body"), { target: { value: "ok\u0001" } });
    await user.click(screen.getByRole("button", { name: "Send message" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "the message body contains U+0001 (a control character) at character 3; XML does not allow it and the server would end the session, so remove it",
    );
  });
});
