// @vitest-environment jsdom
import "@testing-library/jest-dom/vitest";
import "../../../test-setup/dom";
import { act, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { SinkMode } from "../../model";
import { createFakePlayground, makeStores, renderWith, session } from "../../test-support/render";
import { SinkPanel } from "./SinkPanel";

function setup(status: "online" | "offline" = "online") {
  const stores = makeStores();
  stores.sessions.getState().upsert(session({ id: "sink", role: "sink", resource: "sink", label: "pushsvc/sink", account: "pushsvc@localhost", status }));
  const playground = createFakePlayground(stores);
  // The real service stores the mode; the fake mirrors that so the panel re-renders.
  playground.setSinkMode.mockImplementation((mode: SinkMode) => stores.sink.getState().setMode(mode));
  const user = userEvent.setup();
  return { ...renderWith(<SinkPanel />, playground), user };
}

describe("SinkPanel", () => {
  it("connects and disconnects the sink", async () => {
    const { user, playground } = setup("offline");
    await user.click(screen.getByRole("button", { name: "Connect sink" }));
    expect(playground.connectSink).toHaveBeenCalled();
    const online = setup("online");
    await online.user.click(within(online.container).getByRole("button", { name: "Disconnect sink" }));
    expect(online.playground.disconnectSink).toHaveBeenCalled();
  });

  it("switches between result, error and timeout answers", async () => {
    const { user, playground } = setup();
    const modes = within(screen.getByRole("radiogroup", { name: "Answer mode" }));
    expect(modes.getByRole("radio", { name: "result" })).toBeChecked();
    await user.click(modes.getByRole("radio", { name: "no answer (timeout)" }));
    expect(playground.setSinkMode).toHaveBeenLastCalledWith({ kind: "timeout" });
    expect(screen.getByText(/never answer/)).toBeInTheDocument();
    await user.click(modes.getByRole("radio", { name: "error" }));
    expect(playground.setSinkMode).toHaveBeenLastCalledWith({ kind: "error", type: "cancel", condition: "item-not-found" });
    await user.click(modes.getByRole("radio", { name: "result" }));
    expect(playground.setSinkMode).toHaveBeenLastCalledWith({ kind: "result" });
  });

  it("picks the error type and condition, or a preset, and warns about removal", async () => {
    const { user, playground } = setup();
    await user.click(screen.getByRole("radio", { name: "error" }));
    await user.selectOptions(screen.getByLabelText("Error type"), "wait");
    expect(playground.setSinkMode).toHaveBeenLastCalledWith({ kind: "error", type: "wait", condition: "item-not-found" });
    await user.selectOptions(screen.getByLabelText("Error condition"), "resource-constraint");
    expect(playground.setSinkMode).toHaveBeenLastCalledWith({ kind: "error", type: "wait", condition: "resource-constraint" });
    expect(screen.getByRole("button", { name: "wait/resource-constraint" })).toHaveAttribute("aria-pressed", "true");
    await user.click(screen.getByRole("button", { name: "auth/forbidden" }));
    expect(playground.setSinkMode).toHaveBeenLastCalledWith({ kind: "error", type: "auth", condition: "forbidden" });
    expect(screen.getByText(/can make the server drop the registration/)).toBeInTheDocument();
  });

  it("shows the counters and resets them", async () => {
    const { user, stores, playground } = setup();
    act(() => {
      stores.sink.getState().count({ received: 5, answeredResult: 3, answeredError: 1, unanswered: 1 });
      stores.sink.getState().setLastPushAt(Date.now());
    });
    const counters = within(screen.getByRole("region", { name: "Sink counters" }));
    expect(counters.getByText("publishes").nextSibling).toHaveTextContent("5");
    expect(counters.getByText("answered result").nextSibling).toHaveTextContent("3");
    expect(counters.getByText("answered error").nextSibling).toHaveTextContent("1");
    expect(counters.getByText(/Last publish at/)).toBeInTheDocument();
    await user.click(counters.getByRole("button", { name: "Reset counters" }));
    expect(playground.resetSinkCounters).toHaveBeenCalledTimes(1);
    expect(counters.getByText("publishes").nextSibling).toHaveTextContent("0");
  });

  it("remote-disables a registered node or any typed node", async () => {
    const { user, playground, stores } = setup();
    act(() =>
      stores.registrations.getState().upsert({
        jid: "pushsvc@localhost/sink",
        node: "node-a",
        away: false,
        publishOptions: null,
        enabledBySessionId: "res-1",
        enabledByResource: "r1",
        enabledAt: 0,
        state: "active",
        pushCount: 0,
      }),
    );
    await user.click(screen.getByRole("button", { name: "Remote-disable node node-a" }));
    expect(playground.sinkRemoteDisable).toHaveBeenLastCalledWith("node-a");
    await user.type(screen.getByLabelText("Other node"), "ghost");
    await user.click(screen.getByRole("button", { name: "Remote-disable node" }));
    expect(playground.sinkRemoteDisable).toHaveBeenLastCalledWith("ghost");
  });

  it("shows a remote-disable failure", async () => {
    const { user, playground } = setup();
    playground.sinkRemoteDisable.mockResolvedValueOnce({ ok: false, error: { code: "not-connected", message: "the sink is not connected" } });
    await user.type(screen.getByLabelText("Other node"), "x");
    await user.click(screen.getByRole("button", { name: "Remote-disable node" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("the sink is not connected");
  });
});

describe("SinkPanel App Server profile and faults", () => {
  it("chooses a profile by keyboard, explains it with its source, and shows its settings", async () => {
    const { user, playground, stores } = setup();
    const select = screen.getByLabelText("Behave like");
    expect(select).toHaveValue("generic");
    expect(screen.getByRole("radiogroup", { name: "Answer mode" })).toBeInTheDocument();
    // A native select: focusable and changed from the keyboard by the browser itself.
    act(() => select.focus());
    expect(select).toHaveFocus();
    await user.selectOptions(select, "p2");
    expect(playground.setSinkProfile).toHaveBeenLastCalledWith("p2");
    expect(stores.sink.getState().profile).toBe("p2");
    expect(select).toHaveAccessibleDescription(/Conversations' App Server.*Source: iNPUTmice\/p2/);
    // The profile decides the answer: the generic answer mode is gone.
    expect(screen.queryByRole("radiogroup", { name: "Answer mode" })).not.toBeInTheDocument();
    expect(screen.getByText(/The enable form starts with the publish-options secret=playground-secret/)).toBeInTheDocument();
    await user.clear(screen.getByLabelText("p2 secret"));
    await user.type(screen.getByLabelText("p2 secret"), "abc");
    expect(stores.sink.getState().profileSettings.p2.secret).toBe("abc");
    await user.click(screen.getByLabelText("FCM fails (wait/recipient-unavailable)"));
    expect(stores.sink.getState().profileSettings.p2.providerFailure).toBe(true);
    await user.selectOptions(select, "mod_push_appserver");
    expect(screen.getByText(/Rate limit: 5 per second per node/)).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText("APNs priority"), "silent");
    expect(stores.sink.getState().profileSettings.modPushAppserver.priority).toBe("silent");
  });

  it("sets faults for all nodes: latency, a forced error, a probability, a rate limit, the provider outcome", async () => {
    const { user, stores } = setup();
    await user.selectOptions(screen.getByLabelText("Latency"), "fixed");
    await user.clear(screen.getByLabelText("Delay (ms)"));
    await user.type(screen.getByLabelText("Delay (ms)"), "250");
    expect(stores.sink.getState().faults.all.latency).toEqual({ kind: "fixed", ms: 250 });
    await user.selectOptions(screen.getByLabelText("Answer"), "error");
    await user.selectOptions(screen.getByLabelText("Forced error type"), "wait");
    await user.selectOptions(screen.getByLabelText("Forced error condition"), "resource-constraint");
    expect(stores.sink.getState().faults.all.answer).toEqual({ kind: "error", type: "wait", condition: "resource-constraint" });
    await user.selectOptions(screen.getByLabelText("Answer"), "no-reply");
    expect(stores.sink.getState().faults.all.answer).toEqual({ kind: "no-reply" });
    await user.clear(screen.getByLabelText("Error probability (%)"));
    await user.type(screen.getByLabelText("Error probability (%)"), "30");
    expect(stores.sink.getState().faults.all.errorProbability.p).toBeCloseTo(0.3);
    await user.type(screen.getByLabelText("Rate limit (publishes per second)"), "3");
    expect(stores.sink.getState().faults.all.rateLimitPerSecond).toBe(3);
    await user.selectOptions(screen.getByLabelText("Push provider outcome"), "token-expired");
    expect(stores.sink.getState().faults.all.providerOutcome).toBe("token-expired");
    expect(screen.getByText(/Now \(all nodes\): latency 250 ms, no reply, 30% wait\/internal-server-error, 3\/s, provider: token-expired/)).toBeInTheDocument();
  });

  it("sets faults for one registration node only, and goes back to the settings for all", async () => {
    const { user, stores } = setup();
    act(() =>
      stores.registrations.getState().upsert({
        jid: "pushsvc@localhost/sink",
        node: "node-a",
        away: false,
        publishOptions: null,
        enabledBySessionId: "res-1",
        enabledByResource: "r1",
        enabledAt: 0,
        state: "active",
        pushCount: 0,
      }),
    );
    await user.selectOptions(screen.getByLabelText("Apply to"), "node-a");
    expect(screen.getByText(/follows the settings for all nodes/)).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText("Answer"), "no-reply");
    expect(stores.sink.getState().faults.byNode["node-a"]?.answer).toEqual({ kind: "no-reply" });
    expect(stores.sink.getState().faults.all.answer).toEqual({ kind: "profile" });
    await user.click(screen.getByRole("button", { name: "Use the settings for all nodes" }));
    expect(stores.sink.getState().faults.byNode["node-a"]).toBeUndefined();
  });
});

describe("SinkPanel errors", () => {
  it("shows a refused connect once and drops it once the sink is online", async () => {
    const { user, playground, stores } = setup("offline");
    const refused = { code: "bad-credentials" as const, condition: "not-authorized", message: "Password for pushsvc@localhost (Sink) in the Connection tab was refused by the server (not-authorized)" };
    playground.connectSink.mockImplementation(async () => {
      stores.sessions.getState().patch("sink", { status: "failed", lastError: refused });
      return { ok: false as const, error: refused };
    });
    await user.click(screen.getByRole("button", { name: "Connect sink" }));
    const alerts = screen.getAllByRole("alert");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toHaveTextContent("Password for pushsvc@localhost (Sink) in the Connection tab was refused");
    act(() => stores.sessions.getState().patch("sink", { status: "online", lastError: null, connectedAt: 3 }));
    expect(screen.queryAllByRole("alert")).toHaveLength(0);
  });
});
