// @vitest-environment jsdom
import "@testing-library/jest-dom/vitest";
import "../../../test-setup/dom";
import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { preloadViews } from "../../lazy-views";
import type { TimelineEvent } from "../../model";
import { useSpacerScrollHeight } from "../../test-support/list-layout";
import { addEvents, makeStores, messageSent, nextAt, pushEvent, renderWith, createFakePlayground, session } from "../../test-support/render";
import { EventDetail } from "./EventDetail";
import { TimelinePanel } from "./TimelinePanel";

function setup(events: TimelineEvent[] = []) {
  const stores = makeStores();
  stores.sessions.getState().upsert(session({ id: "res-1", resource: "r1", colour: "#0072B2" }));
  stores.sessions.getState().upsert(session({ id: "sender", role: "sender", label: "bob", resource: "sender", colour: "#4B5563" }));
  addEvents(stores, events);
  const user = userEvent.setup();
  const view = renderWith(
    <>
      <TimelinePanel />
      <EventDetail />
    </>,
    createFakePlayground(stores),
  );
  return { ...view, user, stores };
}

const options = () => within(screen.getByRole("listbox", { name: "Timeline events" })).queryAllByRole("option");

function presence(lane: string, summary: string): TimelineEvent {
  return { id: `p-${summary}`, at: nextAt(), lane, kind: "presence", summary, direction: "out", available: true, show: "away", priority: 0 };
}

describe("TimelinePanel", () => {
  // The views behind a tab (and the timeline list) are chunks of their own in the app; loaded once here, they render at once.
  beforeAll(() => preloadViews());

  it("tells what to do when nothing was captured", () => {
    setup();
    expect(screen.getByText("Nothing captured yet")).toBeInTheDocument();
    expect(screen.getByText(/Connect the sink, then enable push from a resource/)).toBeInTheDocument();
  });

  it("renders only a window of 100,000 events, and knows the whole size", () => {
    const events: TimelineEvent[] = [];
    for (let i = 0; i < 100_000; i++) {
      events.push({ id: `c${i}`, at: 1_700_000_000_000 + i, lane: "res-1", kind: "presence", summary: `presence ${i}`, direction: "out", available: true, show: null, priority: 0 });
    }
    setup(events);
    const rows = options();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(100);
    expect(rows[0]).toHaveAttribute("aria-setsize", "100000");
    expect(screen.getByText("100000 events")).toBeInTheDocument();
  });

  it("searches 100,000 events between the page's tasks and ends with the complete result", async () => {
    const events: TimelineEvent[] = [];
    for (let i = 0; i < 100_000; i++) {
      events.push({ id: `c${i}`, at: 1_700_000_000_000 + i, lane: "res-1", kind: "presence", summary: `Presence ${i}`, direction: "out", available: true, show: null, priority: 0 });
    }
    setup(events);
    fireEvent.change(screen.getByRole("searchbox", { name: "Search timeline" }), { target: { value: "presence 9" } });
    // 9, 90–99, 900–999, 9000–9999, 90000–99999: the last ones are read by the pass's later slices.
    await waitFor(() => expect(screen.getByText("11111 of 100000 events shown")).toBeInTheDocument(), { timeout: 10_000 });
    expect(screen.queryByText(/searching/)).not.toBeInTheDocument();
    fireEvent.change(screen.getByRole("searchbox", { name: "Search timeline" }), { target: { value: "PRESENCE 99999" } });
    await waitFor(() => expect(screen.getByText("1 of 100000 events shown")).toBeInTheDocument(), { timeout: 10_000 });
  });

  it("shows untrusted summaries and XML as text, never as elements (XSS)", async () => {
    const evil = `<img src=x onerror=alert(1)><script>alert(2)</script>`;
    const { container, user } = setup([
      messageSent({ summary: `bob → alice: ${evil}`, body: evil, xml: `<message><body>${evil.replace(/</g, "&lt;")}</body></message>` }),
    ]);
    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector("script")).toBeNull();
    expect(options()[0]).toHaveTextContent(evil);
    await user.click(options()[0]!);
    expect(screen.getByRole("region", { name: "Event detail" })).toHaveTextContent(evil);
    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector("script")).toBeNull();
  });

  it("filters by session and by kind, and resets, through the service's timeline actions", async () => {
    const { user, playground } = setup([presence("res-1", "r1 away"), messageSent({ summary: "bob says hi" })]);
    expect(options()).toHaveLength(2);

    await user.click(screen.getByRole("button", { name: /Sessions/ }));
    await user.click(within(screen.getByRole("group", { name: "Filter by session" })).getByRole("checkbox", { name: "bob" }));
    expect(options()).toHaveLength(1);
    expect(options()[0]).toHaveTextContent("r1 away");
    expect(screen.getByText("1 of 2 events shown")).toBeInTheDocument();
    expect(playground.timeline.toggleLane).toHaveBeenCalledWith("sender", expect.arrayContaining(["res-1", "sender"]));
    await user.click(screen.getByRole("button", { name: "Show all" }));
    expect(playground.timeline.setLaneFilter).toHaveBeenCalledWith(null);
    expect(options()).toHaveLength(2);
    await user.keyboard("{Escape}");

    await user.click(screen.getByRole("button", { name: /Kinds/ }));
    await user.click(within(screen.getByRole("group", { name: "Filter by kind" })).getByRole("checkbox", { name: "presence" }));
    expect(options()).toHaveLength(1);
    expect(options()[0]).toHaveTextContent("bob says hi");
    expect(playground.timeline.toggleKind).toHaveBeenCalledWith("presence");
    await user.click(screen.getByRole("button", { name: "Show all" }));
    expect(playground.timeline.setKindFilter).toHaveBeenCalledWith(null);
    expect(options()).toHaveLength(2);
  });

  it("searches summaries and XML, also for events that arrive later", async () => {
    const { user, stores, playground } = setup([presence("res-1", "r1 away"), messageSent({ summary: "bob says hi", xml: "<message><body>needle</body></message>" })]);
    await user.type(screen.getByRole("searchbox", { name: "Search timeline" }), "needle");
    expect(playground.timeline.setSearch).toHaveBeenLastCalledWith("needle");
    expect(options()).toHaveLength(1);
    expect(options()[0]).toHaveTextContent("bob says hi");
    act(() => addEvents(stores, [presence("res-1", "another needle here")]));
    expect(options()).toHaveLength(2);
    expect(within(options()[1]!).getByText("needle")).toContainHTML("mark");
    await user.keyboard("{Escape}");
    expect(stores.timeline.getState().filters.search).toBe("");
    expect(options()).toHaveLength(3);
  });

  it("offers to clear filters when nothing matches", async () => {
    const { user, playground, stores } = setup([presence("res-1", "r1 away")]);
    await user.type(screen.getByRole("searchbox", { name: "Search timeline" }), "zzz");
    act(() => stores.timeline.getState().setKindFilter(["push"]));
    expect(screen.getByText("No event matches the filters")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Clear filters" }));
    expect(playground.timeline.clearFilters).toHaveBeenCalledTimes(1);
    expect(stores.timeline.getState().filters).toMatchObject({ search: "", kinds: null, lanes: null });
    expect(options()).toHaveLength(1);
  });

  it("pauses the view while capture continues, then shows the buffered events on resume", async () => {
    const { user, stores, playground } = setup([presence("res-1", "first")]);
    await user.click(screen.getByRole("button", { name: "Pause" }));
    expect(playground.timeline.pause).toHaveBeenCalledTimes(1);
    act(() => addEvents(stores, [presence("res-1", "second"), presence("res-1", "third")]));
    expect(options()).toHaveLength(1);
    expect(screen.getByText(/Paused: 2 new events waiting/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Resume" }));
    expect(playground.timeline.resume).toHaveBeenCalledTimes(1);
    expect(options()).toHaveLength(3);
  });

  it("clears the live view through the service", async () => {
    const { user, playground } = setup([presence("res-1", "first")]);
    await user.click(screen.getByRole("button", { name: "Clear" }));
    expect(playground.timeline.clear).toHaveBeenCalledTimes(1);
    expect(screen.getByText("Nothing captured yet")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Export JSON" })).toBeDisabled();
  });

  describe("export", () => {
    let blobs: Blob[];
    beforeEach(() => {
      blobs = [];
      URL.createObjectURL = vi.fn((b: Blob) => {
        blobs.push(b);
        return "blob:fake";
      });
      URL.revokeObjectURL = vi.fn();
    });
    afterEach(() => vi.restoreAllMocks());

    it("downloads the live session as a versioned JSON document without passwords", async () => {
      const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => {});
      const { user, playground } = setup([presence("res-1", "first"), messageSent({ summary: "second" })]);
      await user.click(screen.getByRole("button", { name: "Export JSON" }));
      await waitFor(() => expect(click).toHaveBeenCalledTimes(1));
      expect(playground.timeline.exportJson).toHaveBeenCalledTimes(1);
      expect(blobs).toHaveLength(1);
      const doc = JSON.parse(await blobs[0]!.text()) as { format: string; events: TimelineEvent[]; profile: { account: { password: string } } };
      expect(doc.format).toBe("xmpp-push-playground/timeline");
      expect(doc.events.map((e) => e.summary)).toEqual(["first", "second"]);
      expect(doc.profile.account.password).toBe("");
      expect(screen.getByRole("button", { name: "Export JSON" })).toBeEnabled();
    });

    it("shows it is working while the file is written, one export at a time", async () => {
      const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => {});
      const { user, playground } = setup([presence("res-1", "first")]);
      const real = playground.timeline.exportJson.getMockImplementation()!;
      let finish: () => void = () => {};
      playground.timeline.exportJson.mockImplementationOnce(() => new Promise((resolve) => (finish = () => void real().then(resolve))));
      await user.click(screen.getByRole("button", { name: "Export JSON" }));
      const busy = screen.getByRole("button", { name: "Exporting…" });
      expect(busy).toBeDisabled();
      await user.click(busy);
      expect(playground.timeline.exportJson).toHaveBeenCalledTimes(1);
      expect(click).not.toHaveBeenCalled();
      act(() => finish());
      await waitFor(() => expect(click).toHaveBeenCalledTimes(1));
      expect(screen.getByRole("button", { name: "Export JSON" })).toBeEnabled();
    });

    it("says why an export failed, and the next attempt clears it", async () => {
      const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => {});
      const { user, playground } = setup([presence("res-1", "first")]);
      playground.timeline.exportJson.mockResolvedValueOnce({ ok: false, error: "The export of 1 events failed: out of memory." });
      await user.click(screen.getByRole("button", { name: "Export JSON" }));
      expect(await screen.findByRole("alert")).toHaveTextContent("Export failed: The export of 1 events failed: out of memory.");
      expect(screen.getByRole("button", { name: "Export JSON" })).toHaveAccessibleDescription(/out of memory/);
      expect(click).not.toHaveBeenCalled();
      await user.click(screen.getByRole("button", { name: "Export JSON" }));
      await waitFor(() => expect(click).toHaveBeenCalledTimes(1));
      expect(screen.queryByRole("alert")).toBeNull();
    });
  });

  it("imports a file into a read-only view, and goes back to live", async () => {
    const { user, stores, playground } = setup([presence("res-1", "live event")]);
    const exported = makeStores();
    addEvents(exported, [presence("res-9", "imported event"), messageSent({ summary: "imported message" })]);
    const written = await exported.timeline.getState().exportJson();
    if (!written.ok) throw new Error(written.error);
    const file = new File([written.blob], "session.json", { type: "application/json" });
    await user.upload(screen.getByLabelText("Timeline file to import"), file);
    await waitFor(() => expect(screen.getByText(/Viewing imported timeline “session.json”/)).toBeInTheDocument());
    expect(playground.timeline.importFile).toHaveBeenCalledWith(file);
    expect(options().map((o) => o.textContent)).toEqual([expect.stringContaining("imported event"), expect.stringContaining("imported message")]);
    expect(stores.timeline.getState().events).toHaveLength(1);
    await user.click(screen.getByRole("button", { name: "Back to live" }));
    expect(playground.timeline.closeImport).toHaveBeenCalledTimes(1);
    expect(options()).toHaveLength(1);
    expect(options()[0]).toHaveTextContent("live event");
  });

  it("reports an invalid import file", async () => {
    const { user } = setup();
    const file = new File(['{"format":"something else"}'], "bad.json", { type: "application/json" });
    await user.upload(screen.getByLabelText("Timeline file to import"), file);
    await waitFor(() => expect(screen.getByRole("alert")).toHaveTextContent(/Import failed: Not a timeline export/));
  });

  it("selects with the keyboard and jumps from a push to the message that caused it", async () => {
    const msg = messageSent({ summary: "the cause" });
    const between = presence("res-1", "in between");
    const push = pushEvent({ summary: "the push", causeEventId: msg.id, causeMessageId: "m-x", linkMethod: "server log" });
    const patchedMsg = { ...msg, pushEventIds: [push.id] } as TimelineEvent;
    const { user, stores } = setup([patchedMsg, between, push]);
    const list = screen.getByRole("listbox", { name: "Timeline events" });
    list.focus();
    await user.keyboard("{End}");
    expect(stores.timeline.getState().selectedId).toBe(push.id);
    expect(list).toHaveAttribute("aria-activedescendant", expect.stringContaining(push.id));
    expect(options()[0]).toHaveClass("tl-linked");
    await user.keyboard("{Enter}");
    expect(stores.timeline.getState().selectedId).toBe(msg.id);
    await user.keyboard("{ArrowDown}");
    expect(stores.timeline.getState().selectedId).toBe("p-in between");
  });

  it("jumps from the detail pane and by double click", async () => {
    const msg = messageSent({ summary: "the cause" });
    const push = pushEvent({ summary: "the push", causeEventId: msg.id });
    const { user, stores, playground } = setup([{ ...msg, pushEventIds: [push.id] } as TimelineEvent, push]);
    await user.click(options()[1]!);
    const detail = screen.getByRole("region", { name: "Event detail" });
    expect(detail).toHaveTextContent("last-message-body");
    await user.click(within(detail).getByRole("button", { name: /Caused by: the cause/ }));
    expect(playground.timeline.select).toHaveBeenLastCalledWith(msg.id);
    expect(stores.timeline.getState().selectedId).toBe(msg.id);
    await user.click(within(screen.getByRole("region", { name: "Event detail" })).getByRole("button", { name: /Push 1: the push/ }));
    expect(stores.timeline.getState().selectedId).toBe(push.id);
    fireEvent.doubleClick(options()[1]!);
    expect(stores.timeline.getState().selectedId).toBe(msg.id);
  });

  it("shows a push no message caused with its predicted cause, the presence, marked as a prediction", async () => {
    const cause = presence("res-1", "r1 sent presence: away");
    const detailText = "predicted: pushed because the presence of laptop was queued to hibernated phone (Prosody pushes a queued presence after ~1 s)";
    const push = pushEvent({ summary: "the push", causeEventId: cause.id, linkMethod: "prediction", linkDetail: detailText });
    const { user, stores } = setup([cause, push]);
    expect(options()[1]).toHaveTextContent("cause (predicted)");
    await user.click(options()[1]!);
    const detail = screen.getByRole("region", { name: "Event detail" });
    expect(detail).toHaveTextContent(`cause (predicted, no decision log)${detailText}`);
    expect(detail).not.toHaveTextContent("linked by");
    await user.click(within(detail).getByRole("button", { name: /Caused by \(predicted\): r1 sent presence: away/ }));
    expect(stores.timeline.getState().selectedId).toBe(cause.id);
  });

  it("marks pushes so they stand out", () => {
    setup([pushEvent({ summary: "a push" })]);
    expect(options()[0]).toHaveClass("tl-push");
    expect(options()[0]).toHaveTextContent("no cause");
  });
});

describe("TimelinePanel follows the latest event", () => {
  useSpacerScrollHeight();

  const many = (count: number, tag = "presence") => Array.from({ length: count }, (_, i) => presence("res-1", `${tag} ${i}`));
  const list = () => screen.getByRole("listbox", { name: "Timeline events" });
  const jump = () => screen.getByRole("button", { name: "Jump to latest" });
  const lastRendered = () => Math.max(...options().map((r) => Number(r.getAttribute("aria-posinset"))));
  const scrollListTo = (top: number) =>
    act(() => {
      list().scrollTop = top;
      list().dispatchEvent(new Event("scroll"));
    });

  it("opens at the newest event, with nothing to jump to", async () => {
    setup(many(200));
    await waitFor(() => expect(lastRendered()).toBe(200));
    expect(list().scrollTop).toBeGreaterThan(0);
    expect(jump()).toBeDisabled();
  });

  it("follows the newest event when the first events arrive after it opened", async () => {
    const { stores } = setup();
    act(() => addEvents(stores, many(200)));
    await waitFor(() => expect(lastRendered()).toBe(200));
    expect(jump()).toBeDisabled();
  });

  it("offers Jump to latest when events arrive while scrolled up, and jumps", async () => {
    const { user, stores } = setup(many(200));
    await waitFor(() => expect(lastRendered()).toBe(200));
    scrollListTo(0);
    await waitFor(() => expect(jump()).toBeEnabled());
    act(() => addEvents(stores, many(20, "later")));
    // New events do not yank the view down, and the button stays on offer.
    expect(jump()).toBeEnabled();
    expect(lastRendered()).toBeLessThan(200);
    await user.click(jump());
    await waitFor(() => expect(lastRendered()).toBe(220));
  });

  it("keeps following when rows arrive before the list has caught up with the previous ones", async () => {
    const { stores } = setup(many(200));
    await waitFor(() => expect(lastRendered()).toBe(200));
    // A batch grew the list but its scroll event is still in flight: the list is short of its end.
    act(() => addEvents(stores, many(40, "burst")));
    list().scrollTop -= 30 * 28;
    act(() => addEvents(stores, many(20, "later")));
    await waitFor(() => expect(lastRendered()).toBe(260));
    expect(list().scrollTop + list().clientHeight).toBeGreaterThanOrEqual(260 * 28 - 28);
    // A scroll downwards that is not yet at the end (catching up) does not stop following either.
    scrollListTo(list().scrollTop);
    act(() => addEvents(stores, many(5, "more")));
    await waitFor(() => expect(lastRendered()).toBe(265));
    expect(jump()).toBeDisabled();
  });

  it("stops following when the user scrolls up, and Jump to latest follows again", async () => {
    const { user, stores } = setup(many(200));
    await waitFor(() => expect(lastRendered()).toBe(200));
    scrollListTo(list().scrollTop - 60 * 28);
    act(() => addEvents(stores, many(20, "later")));
    await waitFor(() => expect(jump()).toBeEnabled());
    expect(lastRendered()).toBeLessThan(220);
    await user.click(jump());
    act(() => addEvents(stores, many(5, "after")));
    await waitFor(() => expect(lastRendered()).toBe(225));
    await waitFor(() => expect(jump()).toBeDisabled());
  });

  it("updates Jump to latest when the list changes without a scroll (a filter that leaves little to show)", async () => {
    const { user } = setup([...many(200), messageSent({ summary: "needle" })]);
    await waitFor(() => expect(lastRendered()).toBe(201));
    scrollListTo(0);
    await waitFor(() => expect(jump()).toBeEnabled());
    await user.type(screen.getByRole("searchbox", { name: "Search timeline" }), "needle");
    expect(options()).toHaveLength(1);
    await waitFor(() => expect(jump()).toBeDisabled());
  });
});
