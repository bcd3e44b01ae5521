// @vitest-environment jsdom
import "@testing-library/jest-dom/vitest";
import "../../test-setup/dom";
import { act, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeAll, describe, expect, it } from "vitest";
import { preloadViews } from "../lazy-views";
import { App } from "../App";
import type { ScenarioRunner } from "../scenarios/runner";
import { ScenarioRunnerContext } from "../scenarios/runner-context";
import { addEvents, createFakePlayground, makeStores, renderWith, session } from "../test-support/render";

function setup() {
  const stores = makeStores();
  stores.sessions.getState().upsert(session({ id: "res-1", resource: "r1" }));
  stores.sessions.getState().upsert(session({ id: "sink", role: "sink", resource: "sink", label: "pushsvc/sink", account: "pushsvc@localhost", status: "offline" }));
  const user = userEvent.setup();
  return { ...renderWith(<App />, createFakePlayground(stores)), user, stores };
}

describe("App shell", () => {
  // The views behind a tab (and the timeline list) are chunks of their own in the app; loaded once here, they render at once.
  beforeAll(() => preloadViews());

  it("lays out resources, the timeline and the tools, with named landmarks", () => {
    setup();
    expect(screen.getByRole("banner")).toHaveTextContent("XMPP Push Playground");
    expect(screen.getByRole("complementary", { name: "Simulated resources" })).toBeInTheDocument();
    expect(screen.getByRole("complementary", { name: "Tools and detail" })).toBeInTheDocument();
    expect(screen.getByRole("tab", { name: "Timeline" })).toHaveAttribute("aria-selected", "true");
    expect(screen.getByRole("tab", { name: "Connection" })).toHaveAttribute("aria-selected", "true");
    expect(screen.getByRole("list", { name: "Session status" })).toHaveTextContent("alice/r1");
    expect(screen.getByRole("list", { name: "Session status" })).toHaveTextContent("offline");
  });

  it("moves between tool tabs with the arrow keys", async () => {
    const { user } = setup();
    screen.getByRole("tab", { name: "Connection" }).focus();
    await user.keyboard("{ArrowRight}");
    expect(screen.getByRole("tab", { name: "Disco" })).toHaveFocus();
    expect(screen.getByRole("tabpanel", { name: "Disco" })).toHaveTextContent("Discovery");
    await user.keyboard("{End}");
    expect(screen.getByRole("tab", { name: "Sender" })).toHaveAttribute("aria-selected", "true");
    await user.keyboard("{ArrowRight}");
    expect(screen.getByRole("tab", { name: "Connection" })).toHaveAttribute("aria-selected", "true");
    await user.click(screen.getByRole("tab", { name: "Push" }));
    expect(screen.getByRole("tabpanel", { name: "Push" })).toHaveTextContent("Enable / disable push");
    await user.click(screen.getByRole("tab", { name: "Sink" }));
    expect(screen.getByRole("button", { name: "Connect sink" })).toBeInTheDocument();
  });

  it("keeps a half-filled push form across a look at another tool tab", async () => {
    const { user } = setup();
    await user.click(screen.getByRole("tab", { name: "Push" }));
    const node = screen.getByRole("textbox", { name: /^Node/ });
    await user.clear(node);
    await user.type(node, "my-node");
    await user.click(screen.getByRole("checkbox", { name: /Push while away/ }));
    await user.click(screen.getByRole("tab", { name: "Disco" }));
    expect(screen.queryByRole("textbox", { name: /^Node/ })).not.toBeInTheDocument();
    await user.click(screen.getByRole("tab", { name: "Push" }));
    expect(screen.getByRole("textbox", { name: /^Node/ })).toHaveValue("my-node");
    expect(screen.getByRole("checkbox", { name: /Push while away/ })).toBeChecked();
  });

  it("switches the centre between the timeline and the XML console", async () => {
    const { user } = setup();
    await user.click(screen.getByRole("tab", { name: "XML console" }));
    expect(screen.getByRole("region", { name: "XML console" })).toBeInTheDocument();
    expect(screen.getByLabelText("Raw XML to send")).toBeInTheDocument();
  });

  it("cycles the theme system → light → dark and remembers it", async () => {
    const { user } = setup();
    const button = screen.getByRole("button", { name: /^Theme: system/ });
    await user.click(button);
    expect(document.documentElement.dataset.theme).toBe("light");
    await user.click(screen.getByRole("button", { name: /^Theme: light/ }));
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(localStorage.getItem("xpp.theme")).toBe("dark");
    await user.click(screen.getByRole("button", { name: /^Theme: dark/ }));
    expect(document.documentElement.dataset.theme).toBeUndefined();
  });

  it("resizes the side columns from the keyboard", async () => {
    const { user } = setup();
    const splitter = screen.getByRole("separator", { name: "Resize resources column" });
    splitter.focus();
    await user.keyboard("{ArrowRight}");
    expect(splitter).toHaveAttribute("aria-valuenow", "336");
    await user.keyboard("{Home}");
    expect(splitter).toHaveAttribute("aria-valuenow", "220");
  });

  it("focuses the timeline search with /", async () => {
    const { user } = setup();
    document.body.focus();
    await user.keyboard("/");
    expect(screen.getByRole("searchbox", { name: "Search timeline" })).toHaveFocus();
  });

  it("shows the selected event in the detail pane", async () => {
    const { user, stores } = setup();
    act(() => addEvents(stores, [{ id: "x1", at: 1, lane: "res-1", kind: "raw-send", summary: "raw <presence/>", element: "presence", xml: "<presence/>" }]));
    await user.click(within(screen.getByRole("listbox", { name: "Timeline events" })).getByRole("option"));
    expect(within(screen.getByRole("region", { name: "Event detail" })).getByLabelText("Stanza XML")).toHaveTextContent("<presence/>");
  });

  it("gives every button, field and tab an accessible name", () => {
    setup();
    for (const role of ["button", "textbox", "checkbox", "combobox", "tab", "searchbox", "spinbutton", "radio"] as const) {
      for (const el of screen.queryAllByRole(role)) expect(el).toHaveAccessibleName();
    }
  });
});

describe("App shell: the scenarios report", () => {
  it("takes the whole width while the Scenarios view is shown, with the side panels a click away", async () => {
    const stores = makeStores();
    const runner: ScenarioRunner = { running: false, flush: () => {}, run: async () => null };
    const user = userEvent.setup();
    const { container } = renderWith(
      <ScenarioRunnerContext.Provider value={runner}>
        <App />
      </ScenarioRunnerContext.Provider>,
      createFakePlayground(stores),
    );
    const main = container.querySelector("main")!;
    expect(main).not.toHaveClass("is-report-wide");
    await user.click(screen.getByRole("tab", { name: "Scenarios" }));
    expect(main).toHaveClass("is-report-wide");
    await user.click(screen.getByRole("button", { name: "Show side panels" }));
    expect(main).not.toHaveClass("is-report-wide");
    await user.click(screen.getByRole("button", { name: "Show side panels" }));
    expect(main).toHaveClass("is-report-wide");
    await user.click(screen.getByRole("tab", { name: "Timeline" }));
    expect(main).not.toHaveClass("is-report-wide");
  });
});
