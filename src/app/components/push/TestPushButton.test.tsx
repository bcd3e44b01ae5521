// @vitest-environment jsdom
import "@testing-library/jest-dom/vitest";
import "../../../test-setup/dom";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { KnownRegistration } from "../../model";
import type { ActionResult } from "../../playground-api";
import type { TestPushResult } from "../../../protocol/stanzas/test-push";
import { createFakePlayground, renderWith } from "../../test-support/render";
import { TestPushButton } from "./TestPushButton";

const registration: KnownRegistration = {
  jid: "pushsvc@localhost/sink",
  node: "node-a",
  away: false,
  publishOptions: null,
  enabledBySessionId: "res-1",
  enabledByResource: "r1",
  enabledAt: 0,
  state: "active",
  pushCount: 0,
};

function setup(answer: ActionResult<TestPushResult>, reg: KnownRegistration = registration) {
  const playground = createFakePlayground();
  const testPush = vi.fn(async () => answer);
  Object.assign(playground, { testPush });
  return { ...renderWith(<TestPushButton registration={reg} />, playground), testPush, user: userEvent.setup() };
}

describe("TestPushButton", () => {
  it("asks for a test push of its registration and shows the answer and the server's reaction", async () => {
    const { testPush, user } = setup({
      ok: true,
      value: {
        key: { jid: registration.jid, node: "node-a" },
        iqId: "push-1",
        seq: 3,
        outcome: { kind: "error", type: "cancel", condition: "item-not-found" },
        reaction: { action: "remove", errorCount: 1, why: "gone" },
      },
    });
    await user.click(screen.getByRole("button", { name: "Test push to node node-a" }));
    expect(testPush).toHaveBeenCalledWith(registration);
    expect(await screen.findByRole("status")).toHaveTextContent("cancel/item-not-found; removed by the server");
  });

  it("says why nothing was sent", async () => {
    const { user } = setup({ ok: false, error: { code: "not-connected", message: "no resource of the account is online" } });
    await user.click(screen.getByRole("button", { name: "Test push to node node-a" }));
    expect(await screen.findByRole("status")).toHaveTextContent("not sent: no resource of the account is online");
  });

  it("is not offered for a registration that is no longer active", () => {
    setup({ ok: false, error: { code: "internal", message: "unused" } }, { ...registration, state: "removed-by-server" });
    expect(screen.queryByRole("button", { name: /Test push/ })).toBeNull();
  });
});
