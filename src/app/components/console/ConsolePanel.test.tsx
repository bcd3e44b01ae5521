// @vitest-environment jsdom
import "@testing-library/jest-dom/vitest";
import "../../../test-setup/dom";
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { ConsoleFrame, FrameKind } from "../../model";
import { createFakePlayground, makeStores, renderWith, session } from "../../test-support/render";
import { useSpacerScrollHeight } from "../../test-support/list-layout";
import { ConsolePanel } from "./ConsolePanel";

let n = 0;
function frame(text: string, kind: FrameKind, direction: "in" | "out" = "in", lane = "res-1"): ConsoleFrame {
  n += 1;
  return { id: `f${n}`, at: 1_700_000_000_000 + n, lane, direction, kind, text };
}

function setup(frames: ConsoleFrame[] = []) {
  const stores = makeStores();
  stores.sessions.getState().upsert(session({ id: "res-1", resource: "r1" }));
  stores.sessions.getState().upsert(session({ id: "sender", role: "sender", resource: "sender", label: "bob", account: "bob@localhost" }));
  stores.console.getState().appendFrames(frames);
  const user = userEvent.setup();
  return { ...renderWith(<ConsolePanel />, createFakePlayground(stores)), user };
}

const rows = () => within(screen.getByRole("listbox", { name: "Frames" })).queryAllByRole("option");

describe("ConsolePanel", () => {
  it("says what to do before any frame", () => {
    setup();
    expect(screen.getByText("No frames yet")).toBeInTheDocument();
  });

  it("hides stream management by default and shows it on request", async () => {
    const { user, playground } = setup([frame("<presence/>", "presence"), frame(`<r xmlns="urn:xmpp:sm:3"/>`, "sm", "out"), frame(`<a xmlns="urn:xmpp:sm:3" h="1"/>`, "sm")]);
    expect(rows()).toHaveLength(1);
    expect(screen.getByText("· 2 stream-management hidden")).toBeInTheDocument();
    const toggle = screen.getByRole("checkbox", { name: "Show stream management" });
    expect(toggle).not.toBeChecked();
    await user.click(toggle);
    expect(rows()).toHaveLength(3);
    expect(playground.console.setHideSm).toHaveBeenCalledWith(false);
  });

  it("filters by direction, kind, session and search, through the service's console actions", async () => {
    const { user, playground, stores } = setup([
      frame("<presence/>", "presence", "out"),
      frame(`<message><body>needle</body></message>`, "message", "in"),
      frame(`<iq type="result" id="1"/>`, "iq", "in", "sender"),
    ]);
    await user.click(screen.getByRole("checkbox", { name: "Outgoing" }));
    expect(rows()).toHaveLength(2);
    expect(playground.console.setDirection).toHaveBeenLastCalledWith("out", false);
    await user.click(screen.getByRole("checkbox", { name: "Outgoing" }));
    expect(stores.console.getState().filters.directions).toEqual({ in: true, out: true });

    await user.click(screen.getByRole("button", { name: /Kinds/ }));
    await user.click(within(screen.getByRole("group", { name: "Filter frames by kind" })).getByRole("checkbox", { name: "iq" }));
    expect(rows()).toHaveLength(2);
    expect(playground.console.toggleKind).toHaveBeenCalledWith("iq");
    await user.click(screen.getByRole("button", { name: "Show all" }));
    expect(playground.console.setKindFilter).toHaveBeenCalledWith(null);
    await user.keyboard("{Escape}");

    await user.click(screen.getByRole("button", { name: /Sessions/ }));
    await user.click(within(screen.getByRole("group", { name: "Filter frames by session" })).getByRole("checkbox", { name: "alice/r1" }));
    expect(rows()).toHaveLength(1);
    expect(rows()[0]).toHaveTextContent("<iq");
    expect(playground.console.toggleLane).toHaveBeenCalledWith("res-1", expect.arrayContaining(["res-1", "sender"]));
    await user.click(screen.getByRole("button", { name: "Show all" }));
    expect(playground.console.setLaneFilter).toHaveBeenCalledWith(null);
    await user.keyboard("{Escape}");

    await user.type(screen.getByRole("searchbox", { name: "Search frames" }), "needle");
    expect(rows()).toHaveLength(1);
    expect(within(rows()[0]!).getByText("needle")).toContainHTML("mark");
    expect(playground.console.setSearch).toHaveBeenLastCalledWith("needle");
    await user.keyboard("{Escape}");
    expect(stores.console.getState().filters.search).toBe("");
    expect(rows()).toHaveLength(3);
  });

  it("shows the selected frame pretty-printed, and hostile text stays text (XSS)", async () => {
    const evil = `<message><body>&lt;img src=x onerror=alert(1)&gt;</body><img src=x onerror=alert(1)/><script>alert(1)</script></message>`;
    const { user, container } = setup([frame(evil, "message")]);
    await user.click(rows()[0]!);
    const detail = screen.getByRole("region", { name: "Selected frame" });
    expect(within(detail).getByLabelText("Frame XML").textContent).toContain("<img src=x onerror=alert(1)/>");
    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector("script")).toBeNull();
    await user.click(within(detail).getByRole("button", { name: "Close frame" }));
    expect(screen.queryByRole("region", { name: "Selected frame" })).toBeNull();
  });

  it("lints an enable frame in its detail (form without type='submit', bare sink JID), and no other frame", async () => {
    const enable = `<iq type="set" id="e1"><enable xmlns="urn:xmpp:push:0" jid="pushsvc@localhost" node="n1"><x xmlns="jabber:x:data"><field var="FORM_TYPE"><value>http://jabber.org/protocol/pubsub#publish-options</value></field></x></enable></iq>`;
    const { user } = setup([frame(enable, "iq", "out"), frame("<presence/>", "presence")]);
    await user.click(rows()[0]!);
    const check = within(screen.getByRole("group", { name: "Enable check of this frame" }));
    expect(check.getByText(/is the sink's bare JID/).closest("li")).toHaveAttribute("data-code", "jid-bare-sink");
    expect(check.getByText(/The publish-options form has no type/).closest("li")).toHaveAttribute("data-code", "form-type-missing");
    await user.click(rows()[1]!);
    expect(screen.queryByRole("group", { name: "Enable check of this frame" })).toBeNull();
  });

  it("pauses and resumes, and clears through the service", async () => {
    const { user, stores, playground } = setup([frame("<presence/>", "presence")]);
    await user.click(screen.getByRole("button", { name: "Pause" }));
    expect(playground.console.pause).toHaveBeenCalledTimes(1);
    act(() => stores.console.getState().appendFrames([frame("<presence><show>away</show></presence>", "presence")]));
    expect(rows()).toHaveLength(1);
    expect(screen.getByText(/Paused: 1 new frame waiting/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Resume" }));
    expect(playground.console.resume).toHaveBeenCalledTimes(1);
    expect(rows()).toHaveLength(2);
    await user.click(screen.getByRole("button", { name: "Clear" }));
    expect(playground.clearConsole).toHaveBeenCalledTimes(1);
    expect(screen.getByText("No frames yet")).toBeInTheDocument();
  });

  it("fills presets and sends raw XML with Ctrl+Enter from the chosen session", async () => {
    const { user, playground } = setup();
    const box = screen.getByLabelText("Raw XML to send");
    const presets = within(screen.getByRole("group", { name: "Presets" }));
    await user.click(presets.getByRole("button", { name: "Presence" }));
    expect(box).toHaveValue("<presence>\n  <priority>0</priority>\n</presence>");
    await user.click(presets.getByRole("button", { name: "Message" }));
    expect((box as HTMLTextAreaElement).value).toMatch(/^<message to="alice@localhost" type="chat" id="raw-/);
    await user.click(presets.getByRole("button", { name: "Disco#info iq" }));
    expect((box as HTMLTextAreaElement).value).toContain(`<query xmlns="http://jabber.org/protocol/disco#info"/>`);
    await user.click(presets.getByRole("button", { name: "Enable iq" }));
    expect((box as HTMLTextAreaElement).value).toMatch(/<enable xmlns="urn:xmpp:push:0" jid="pushsvc@localhost\/sink" node="node-\d+"\/>/);

    await user.selectOptions(screen.getByLabelText("Send from"), "sender");
    box.focus();
    await user.keyboard("{Control>}{Enter}{/Control}");
    expect(playground.sendRaw).toHaveBeenCalledWith("sender", expect.stringContaining("<enable"));
    expect(await screen.findByRole("status")).toHaveTextContent("Sent.");
  });

  it("recalls the send history with Ctrl+Up and Ctrl+Down", async () => {
    const { user, playground } = setup();
    const box = screen.getByLabelText("Raw XML to send");
    for (const text of ["<presence/>", "<iq type='get' id='a'/>"]) {
      await user.clear(box);
      await user.type(box, text.replace(/[<{[]/g, (c) => (c === "{" ? "{{" : c === "[" ? "[[" : c)));
      await user.click(screen.getByRole("button", { name: "Send XML" }));
    }
    expect(playground.sendRaw).toHaveBeenCalledTimes(2);
    expect(playground.rememberSent.mock.calls.map(([text]) => text)).toEqual(["<presence/>", "<iq type='get' id='a'/>"]);
    await user.clear(box);
    await user.type(box, "draft");
    await user.keyboard("{Control>}{ArrowUp}{/Control}");
    expect(box).toHaveValue("<iq type='get' id='a'/>");
    await user.keyboard("{Control>}{ArrowUp}{/Control}");
    expect(box).toHaveValue("<presence/>");
    await user.keyboard("{Control>}{ArrowDown}{/Control}");
    expect(box).toHaveValue("<iq type='get' id='a'/>");
    await user.keyboard("{Control>}{ArrowDown}{/Control}");
    expect(box).toHaveValue("draft");
  });

  it("shows why a raw send failed", async () => {
    const { user, playground } = setup();
    playground.sendRaw.mockResolvedValueOnce({ ok: false, error: { code: "bad-xml", message: "not well-formed: unclosed tag" } });
    await user.type(screen.getByLabelText("Raw XML to send"), "<presence");
    await user.click(screen.getByRole("button", { name: "Send XML" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("not well-formed: unclosed tag");
  });
});

describe("ConsolePanel follows the latest frame", () => {
  // jsdom does no layout: the list's scroll height is its spacer's height, so "at the end" means
  // something (the shared setup gives every element a 600 px viewport).
  useSpacerScrollHeight();

  const many = (count: number) => Array.from({ length: count }, (_, i) => frame(`<presence id="p${i}"/>`, "presence"));
  const list = () => screen.getByRole("listbox", { name: "Frames" });
  const jump = () => screen.getByRole("button", { name: "Jump to latest" });
  const lastRendered = () => Math.max(...rows().map((r) => Number(r.getAttribute("aria-posinset"))));
  const scrollListTo = (top: number) =>
    act(() => {
      list().scrollTop = top;
      list().dispatchEvent(new Event("scroll"));
    });

  it("opens at the newest frame, with nothing to jump to", async () => {
    setup(many(200));
    await waitFor(() => expect(lastRendered()).toBe(200));
    expect(list().scrollTop).toBeGreaterThan(0);
    expect(jump()).toBeDisabled();
  });

  it("offers Jump to latest when frames arrive while scrolled up, and jumps", async () => {
    const { user, stores } = setup(many(200));
    await waitFor(() => expect(lastRendered()).toBe(200));
    scrollListTo(0);
    await waitFor(() => expect(jump()).toBeEnabled());
    act(() => stores.console.getState().appendFrames(many(20)));
    // New frames do not yank the view down, and the button stays on offer.
    expect(jump()).toBeEnabled();
    expect(lastRendered()).toBeLessThan(200);
    await user.click(jump());
    await waitFor(() => expect(lastRendered()).toBe(220));
  });

  it("updates Jump to latest when the list changes without a scroll (a filter that leaves little to show)", async () => {
    const { user } = setup([...many(200), frame(`<message><body>needle</body></message>`, "message")]);
    await waitFor(() => expect(lastRendered()).toBe(201));
    scrollListTo(0);
    await waitFor(() => expect(jump()).toBeEnabled());
    await user.type(screen.getByRole("searchbox", { name: "Search frames" }), "needle");
    expect(rows()).toHaveLength(1);
    await waitFor(() => expect(jump()).toBeDisabled());
  });
});
