// @vitest-environment jsdom
import "@testing-library/jest-dom/vitest";
import "../../../test-setup/dom";
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createDemoPlayer } from "../../demos/player";
import { createScriptedPlayground, type ScriptedPlayground } from "../../demos/test-support/scripted-playground";
import { demoOnScreenReason, replayRunningReason } from "../../share/exclusive";
import { decodeSetup, encodeSetup, setupParam } from "../../share/link";
import { createShareService } from "../../share/service";
import { ShareProvider } from "../../share/share-context";
import { walkthroughSetup } from "../../share/test-support/arbitrary-setup";
import { renderWith, session } from "../../test-support/render";
import { ShareControls } from "./ShareControls";
import { ShareLayer } from "./ShareLayer";

function setUp(pg: ScriptedPlayground = createScriptedPlayground(), dwellMs = 0) {
  // Wired as main.tsx wires them: a replay and a demo each ask the other first.
  const share = createShareService({ playground: pg, busyElsewhere: () => demoOnScreenReason(demos) });
  const demos = createDemoPlayer({ playground: pg, dwellMs, busyElsewhere: () => replayRunningReason(share) });
  const view = renderWith(
    <ShareProvider value={{ share, demos }}>
      <ShareControls />
      <ShareLayer />
    </ShareProvider>,
    pg,
  );
  return { ...view, share, demos, pg };
}

/** The walk-through as the stores would hold it after the user set it up. */
function withWalkthroughState(pg: ScriptedPlayground) {
  const sessions = pg.stores.sessions.getState();
  sessions.upsert(session({ id: "res-1", resource: "phone", status: "online", presence: { show: "away", priority: 0 } }));
  sessions.upsert(session({ id: "res-2", resource: `<img src=x onerror="alert(1)">`, status: "offline", presenceOnConnect: "available" }));
  pg.stores.registrations.getState().upsert({ jid: "pushsvc@localhost/sink", node: "n1", away: true, publishOptions: { fields: [{ var: "FORM_TYPE", values: ["x"] }, { var: "secret", values: ["hush"] }] }, enabledBySessionId: "res-1", enabledByResource: "phone", enabledAt: 1, state: "active", pushCount: 0 });
}

afterEach(() => vi.restoreAllMocks());

describe("Share dialog", () => {
  it("shows what the link sets up, as text, without the secret, and copies the link", async () => {
    const user = userEvent.setup();
    const pg = createScriptedPlayground();
    withWalkthroughState(pg);
    setUp(pg);
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    await user.click(screen.getByRole("button", { name: "Share" }));
    const dialog = await screen.findByRole("dialog", { name: "Share this setup" });
    const lines = within(dialog).getByRole("list", { name: "What the link sets up" });
    expect(lines).toHaveTextContent("Resource phone: online, away");
    expect(lines).toHaveTextContent(`Resource <img src=x onerror="alert(1)">: connects, then disconnects`);
    expect(dialog.querySelector("img")).toBeNull();
    const link = within(dialog).getByLabelText("Share link");
    await waitFor(() => expect((link as HTMLInputElement).value).toMatch(/#setup=1\.[jz]/));
    await user.click(within(dialog).getByRole("button", { name: "Copy link" }));
    expect(writeText).toHaveBeenCalledWith((link as HTMLInputElement).value);
    expect(within(dialog).getByRole("status")).toHaveTextContent("Link copied to the clipboard.");
    const decoded = await decodeSetup(setupParam(new URL((link as HTMLInputElement).value).hash)!);
    expect(decoded).toMatchObject({ ok: true, value: { registrations: [{ from: "phone", node: "n1", away: true, publishOptions: [], credentialFields: ["secret"] }] } });
    expect(JSON.stringify(decoded)).not.toContain("hush");
  });

  it("follows the playground while it is open: the lines and the link change with the setup", async () => {
    const user = userEvent.setup();
    const pg = createScriptedPlayground();
    withWalkthroughState(pg);
    setUp(pg);
    await user.click(screen.getByRole("button", { name: "Share" }));
    const dialog = await screen.findByRole("dialog", { name: "Share this setup" });
    expect(dialog).toHaveTextContent("While this dialog is open, the link and the JSON follow the playground.");
    const linkBox = within(dialog).getByLabelText("Share link") as HTMLInputElement;
    await waitFor(() => expect(linkBox.value).toMatch(/#setup=/));
    const before = linkBox.value;
    expect(within(dialog).getByRole("list", { name: "What the link sets up" })).not.toHaveTextContent("Resource tablet");

    act(() => pg.stores.sessions.getState().upsert(session({ id: "res-3", resource: "tablet", status: "online", presence: { show: "dnd", priority: 0 } })));
    await waitFor(() => expect(within(dialog).getByRole("list", { name: "What the link sets up" })).toHaveTextContent("Resource tablet: online, dnd"));
    await waitFor(() => expect(linkBox.value).not.toBe(before));
    const decoded = await decodeSetup(setupParam(new URL(linkBox.value).hash)!);
    expect(decoded.ok && decoded.value.resources.map((r) => r.name)).toContain("tablet");
  });

  it("falls back to the selected text box when the clipboard refuses", async () => {
    const user = userEvent.setup();
    const pg = createScriptedPlayground();
    withWalkthroughState(pg);
    setUp(pg);
    Object.defineProperty(navigator, "clipboard", { value: { writeText: vi.fn(async () => Promise.reject(new Error("permission denied"))) }, configurable: true });
    await user.click(screen.getByRole("button", { name: "Share" }));
    const dialog = await screen.findByRole("dialog", { name: "Share this setup" });
    await waitFor(() => expect((within(dialog).getByLabelText("Share link") as HTMLInputElement).value).toMatch(/#setup=/));
    await user.click(within(dialog).getByRole("button", { name: "Copy link" }));
    expect(within(dialog).getByRole("status")).toHaveTextContent("Could not copy (permission denied): the link is selected above, press Ctrl+C (⌘C) to copy it.");
    expect(within(dialog).getByLabelText("Share link")).toHaveFocus();
  });

  it("imports a setup file, and says what is wrong with a malformed one", async () => {
    const user = userEvent.setup();
    const { share } = setUp();
    await user.click(screen.getByRole("button", { name: "Share" }));
    await user.upload(await screen.findByLabelText("Import setup JSON"), new File(['{"v":1,"domain":"localhost","resources":"phone"}'], "setup.json", { type: "application/json" }));
    const banner = await screen.findByRole("region", { name: "Damaged setup file" });
    expect(within(banner).getByRole("alert")).toHaveTextContent("This setup file is damaged: resources: must be a list");
    expect(screen.queryByRole("dialog")).toBeNull();
    await user.click(within(banner).getByRole("button", { name: "Dismiss" }));
    expect(share.store.getState().opened.status).toBe("none");
  });
});

describe("opened link banner", () => {
  it("says specifically why a tampered link cannot be used, and the page stays up", async () => {
    const { share } = setUp();
    const param = (await encodeSetup(walkthroughSetup())).replace(/\.[0-9a-f]{8}$/, ".00000000");
    await act(() => share.openHash(`#${param}`));
    expect(screen.getByRole("alert")).toHaveTextContent("This share link is damaged: the checksum does not match: the link was changed or cut short after it was made");
    expect(screen.getByRole("button", { name: "Share" })).toBeInTheDocument();
  });

  it("describes the setup, offers the targets (sandbox not yet), and applies on the connected server", async () => {
    const user = userEvent.setup();
    const { share, pg } = setUp();
    const fragment = await encodeSetup({ ...walkthroughSetup(), title: "<b>lunch</b>" });
    await act(() => share.openHash(`#${fragment}`));
    const banner = screen.getByRole("region", { name: "Setup from a share link" });
    expect(banner).toHaveTextContent("This share link sets up “<b>lunch</b>”:");
    expect(banner.querySelector("b:not(strong b)")).toBeNull();
    expect(within(banner).getByRole("radio", { name: "On the connected server" })).toBeChecked();
    expect(within(banner).getByRole("radio", { name: /On the sandbox server/ })).toBeDisabled();
    await user.click(within(banner).getByRole("button", { name: "Apply and send the messages" }));
    await waitFor(() => expect(within(banner).getByRole("status")).toHaveTextContent("Done: set up 2 resources, 1 registration and sent 1 message."));
    expect(banner).toHaveTextContent("phone enabled push on node walkthrough-node with away='true'");
    expect(banner).toHaveTextContent("bob sent “Lunch at noon?”: 1 push reached the sink");
    expect(pg.send).toHaveBeenCalledWith({ to: "bare", kind: "chat", body: "Lunch at noon?", count: 1 });
  });
});

describe("guided demo captions", () => {
  it("starts a demo from the menu and shows each caption with its outcome, keys step through", async () => {
    const user = userEvent.setup();
    const pg = createScriptedPlayground();
    const { demos } = setUp(pg, 60_000);
    await user.click(screen.getByRole("button", { name: "Demos" }));
    await user.click(await screen.findByRole("button", { name: /One device online suppresses the push/ }));
    const overlay = await screen.findByRole("region", { name: "Guided demo: One device online suppresses the push" });
    await waitFor(() => expect(within(overlay).getByRole("status")).toHaveTextContent("set up 2 resources, 1 registration and sent 0 messages"));
    expect(overlay).toHaveTextContent("step 1 of 4");
    expect(overlay).toHaveTextContent("phone enabled push, then its app went to the background and disconnected. laptop is online.");

    await user.keyboard(" ");
    await waitFor(() => expect(overlay).toHaveTextContent("paused"));
    pg.outcomes = ["no-push", "push"];
    await user.keyboard("{ArrowRight}");
    await waitFor(() => expect(within(overlay).getByRole("status")).toHaveTextContent("bob sent “Are you at your desk?”: no push"));
    expect(overlay).toHaveTextContent("step 2 of 4");
    await user.keyboard("{ArrowRight}");
    await waitFor(() => expect(overlay).toHaveTextContent("step 3 of 4"));
    await user.click(within(overlay).getByRole("button", { name: "Next →" }));
    await waitFor(() => expect(within(overlay).getByRole("status")).toHaveTextContent("1 push reached the sink"));
    expect(overlay).toHaveTextContent("step 4 of 4 · finished");
    expect(within(overlay).getByRole("button", { name: "Next →" })).toBeDisabled();
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("region", { name: /Guided demo/ })).toBeNull();
    expect(demos.store.getState().demoId).toBeNull();
  });

  it("leaves the arrow keys and Space to a focused control outside the overlay", async () => {
    const user = userEvent.setup();
    const pg = createScriptedPlayground();
    const share = createShareService({ playground: pg });
    const demos = createDemoPlayer({ playground: pg, dwellMs: 60_000 });
    renderWith(
      <ShareProvider value={{ share, demos }}>
        <div role="tablist" aria-label="Tools">
          <button type="button" role="tab" aria-selected="true">
            Push
          </button>
        </div>
        <ShareLayer />
      </ShareProvider>,
      pg,
    );
    const started = act(() => demos.start("walkthrough"));
    await waitFor(() => expect(demos.store.getState().phase).toBe("shown"));
    act(() => demos.pause());
    await started;
    screen.getByRole("tab", { name: "Push" }).focus();
    await user.keyboard("{ArrowRight} ");
    expect(demos.store.getState()).toMatchObject({ index: 0, paused: true });
    screen.getByRole("region", { name: /Guided demo/ }).focus();
    await user.keyboard("{ArrowRight}");
    await waitFor(() => expect(demos.store.getState()).toMatchObject({ index: 1, phase: "shown" }));
  });
});

describe("a demo and a replay, one at a time", () => {
  it("holds a replay back while a demo is on screen, says why, and replays once the demo is ended from the banner", async () => {
    const user = userEvent.setup();
    const { share, demos, pg } = setUp(createScriptedPlayground(), 60_000);
    const started = act(() => demos.start("walkthrough"));
    await waitFor(() => expect(demos.store.getState().phase).toBe("shown"));
    act(() => demos.pause());
    await started;
    const fragment = await encodeSetup(walkthroughSetup());
    await act(() => share.openHash(`#${fragment}`));
    const banner = screen.getByRole("region", { name: "Setup from a share link" });
    const reason = "Not now: the guided demo “Walk-through: one device away, the other gone” is on screen: end it (Esc or End demo) before replaying a setup, so the two do not change the playground at once.";
    expect(banner).toHaveTextContent(reason);
    expect(within(banner).getByRole("button", { name: "Apply and send the messages" })).toBeDisabled();
    expect(within(banner).getByRole("button", { name: "Apply without sending" })).toBeDisabled();
    // The service refuses too (a script, a second tab's hashchange), without touching the playground.
    pg.send.mockClear();
    expect(await act(() => share.apply("connected"))).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^not started: the guided demo “Walk-through/) } });
    expect(pg.send).not.toHaveBeenCalled();

    await user.click(within(banner).getByRole("button", { name: "End the demo" }));
    expect(screen.queryByRole("region", { name: /Guided demo/ })).toBeNull();
    expect(banner).not.toHaveTextContent("Not now");
    await user.click(within(banner).getByRole("button", { name: "Apply and send the messages" }));
    await waitFor(() => expect(within(banner).getByRole("status")).toHaveTextContent("Done: set up 2 resources, 1 registration and sent 1 message."));
  });

  it("keeps the demos from starting while a replay runs, in the menu and in the player, and lets them start after it", async () => {
    const user = userEvent.setup();
    const pg = createScriptedPlayground();
    let release: () => void = () => {};
    const connected = pg.connectAll.getMockImplementation()!;
    pg.connectAll.mockImplementationOnce(() => new Promise<void>((resolve) => (release = () => void connected().then(resolve))));
    const { share, demos } = setUp(pg, 60_000);
    const fragment = await encodeSetup(walkthroughSetup());
    await act(() => share.openHash(`#${fragment}`));
    const banner = screen.getByRole("region", { name: "Setup from a share link" });
    await user.click(within(banner).getByRole("button", { name: "Apply without sending" }));
    await waitFor(() => expect(pg.connectAll).toHaveBeenCalled());
    expect(share.store.getState().replay.status).toBe("running");

    await user.click(screen.getByRole("button", { name: "Demos" }));
    const menu = await screen.findByRole("dialog", { name: "Guided demos" });
    expect(menu).toHaveTextContent("Not now: a setup replay (share link or file) is setting the playground up: a demo can start once it is done");
    for (const pick of within(menu).getAllByRole("button", { name: /Walk-through|suppresses|away extension|killed/i })) expect(pick).toBeDisabled();
    await act(() => demos.start("walkthrough"));
    expect(demos.store.getState()).toMatchObject({ demoId: null, phase: "failed", error: expect.stringMatching(/^The demo did not start: a setup replay/) });
    expect(screen.getByRole("alert")).toHaveTextContent("The demo did not start");
    await user.click(within(screen.getByRole("alert")).getByRole("button", { name: "Dismiss" }));
    expect(demos.store.getState().phase).toBe("idle");

    act(() => release());
    await waitFor(() => expect(share.store.getState().replay.status).toBe("done"));
    await waitFor(() => expect(within(menu).queryByText(/Not now/)).toBeNull());
    await user.click(within(menu).getByRole("button", { name: /One device online suppresses the push/ }));
    await screen.findByRole("region", { name: "Guided demo: One device online suppresses the push" });
  });
});
