// @vitest-environment jsdom
import "@testing-library/jest-dom/vitest";
import "../../../test-setup/dom";
import { act, fireEvent, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { SessionView } from "../../stores/sessions";
import { createFakePlayground, makeStores, renderWith, session } from "../../test-support/render";
import { ResourcesPanel } from "./ResourcesPanel";

function setup(sessions: SessionView[] = []) {
  const stores = makeStores();
  for (const s of sessions) stores.sessions.getState().upsert(s);
  const user = userEvent.setup();
  return { ...renderWith(<ResourcesPanel />, createFakePlayground(stores)), user };
}

describe("ResourceCard colour", () => {
  it("changes a lane colour through the service", () => {
    const { playground, stores } = setup([session({ id: "res-1", resource: "r1" })]);
    fireEvent.change(screen.getByLabelText("Colour of r1"), { target: { value: "#112233" } });
    expect(playground.setResourceColour).toHaveBeenCalledWith("res-1", "#112233");
    expect(stores.sessions.getState().sessions["res-1"]!.colour).toBe("#112233");
  });
});

const card = (name: string) => screen.getByRole("region", { name: `Resource ${name}` });

describe("ResourcesPanel", () => {
  it("explains what to do when there are no resources", () => {
    setup();
    expect(screen.getByText("No resources yet")).toBeInTheDocument();
  });

  it("adds a resource with the typed name, or the default when empty", async () => {
    const { user, playground } = setup();
    await user.type(screen.getByLabelText("New resource name"), "phone");
    await user.click(screen.getByRole("button", { name: "Add resource" }));
    expect(playground.addResource).toHaveBeenLastCalledWith("phone");
    expect(screen.getByLabelText("New resource name")).toHaveValue("");
    await user.click(screen.getByRole("button", { name: "Add resource" }));
    expect(playground.addResource).toHaveBeenLastCalledWith(undefined);
  });

  it("shows why a resource could not be added", async () => {
    const { user, playground } = setup();
    playground.addResource.mockReturnValueOnce({ ok: false, error: { code: "bad-input", message: "resource r1 already exists" } });
    await user.click(screen.getByRole("button", { name: "Add resource" }));
    expect(screen.getByRole("alert")).toHaveTextContent("resource r1 already exists");
  });

  it("connects, disconnects and removes a resource", async () => {
    const { user, playground } = setup([
      session({ id: "res-1", resource: "r1", status: "offline", jid: null }),
      session({ id: "res-2", resource: "r2", status: "online" }),
    ]);
    await user.click(within(card("r1")).getByRole("button", { name: "Connect" }));
    expect(playground.connectResource).toHaveBeenCalledWith("res-1");
    await user.click(within(card("r2")).getByRole("button", { name: "Disconnect" }));
    expect(playground.disconnectResource).toHaveBeenCalledWith("res-2");
    await user.click(within(card("r2")).getByRole("button", { name: "Remove r2" }));
    expect(playground.removeResource).toHaveBeenCalledWith("res-2");
  });

  it("sends each presence with the priority and status text", async () => {
    const { user, playground } = setup([session({ id: "res-1", resource: "r1" })]);
    const c = card("r1");
    await user.clear(within(c).getByLabelText("Priority"));
    await user.type(within(c).getByLabelText("Priority"), "-1");
    await user.type(within(c).getByLabelText("Status text"), "in a meeting");
    const group = within(c).getByRole("group", { name: "Send presence from r1" });
    for (const show of ["available", "chat", "away", "xa", "dnd", "unavailable"] as const) {
      await user.click(within(group).getByRole("button", { name: show }));
      expect(playground.setPresence).toHaveBeenLastCalledWith("res-1", { show, priority: -1, status: "in a meeting" });
    }
  });

  it("refuses an out-of-range priority without calling the service", async () => {
    const { user, playground } = setup([session({ id: "res-1", resource: "r1" })]);
    const c = card("r1");
    await user.clear(within(c).getByLabelText("Priority"));
    await user.type(within(c).getByLabelText("Priority"), "200");
    await user.click(within(c).getByRole("button", { name: "away" }));
    expect(playground.setPresence).not.toHaveBeenCalled();
    expect(within(c).getByRole("alert")).toHaveTextContent(/-128 to 127/);
  });

  it("disables presence while not connected", () => {
    setup([session({ id: "res-1", resource: "r1", status: "offline" })]);
    expect(within(card("r1")).getByRole("button", { name: "away" })).toBeDisabled();
  });

  it("shows live state at a glance: connected, receiving, online or away", () => {
    setup([
      session({ id: "res-1", resource: "r1", status: "online", presenceChoice: null }),
      session({ id: "res-2", resource: "r2", status: "online", presenceChoice: "away", receiving: true, away: true }),
      session({ id: "res-3", resource: "r3", status: "online", presenceChoice: "chat", receiving: true, online: true, received: 4 }),
      session({ id: "res-4", resource: "r4", status: "failed", lastError: { code: "bad-credentials", message: "bad credentials for alice@localhost" } }),
    ]);
    expect(within(card("r1")).getByText("not receiving")).toHaveAccessibleDescription(/Receiving: the session sent available presence with priority ≥ 0/);
    expect(within(card("r1")).getByText(/no presence sent yet/, { selector: "p" })).toBeInTheDocument();
    expect(within(card("r2")).getByText("away", { selector: ".badge .term" })).toHaveAccessibleDescription(/Away: a receiving session whose <show> is away or xa/);
    expect(within(card("r3")).getByText("online", { selector: ".badge .term" })).toBeInTheDocument();
    expect(within(card("r3")).getByText("4 received")).toBeInTheDocument();
    expect(within(card("r4")).getByRole("alert")).toHaveTextContent("bad credentials for alice@localhost");
    expect(within(card("r4")).getByText("failed")).toBeInTheDocument();
  });

  it("pressed state marks the presence last sent", () => {
    setup([session({ id: "res-1", resource: "r1", presenceChoice: "xa", receiving: true, away: true })]);
    expect(within(card("r1")).getByRole("button", { name: "xa" })).toHaveAttribute("aria-pressed", "true");
    expect(within(card("r1")).getByRole("button", { name: "away" })).toHaveAttribute("aria-pressed", "false");
  });

  it("renames an offline resource on Enter", async () => {
    const { user, playground } = setup([session({ id: "res-1", resource: "r1", status: "offline" })]);
    const input = screen.getByLabelText("Resource name of r1");
    await user.clear(input);
    await user.type(input, "tablet{Enter}");
    expect(playground.renameResource).toHaveBeenCalledWith("res-1", "tablet");
  });

  it("renders hostile resource names and status texts as text (XSS)", () => {
    const evil = `<img src=x onerror=alert(1)><script>alert(1)</script>`;
    const { container } = setup([
      session({ id: "res-1", resource: evil, label: `alice/${evil}`, statusText: evil, status: "online", lastError: { code: "internal", message: evil } }),
    ]);
    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector("script")).toBeNull();
    expect(screen.getByRole("region", { name: `Resource ${evil}` })).toHaveTextContent(`alice/${evil}`);
    expect(screen.getByLabelText("Status text")).toHaveValue(evil);
  });
});

describe("presence on connect", () => {
  it("chooses what a resource sends right after login", async () => {
    const { user, playground } = setup([session({ id: "res-1", resource: "r1", status: "offline", presenceOnConnect: "available" })]);
    const select = within(card("r1")).getByLabelText("On connect");
    expect(select).toHaveValue("available");
    await user.selectOptions(select, "away");
    expect(playground.setPresenceOnConnect).toHaveBeenLastCalledWith("res-1", "away");
    await user.selectOptions(select, "none");
    expect(playground.setPresenceOnConnect).toHaveBeenLastCalledWith("res-1", null);
  });
});

describe("errors on a resource card", () => {
  const refused = { code: "bad-credentials" as const, condition: "not-authorized", message: "Password for alice@localhost (Account) in the Connection tab was refused by the server (not-authorized)" };

  it("shows a refused connect once, and not after the session connects (e.g. Connect all after fixing the password)", async () => {
    const { user, playground, stores } = setup([session({ id: "res-1", resource: "r1", status: "offline", connectedAt: null })]);
    // As the service does: the failure lands on the session's lastError and is returned.
    playground.connectResource.mockImplementation(async (id: string) => {
      stores.sessions.getState().patch(id, { status: "failed", lastError: refused });
      return { ok: false as const, error: refused };
    });
    await user.click(within(card("r1")).getByRole("button", { name: "Connect" }));
    const alerts = within(card("r1")).getAllByRole("alert");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toHaveTextContent("Password for alice@localhost (Account) in the Connection tab was refused by the server");

    act(() => stores.sessions.getState().patch("res-1", { status: "online", lastError: null, connectedAt: 2 }));
    expect(within(card("r1")).queryAllByRole("alert")).toHaveLength(0);
  });

  it("clears an action's error on a reconnect and on the next success of the same action", async () => {
    const { user, playground, stores } = setup([session({ id: "res-1", resource: "r1", status: "online", connectedAt: 1 })]);
    playground.killResource.mockResolvedValueOnce({ ok: false, error: { code: "not-connected", message: "alice/r1 is not connected: there is no app to kill" } });
    await user.click(within(card("r1")).getByRole("button", { name: /Kill app/ }));
    expect(within(card("r1")).getByRole("alert")).toHaveTextContent("there is no app to kill");
    act(() => stores.sessions.getState().patch("res-1", { status: "offline" }));
    act(() => stores.sessions.getState().patch("res-1", { status: "online", connectedAt: 5 }));
    expect(within(card("r1")).queryByRole("alert")).toBeNull();

    playground.setPresence.mockResolvedValueOnce({ ok: false, error: { code: "not-connected", message: "alice/r1 is not connected: connect it before sending presence" } });
    await user.click(within(card("r1")).getByRole("button", { name: "away" }));
    expect(within(card("r1")).getByRole("alert")).toHaveTextContent("connect it before sending presence");
    await user.click(within(card("r1")).getByRole("button", { name: "away" }));
    expect(within(card("r1")).queryByRole("alert")).toBeNull();
  });
});

describe("ResourcesPanel with many resources", () => {
  it("adds N resources in one action", async () => {
    const { user, playground } = setup();
    const count = screen.getByLabelText("Number of resources to add");
    await user.clear(count);
    await user.type(count, "98");
    await user.click(screen.getByRole("button", { name: "Add 98 resources" }));
    expect(playground.addResources).toHaveBeenCalledWith(98);
    expect(screen.getByRole("status")).toHaveTextContent("Added 98 resources");
  });

  it("windows 100 cards over the scrolling column, each card following its own session", async () => {
    const sessions = Array.from({ length: 100 }, (_, i) => session({ id: `res-${i}`, resource: `r${i}` }));
    const stores = makeStores();
    for (const s of sessions) stores.sessions.getState().upsert(s);
    renderWith(
      <div style={{ overflowY: "auto", height: 600 }}>
        <ResourcesPanel />
      </div>,
      createFakePlayground(stores),
    );
    // The windowed column is its own chunk, fetched when the column first has that many cards.
    const shown = await screen.findAllByRole("region", { name: /^Resource r\d+$/ });
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(20);
    expect(screen.getByRole("group", { name: "100 resources (only those in view are shown)" })).toBeInTheDocument();
    act(() => stores.sessions.getState().patch("res-0", { status: "failed" }));
    expect(within(card("r0")).getByText("failed")).toBeInTheDocument();
  });
});
