// @vitest-environment jsdom
import "@testing-library/jest-dom/vitest";
import "../../../test-setup/dom";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { SessionView, SmView } from "../../stores/sessions";
import { createFakePlayground, makeStores, renderWith, session } from "../../test-support/render";
import { ResourcesPanel } from "./ResourcesPanel";

function setup(sessions: SessionView[]) {
  const stores = makeStores();
  for (const s of sessions) stores.sessions.getState().upsert(s);
  const user = userEvent.setup();
  return { ...renderWith(<ResourcesPanel />, createFakePlayground(stores)), user };
}

const card = (name: string) => screen.getByRole("region", { name: `Resource ${name}` });
const sm = (patch: Partial<SmView>): SmView => ({ state: "active", enabled: true, resumable: true, id: "sm-1", max: 300, since: 0, ...patch });

describe("Kill app and Resume on the resource card", () => {
  it("kills a connected resource whose session is resumable, and explains what will happen", async () => {
    const { user, playground } = setup([session({ id: "res-1", resource: "r1", status: "online", sm: sm({}) })]);
    const kill = within(card("r1")).getByRole("button", { name: "Kill app r1" });
    expect(kill).toBeEnabled();
    expect(kill).toHaveAttribute("title", expect.stringMatching(/without <\/close>.*keeps the session for up to 300 s/));
    expect(within(card("r1")).getByRole("button", { name: "Resume r1" })).toBeDisabled();
    expect(within(card("r1")).getByText("SM on")).toHaveAttribute("title", expect.stringContaining("resumption"));
    await user.click(kill);
    expect(playground.killResource).toHaveBeenCalledWith("res-1");
    expect(playground.resumeResource).not.toHaveBeenCalled();
  });

  it("says that without stream management killing simply ends the session", () => {
    setup([session({ id: "res-1", resource: "r1", status: "online", sm: sm({ state: "off", enabled: false, resumable: false, id: "", max: null }) })]);
    const kill = within(card("r1")).getByRole("button", { name: "Kill app r1" });
    expect(kill).toBeEnabled();
    expect(kill).toHaveAttribute("title", expect.stringContaining("the session simply ends"));
    expect(within(card("r1")).getByText("no SM")).toBeInTheDocument();
  });

  it("offers Resume only for a hibernated session, and shows the hibernation", async () => {
    const { user, playground } = setup([session({ id: "res-1", resource: "r1", status: "offline", jid: null, sm: sm({ state: "hibernated" }) })]);
    const c = card("r1");
    expect(within(c).getByRole("button", { name: "Kill app r1" })).toBeDisabled();
    const resume = within(c).getByRole("button", { name: "Resume r1" });
    expect(resume).toBeEnabled();
    expect(resume).toHaveAttribute("title", expect.stringContaining("<resume previd h/>"));
    expect(within(c).getByText("hibernated")).toBeInTheDocument();
    expect(within(c).getByText(/App killed: the server keeps alice\/r1's session for up to 300 s/)).toBeInTheDocument();
    await user.click(resume);
    expect(playground.resumeResource).toHaveBeenCalledWith("res-1");
  });

  it("shows a resumed session with its redelivery count", () => {
    setup([session({ id: "res-1", resource: "r1", status: "online", sm: sm({ state: "resumed", redelivered: 2 }) })]);
    const c = card("r1");
    expect(within(c).getByText("resumed · 2 redelivered")).toBeInTheDocument();
    expect(within(c).getByRole("button", { name: "Resume r1" })).toBeDisabled();
    expect(within(c).getByRole("button", { name: "Kill app r1" })).toBeEnabled();
  });

  it("shows an expired session: Resume disabled, Connect starts a new one", () => {
    setup([session({ id: "res-1", resource: "r1", status: "offline", jid: null, sm: sm({ state: "expired", note: "the server no longer has the session (item-not-found)" }) })]);
    const c = card("r1");
    expect(within(c).getByText("expired")).toHaveAttribute("title", "the server no longer has the session (item-not-found)");
    const resume = within(c).getByRole("button", { name: "Resume r1" });
    expect(resume).toBeDisabled();
    expect(resume).toHaveAttribute("title", expect.stringContaining("expired"));
    expect(within(c).getByText(/expired on the server: Resume would fail \(item-not-found\)/)).toBeInTheDocument();
    expect(within(c).getByRole("button", { name: "Connect" })).toBeEnabled();
  });

  it("explains a killed session that simply ended (no stream management)", () => {
    setup([session({ id: "res-1", resource: "r1", status: "offline", jid: null, sm: sm({ state: "ended", enabled: false, resumable: false, id: "" }) })]);
    const c = card("r1");
    expect(within(c).getByText("session ended")).toBeInTheDocument();
    expect(within(c).getByText(/without stream management \(XEP-0198\) the session simply ends/)).toBeInTheDocument();
    expect(within(c).getByRole("button", { name: "Resume r1" })).toBeDisabled();
  });

  it("shows the service's error when killing fails", async () => {
    const { user, playground } = setup([session({ id: "res-1", resource: "r1", status: "online", sm: sm({}) })]);
    playground.killResource.mockResolvedValueOnce({ ok: false, error: { code: "not-connected", message: "alice/r1 is not connected" } });
    await user.click(within(card("r1")).getByRole("button", { name: "Kill app r1" }));
    expect(await within(card("r1")).findByRole("alert")).toHaveTextContent("alice/r1 is not connected");
  });

  it("disables both while not connected and never killed", () => {
    setup([session({ id: "res-1", resource: "r1", status: "offline", jid: null })]);
    const c = card("r1");
    expect(within(c).getByRole("button", { name: "Kill app r1" })).toBeDisabled();
    expect(within(c).getByRole("button", { name: "Resume r1" })).toBeDisabled();
  });
});
