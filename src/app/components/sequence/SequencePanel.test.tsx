// @vitest-environment jsdom
import "@testing-library/jest-dom/vitest";
import "../../../test-setup/dom";
import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { SaxesParser } from "saxes";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { TimelineEvent } from "../../model";
import { buildSequence, ROW_HEIGHT } from "../../sequence";
import { HOSTILE_LANES, hostileSession, XSS_BODY, XSS_RESOURCE } from "../../sequence/hostile-events";
import { EventLog, LANES, longSession, walkThrough } from "../../sequence/test-events";
import type { Stores } from "../../stores";
import { addEvents, createFakePlayground, makeStores, renderWith, session } from "../../test-support/render";
import { SequencePanel } from "./SequencePanel";

const downloads = vi.hoisted(() => ({ calls: [] as { name: string; text: string; type: string | undefined }[] }));
vi.mock("../shared/download", () => ({
  downloadText: (name: string, text: string, type?: string) => downloads.calls.push({ name, text, type }),
}));

/** Sessions named as in the sequence fixtures (`LANES`), so the lanes carry their labels. */
function addSessions(stores: Stores, lanes: typeof LANES = LANES): void {
  for (const [id, info] of Object.entries(lanes)) {
    const role = info.role === "sender" || info.role === "sink" ? info.role : "resource";
    stores.sessions.getState().upsert(session({ id, role, label: info.label, resource: id }));
  }
}

function setup(events: TimelineEvent[] = [], lanes: typeof LANES = LANES) {
  const stores = makeStores();
  addSessions(stores, lanes);
  addEvents(stores, events);
  const user = userEvent.setup();
  const view = renderWith(<SequencePanel />, createFakePlayground(stores));
  return { ...view, user, stores };
}

const list = () => screen.getByRole("listbox", { name: /^Sequence diagram/ });
const rows = () => within(list()).queryAllByRole("option");
const scroller = () => list().parentElement as HTMLElement;
const rowOf = (key: string) => document.getElementById(`seq-row-${key}`);

function wellFormed(xml: string): string[] {
  const texts: string[] = [];
  const parser = new SaxesParser();
  parser.on("error", (e) => {
    throw e;
  });
  parser.on("text", (t) => texts.push(t));
  parser.write(xml).close();
  return texts;
}

beforeEach(() => {
  downloads.calls = [];
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("SequencePanel", () => {
  it("says what to do when there is nothing to draw, and that there is nothing to export", async () => {
    const { user } = setup();
    expect(screen.getByText("No stanzas to draw yet")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "SVG" }));
    expect(screen.getByRole("status", { name: "Export result" })).toHaveTextContent(/^Nothing to export yet/);
    await user.click(screen.getByRole("button", { name: "Copy Mermaid" }));
    expect(screen.getByRole("status", { name: "Export result" })).toHaveTextContent(/^Nothing to export yet/);
    expect(downloads.calls).toEqual([]);
  });

  it("draws a lane per participant with accessible names, and arrows, notes and verdicts per row", () => {
    const { events } = walkThrough();
    setup(events);
    const lanes = within(screen.getByRole("list", { name: "Participants" })).getAllByRole("listitem");
    expect(lanes.map((l) => l.getAttribute("aria-label"))).toEqual([
      "bob (sender)",
      "localhost (XMPP server)",
      "alice/phone (account resource)",
      "alice/laptop (account resource)",
      "pushsvc/sink (App Server)",
    ]);
    const model = buildSequence(events, { lanes: LANES });
    // Every rendered option is named by describeRow and sits at its row's place.
    const shown = rows();
    expect(shown.length).toBeGreaterThan(10);
    for (const option of shown) {
      const index = model.rows.findIndex((r) => `seq-row-${r.key}` === option.id);
      expect(index).toBeGreaterThanOrEqual(0);
      expect(option.style.top).toBe(`${index * ROW_HEIGHT}px`);
    }
    const notPushed = model.rows.find((r) => r.kind === "arrow" && r.verdict?.pushed === false)!;
    const row = rowOf(notPushed.key)!;
    expect(row).toHaveAttribute("aria-label", expect.stringContaining("not pushed: alice/laptop is online (available)"));
    expect(within(row).getByText("not pushed")).toBeInTheDocument();
    expect(within(row).getByText(/alice\/laptop is online/)).toBeInTheDocument();
    const decision = model.rows.find((r) => r.kind === "note" && r.tone === "no-push")!;
    expect(rowOf(decision.key)).toHaveTextContent("no push: alice/laptop is online (available): it gets the message [spec/online-session]");
    expect(rowOf(decision.key)).toHaveClass("tone-no-push");
  });

  it("highlights the push and names its lanes in the arrow's accessible name", () => {
    const { events, ids } = walkThrough();
    const { stores } = setup(events);
    act(() => stores.timeline.getState().select(ids.push));
    const option = within(list()).getByRole("option", { selected: true });
    expect(option).toHaveClass("tone-push");
    expect(option).toHaveAttribute("data-kind", "publish");
    expect(option).toHaveAttribute("aria-label", `localhost → pushsvc/sink: push: publish node n-3f9a, count 1, “Dinner at eight?”`);
    const pushed = buildSequence(events, { lanes: LANES }).rows.find((r) => r.kind === "arrow" && r.verdict?.pushed)!;
    expect(within(rowOf(pushed.key)!).getByText("pushed")).toBeInTheDocument();
  });

  it("selects through the service when an arrow is clicked, and shows a timeline selection", async () => {
    const events = longSession(2_000);
    const { user, playground, stores } = setup(events);
    const last = rows().at(-1)!;
    await user.click(last);
    const model = buildSequence(events, { lanes: LANES });
    const lastRow = model.rows.at(-1)!;
    expect(playground.timeline.select).toHaveBeenLastCalledWith(lastRow.eventId);
    expect(last).toHaveAttribute("aria-selected", "true");

    // A selection made in the timeline, far above the rows on screen, is scrolled into view here.
    const early = model.rows[40]!;
    expect(rowOf(early.key)).toBeNull();
    act(() => stores.timeline.getState().select(early.eventId));
    expect(rowOf(early.key)).toHaveAttribute("aria-selected", "true");
    expect(scroller().scrollTop).toBeGreaterThan(0);
    expect(screen.getByRole("button", { name: "Jump to latest" })).toBeEnabled();
  });

  it("renders only the rows on screen of a 10,000-event session and follows the latest as events arrive", async () => {
    const events = longSession(10_000);
    const stores = makeStores();
    addSessions(stores);
    addEvents(stores, events.slice(0, 9_000));
    const user = userEvent.setup();
    renderWith(<SequencePanel />, createFakePlayground(stores));
    const latest = () => buildSequence(stores.timeline.getState().events, { lanes: LANES }).rows.at(-1)!;
    expect(rows().length).toBeLessThan(60);
    expect(rowOf(latest().key)).not.toBeNull();
    expect(screen.getByRole("button", { name: "Jump to latest" })).toBeDisabled();

    act(() => addEvents(stores, events.slice(9_000, 9_500)));
    expect(rowOf(latest().key)).not.toBeNull();
    expect(rows().length).toBeLessThan(60);

    // Scrolled away: new rows do not pull the view down, and "Jump to latest" brings it back.
    const el = scroller();
    el.scrollTop = 1_000;
    fireEvent.scroll(el);
    act(() => addEvents(stores, events.slice(9_500)));
    expect(rowOf(latest().key)).toBeNull();
    expect(within(list()).getAllByRole("option")[0]!.style.top).toBe(`${Math.floor(1_000 / ROW_HEIGHT - 6) * ROW_HEIGHT}px`);
    const jump = screen.getByRole("button", { name: "Jump to latest" });
    expect(jump).toBeEnabled();
    await user.click(jump);
    expect(rowOf(latest().key)).not.toBeNull();
    expect(jump).toBeDisabled();
    // Still following: the next batch is shown too.
    const log = new EventLog(events.at(-1)!.at + 1_000);
    log.send("m-late", "late");
    act(() => addEvents(stores, log.events.map((e) => ({ ...e, id: "late-1" }))));
    await waitFor(() => expect(rowOf(latest().key)).not.toBeNull());
    expect(latest().eventId).toBe("late-1");
  });

  it("moves between arrows with the arrow keys and j/k, and Enter opens the detail", async () => {
    const { events, ids } = walkThrough();
    const { user, playground, stores } = setup(events);
    const model = buildSequence(events, { lanes: LANES });
    const start = model.rowOfEvent.get(ids.pushed)!;
    act(() => stores.timeline.getState().select(ids.pushed));
    list().focus();
    const arrowsAfter = model.rows.map((r, i) => ({ r, i })).filter(({ r, i }) => i > start && r.kind === "arrow");
    expect(list()).toHaveAttribute("aria-activedescendant", `seq-row-${model.rows[start]!.key}`);
    // The message's decision note comes next; only arrows are stops, so it is skipped.
    expect(model.rows[start + 1]!.kind).toBe("note");
    expect(arrowsAfter[0]!.i).toBe(start + 2);
    await user.keyboard("{ArrowDown}");
    expect(list()).toHaveAttribute("aria-activedescendant", `seq-row-${arrowsAfter[0]!.r.key}`);
    await user.keyboard("j");
    expect(list()).toHaveAttribute("aria-activedescendant", `seq-row-${arrowsAfter[1]!.r.key}`);
    await user.keyboard("k");
    expect(list()).toHaveAttribute("aria-activedescendant", `seq-row-${arrowsAfter[0]!.r.key}`);
    expect(playground.timeline.select).toHaveBeenCalledTimes(0);
    await user.keyboard("{Enter}");
    expect(playground.timeline.select).toHaveBeenLastCalledWith(arrowsAfter[0]!.r.eventId);
    expect(stores.timeline.getState().selectedId).toBe(arrowsAfter[0]!.r.eventId);
    await user.keyboard("{Escape}");
    expect(playground.timeline.select).toHaveBeenLastCalledWith(null);
  });

  it("opens a folded burst and folds it again", async () => {
    const { events } = walkThrough();
    const { user } = setup(events);
    // The connection steps at the start are folded: scroll up to them.
    scroller().scrollTop = 0;
    fireEvent.scroll(scroller());
    const folded = within(list()).getAllByRole("option").filter((o) => o.dataset.kind === "collapsed");
    expect(folded.length).toBeGreaterThan(0);
    const before = buildSequence(events, { lanes: LANES }).rows.length;
    const toggle = within(folded[0]!).getByRole("button", { name: /^Show the \d+ folded events$/ });
    const count = Number(/\d+/.exec(toggle.getAttribute("aria-label")!)![0]);
    await user.click(toggle);
    expect(screen.getByRole("list", { name: "Participants" })).toBeInTheDocument();
    expect(list()).toHaveAccessibleName(new RegExp(`^Sequence diagram: ${before + count - 1} rows`));
    await user.click(screen.getByRole("button", { name: "Fold all" }));
    expect(list()).toHaveAccessibleName(new RegExp(`^Sequence diagram: ${before} rows`));
  });

  it("exports hostile names as escaped SVG and Mermaid files, and never as markup in the page", async () => {
    const { user, container } = setup(hostileSession(), HOSTILE_LANES);
    // The page shows the hostile strings as text only.
    expect(container.querySelector("img, script, svg")).toBeNull();
    expect(screen.getAllByText(XSS_RESOURCE).length).toBeGreaterThan(0);

    await user.click(screen.getByRole("button", { name: "SVG" }));
    const svg = downloads.calls.at(-1)!;
    expect(svg.name).toMatch(/^xmpp-push-sequence-session-.+\.svg$/);
    expect(svg.type).toBe("image/svg+xml");
    expect(svg.text).not.toContain("<img");
    expect(svg.text).not.toContain("<script");
    const texts = wellFormed(svg.text).join("\n");
    expect(texts).toContain(XSS_RESOURCE);
    expect(texts).toContain(`bob"; participant evil`);
    expect(screen.getByRole("status", { name: "Export result" })).toHaveTextContent(`Downloaded ${svg.name}`);

    await user.click(screen.getByRole("button", { name: "Mermaid" }));
    const mermaid = downloads.calls.at(-1)!;
    expect(mermaid.name).toMatch(/\.mmd$/);
    expect(mermaid.text.startsWith("sequenceDiagram\n")).toBe(true);
    expect(mermaid.text).not.toContain("<script");
    expect(mermaid.text).not.toContain(XSS_BODY);
    expect(mermaid.text.split("\n").filter((l) => /^ {4}participant /.test(l))).toHaveLength(5);
  });

  it("exports only the rows on screen when asked", async () => {
    const events = longSession(2_000);
    const { user } = setup(events);
    await user.selectOptions(screen.getByRole("combobox", { name: "Export scope" }), "visible");
    await user.click(screen.getByRole("button", { name: "SVG" }));
    const file = downloads.calls.at(-1)!;
    expect(file.name).toMatch(/^xmpp-push-sequence-visible-/);
    const onScreen = Math.ceil((600 - 44) / ROW_HEIGHT);
    expect(screen.getByRole("status", { name: "Export result" })).toHaveTextContent(new RegExp(`\\((${onScreen - 1}|${onScreen}) rows\\)`));
    wellFormed(file.text);
  });

  it("copies Mermaid to the clipboard, or shows it to copy by hand when the browser refuses", async () => {
    const { events } = walkThrough();
    const { user } = setup(events);
    const writeText = vi.fn(async () => {});
    vi.stubGlobal("navigator", { ...navigator, clipboard: { writeText } });
    await user.click(screen.getByRole("button", { name: "Copy Mermaid" }));
    expect(writeText).toHaveBeenCalledTimes(1);
    expect(String((writeText.mock.calls[0] as unknown[])[0])).toMatch(/^sequenceDiagram\n/);
    expect(screen.getByRole("status", { name: "Export result" })).toHaveTextContent(/^Copied Mermaid/);

    writeText.mockRejectedValueOnce(new Error("denied"));
    await user.click(screen.getByRole("button", { name: "Copy Mermaid" }));
    expect(screen.getByRole("status", { name: "Export result" })).toHaveTextContent(/did not allow copying/);
    const manual = screen.getByRole("textbox", { name: "Mermaid text to copy" });
    expect((manual as HTMLTextAreaElement).value).toMatch(/^sequenceDiagram\n/);
  });
});
