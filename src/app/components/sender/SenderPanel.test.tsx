// @vitest-environment jsdom
import "@testing-library/jest-dom/vitest";
import "../../../test-setup/dom";
import { act, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { createFakePlayground, makeStores, renderWith, session } from "../../test-support/render";
import { SenderPanel } from "./SenderPanel";

function setup(status: "online" | "offline" = "online") {
  const stores = makeStores();
  stores.sessions.getState().upsert(session({ id: "res-1", resource: "r1" }));
  stores.sessions.getState().upsert(session({ id: "sender", role: "sender", resource: "sender", label: "bob", account: "bob@localhost", status }));
  const user = userEvent.setup();
  return { ...renderWith(<SenderPanel />, createFakePlayground(stores)), user };
}

describe("SenderPanel", () => {
  it("connects the sender", async () => {
    const { user, playground } = setup("offline");
    expect(screen.getByRole("button", { name: "Send message" })).toBeDisabled();
    await user.click(screen.getByRole("button", { name: "Connect sender" }));
    expect(playground.connectSender).toHaveBeenCalled();
  });

  it("sends a chat with body to the bare JID", async () => {
    const { user, playground } = setup();
    const body = screen.getByLabelText("Body");
    await user.clear(body);
    await user.type(body, "ping");
    await user.click(screen.getByRole("button", { name: "Send message" }));
    expect(playground.send).toHaveBeenLastCalledWith({ to: "bare", kind: "chat", body: "ping", count: 1 });
    expect(await screen.findByRole("status")).toHaveTextContent("Sent 1 message to alice@localhost.");
  });

  it("sends to a full JID, a body-less chat state, a groupchat, and a burst", async () => {
    const { user, playground } = setup();
    await user.selectOptions(screen.getByLabelText("To"), "r1");
    await user.click(screen.getByRole("radio", { name: "chat state (no body)" }));
    expect(screen.getByLabelText("Body")).toBeDisabled();
    expect(screen.getByText(/not pushable under the spec policy/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Send message" }));
    expect(playground.send).toHaveBeenLastCalledWith({ to: "r1", kind: "chat-state", body: undefined, count: 1 });

    await user.click(screen.getByRole("radio", { name: "groupchat" }));
    const count = screen.getByLabelText("Burst size");
    await user.clear(count);
    await user.type(count, "5");
    await user.click(screen.getByRole("button", { name: "Send 5 messages" }));
    expect(playground.send).toHaveBeenLastCalledWith({ to: "r1", kind: "groupchat", body: "Hello from the playground", count: 5 });
  });

  it("sends with Ctrl+Enter from the body", async () => {
    const { user, playground } = setup();
    screen.getByLabelText("Body").focus();
    await user.keyboard("{Control>}{Enter}{/Control}");
    expect(playground.send).toHaveBeenCalledTimes(1);
  });

  it("refuses an invalid burst size and shows service errors", async () => {
    const { user, playground } = setup();
    const count = screen.getByLabelText("Burst size");
    await user.clear(count);
    await user.type(count, "0");
    await user.click(screen.getByRole("button", { name: "Send message" }));
    expect(playground.send).not.toHaveBeenCalled();
    expect(screen.getByRole("alert")).toHaveTextContent(/Burst size must be/);

    await user.clear(count);
    await user.type(count, "1");
    playground.send.mockResolvedValueOnce({ ok: false, error: { code: "not-connected", message: "the sender is not connected" } });
    await user.click(screen.getByRole("button", { name: "Send message" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("the sender is not connected");
  });
});

describe("SenderPanel errors", () => {
  it("shows a refused connect once, naming the field to fix, and drops it once the sender is online", async () => {
    const { user, playground, stores } = setup("offline");
    const refused = { code: "bad-credentials" as const, condition: "not-authorized", message: "Password for bob@localhost (Sender) in the Connection tab was refused by the server (not-authorized)" };
    playground.connectSender.mockImplementation(async () => {
      stores.sessions.getState().patch("sender", { status: "failed", lastError: refused });
      return { ok: false as const, error: refused };
    });
    await user.click(screen.getByRole("button", { name: "Connect sender" }));
    const alerts = screen.getAllByRole("alert");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toHaveTextContent("Password for bob@localhost (Sender) in the Connection tab was refused");
    act(() => stores.sessions.getState().patch("sender", { status: "online", lastError: null, connectedAt: 9 }));
    expect(screen.queryAllByRole("alert")).toHaveLength(0);
  });

  it("keeps a failed send's error until the next send succeeds or the sender reconnects", async () => {
    const { user, playground, stores } = setup();
    playground.send.mockResolvedValueOnce({ ok: false, error: { code: "bad-input", message: "the message body is empty" } });
    await user.click(screen.getByRole("button", { name: "Send message" }));
    expect(screen.getByRole("alert")).toHaveTextContent("the message body is empty");
    act(() => stores.sessions.getState().patch("sender", { connectedAt: 7 }));
    expect(screen.queryByRole("alert")).toBeNull();
    playground.send.mockResolvedValueOnce({ ok: false, error: { code: "bad-input", message: "the message body is empty" } });
    await user.click(screen.getByRole("button", { name: "Send message" }));
    expect(screen.getByRole("alert")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Send message" }));
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.getByRole("status")).toHaveTextContent("Sent 1 message");
  });
});
