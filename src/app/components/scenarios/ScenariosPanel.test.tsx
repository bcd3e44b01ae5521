// @vitest-environment jsdom
import "@testing-library/jest-dom/vitest";
import "../../../test-setup/dom";
import { act, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ScenarioReport, SuiteReport } from "../../../conformance/types";
import { identifyPolicy, summarize } from "../../../conformance/identify";
import { ScenarioRunnerContext } from "../../scenarios/runner-context";
import type { ScenarioRunner } from "../../scenarios/runner";
import type { Stores } from "../../stores";
import { createFakePlayground, renderWith } from "../../test-support/render";
import { ScenariosPanel } from "./ScenariosPanel";
import * as download from "../shared/download";

afterEach(() => vi.restoreAllMocks());

function scenarioReport(id: string, verdict: ScenarioReport["verdict"], extra: Partial<ScenarioReport> = {}): ScenarioReport {
  return {
    id,
    name: `name of ${id}`,
    level: "MUST",
    needs: [],
    verdict,
    matched: verdict === "pass" ? true : verdict === "fail" ? false : null,
    detail: verdict === "pass" ? "as expected" : "observed something else",
    mismatches: verdict === "fail" ? ["probe m1: expected a push on N, got none"] : [],
    notes: [],
    matches: verdict === "pass" ? ["prosody"] : [],
    comparable: verdict === "n/a" ? [] : ["prosody", "spec"],
    hint: verdict === "fail" ? "Prosody: turn on push_notification_with_body" : null,
    durationMs: 10,
    drainedMessages: 0,
    housekeeping: [],
    observation: { startedAt: 0, endedAt: 0, account: "alice@localhost", domain: "localhost", sender: null, sink: null, features: null, nodes: {}, iqs: [], probes: [], publishes: [], deliveries: [], sent: [], steps: [], errors: [] },
    ...extra,
  };
}

function suiteReport(scenarios: ScenarioReport[]): SuiteReport {
  return {
    format: "xmpp-push-conformance/1",
    target: { name: "Reference server", service: "ws://x/xmpp-websocket", domain: "localhost", account: "alice@localhost", accounts: "shared" },
    server: { kind: "prosody", name: "Prosody", policy: "prosody" } as SuiteReport["server"],
    accountFeatures: ["urn:xmpp:push:0"],
    policy: "prosody",
    policySource: "disco",
    runUnsupported: false,
    startedAt: new Date(0).toISOString(),
    durationMs: 100,
    waits: { pushMs: 1, noPushMs: 1, iqMs: 1, settleMs: 1 },
    scenarios,
    summary: summarize(scenarios),
    identification: identifyPolicy({ scenarios }),
  };
}

/** A runner that drives the store the way the real one does, step by step under the test's control. */
function fakeRunner(stores: Stores) {
  const calls: (readonly string[] | undefined)[] = [];
  let finish: (() => void) | null = null;
  const runner: ScenarioRunner = {
    running: false,
    flush: vi.fn(),
    run: vi.fn(async (ids?: readonly string[]) => {
      calls.push(ids);
      const runIds = ids ? [...ids] : ["C1", "C3"];
      stores.scenarios.getState().runStarted(runIds);
      await new Promise<void>((resolve) => (finish = resolve));
      return null;
    }),
  };
  return { runner, calls, finish: () => finish?.() };
}

function setup() {
  const playground = createFakePlayground();
  const { runner, calls, finish } = fakeRunner(playground.stores);
  const view = renderWith(
    <ScenarioRunnerContext.Provider value={runner}>
      <ScenariosPanel onShowTimeline={onShowTimeline} />
    </ScenarioRunnerContext.Provider>,
    playground,
  );
  return { ...view, runner, calls, finish };
}
const onShowTimeline = vi.fn();

describe("ScenariosPanel", () => {
  it("lists the catalogue with level and needs, and runs all or the selected scenarios", async () => {
    const user = userEvent.setup();
    const { calls, stores, finish, playground } = setup();
    // The catalogue reaches the store through the service action, once.
    expect(playground.ensureScenarioCatalogue).toHaveBeenCalledTimes(1);
    const c8 = screen.getByRole("row", { name: /^C8 / });
    expect(within(c8).getByText("away")).toBeInTheDocument();
    expect(within(screen.getByRole("row", { name: /^C1 / })).getByText("MUST")).toBeInTheDocument();

    // Selection and options go through the service's scenario actions.
    await user.click(screen.getByRole("checkbox", { name: "Select all scenarios" }));
    expect(playground.scenarios.setSelected).toHaveBeenLastCalledWith(stores.scenarios.getState().catalogue.map((x) => x.id));
    await user.click(screen.getByRole("checkbox", { name: "Select all scenarios" }));
    expect(stores.scenarios.getState().selected).toEqual([]);
    await user.selectOptions(screen.getByRole("combobox", { name: /Judge under/ }), "prosody");
    expect(playground.scenarios.setPolicy).toHaveBeenCalledWith("prosody");
    await user.selectOptions(screen.getByRole("combobox", { name: /Accounts/ }), "shared");
    expect(playground.scenarios.setAccounts).toHaveBeenCalledWith("shared");
    expect(stores.scenarios.getState()).toMatchObject({ policy: "prosody", accounts: "shared" });

    await user.click(screen.getByRole("checkbox", { name: "Select C4" }));
    await user.click(screen.getByRole("checkbox", { name: "Select C3" }));
    expect(playground.scenarios.toggle.mock.calls).toEqual([["C4"], ["C3"]]);
    expect(stores.scenarios.getState().selected).toEqual(["C3", "C4"]);
    await user.click(screen.getByRole("button", { name: "Run selected (2)" }));
    expect(calls).toEqual([["C3", "C4"]]);
    // While running: no second run, a progress bar and the reason it cannot be stopped.
    expect(screen.getByRole("button", { name: "Run all" })).toBeDisabled();
    expect(screen.getByRole("progressbar", { name: "Scenario progress" })).toHaveAttribute("aria-valuenow", "0");
    expect(screen.getByText(/cannot be cancelled/)).toBeInTheDocument();
    await act(async () => finish());
  });

  it("shows progress, verdicts with expected/observed/hint, the identification line, and links into the timeline", async () => {
    const user = userEvent.setup();
    const { stores, playground } = setup();
    await user.click(screen.getByRole("button", { name: "Run all" }));
    const s = () => stores.scenarios.getState();
    act(() => {
      s().preflightDone({ server: suiteReport([]).server, accountFeatures: ["urn:xmpp:push:0"], policy: "prosody", policySource: "disco" });
      s().scenarioStarted("C1");
      s().noteEvent("C1", "scn-ev-1");
    });
    expect(screen.getByText(/running C1/)).toBeInTheDocument();
    const pass = scenarioReport("C1", "pass", { housekeeping: ["attempt 1: the account had other sessions online (alice@localhost/x); running it again"] });
    act(() => s().scenarioDone(pass, identifyPolicy({ scenarios: [pass] })));
    expect(screen.getByRole("progressbar", { name: "Scenario progress" })).toHaveAttribute("aria-valuenow", "1");
    expect(screen.getByRole("progressbar")).toHaveAttribute("aria-valuemax", "2");
    expect(screen.getByTestId("scenarios-identification")).toHaveTextContent("behaves like prosody: 1/1");

    const fail = scenarioReport("C3", "fail");
    act(() => {
      s().noteEvent("C3", "scn-ev-9");
      s().scenarioDone(fail, identifyPolicy({ scenarios: [pass, fail] }));
      s().runFinished(suiteReport([pass, fail]));
    });
    const c3 = screen.getByRole("row", { name: /^C3 / });
    expect(c3).toHaveAttribute("data-verdict", "fail");
    expect(within(c3).getByText("fail")).toBeInTheDocument();
    expect(within(c3).getByText("probe m1: expected a push on N, got none")).toBeInTheDocument();
    expect(within(c3).getByText("Prosody: turn on push_notification_with_body")).toBeInTheDocument();
    const c1 = screen.getByRole("row", { name: /^C1 / });
    expect(within(c1).getByText("pass")).toBeInTheDocument();
    // Shared-account housekeeping (another client used the account) is there, folded away.
    await user.click(within(c1).getByText("1 housekeeping note"));
    expect(within(c1).getByText(/another|other sessions online/)).toBeVisible();
    expect(screen.getByText("1 pass, 1 fail (MUST: C3), 0 info, 0 n/a")).toBeInTheDocument();
    // Scenarios outside the run have no verdict and no link.
    expect(within(screen.getByRole("row", { name: /^C4 / })).queryByRole("button", { name: /timeline/ })).toBeNull();

    // A filter that would hide the event is lifted by the service action, not by the panel.
    act(() => stores.timeline.getState().setKindFilter(["push"]));
    await user.click(screen.getByRole("button", { name: "Show C3 in timeline" }));
    expect(playground.timeline.showEvent).toHaveBeenCalledWith("scn-ev-9");
    expect(stores.timeline.getState().selectedId).toBe("scn-ev-9");
    expect(stores.timeline.getState().filters.kinds).toBeNull();
    expect(onShowTimeline).toHaveBeenCalled();
  });

  it("exports the finished report as Markdown and JSON", async () => {
    const user = userEvent.setup();
    const saved = vi.spyOn(download, "downloadText").mockImplementation(() => {});
    const { stores } = setup();
    expect(screen.getByRole("button", { name: "Export Markdown" })).toBeDisabled();
    const report = suiteReport([scenarioReport("C1", "pass"), scenarioReport("C8", "n/a", { detail: "the server does not advertise tigase:push:away:0" })]);
    act(() => stores.scenarios.getState().runFinished(report));
    await user.click(screen.getByRole("button", { name: "Export Markdown" }));
    await user.click(screen.getByRole("button", { name: "Export JSON" }));
    const [md, json] = saved.mock.calls;
    expect(md?.[0]).toMatch(/^xmpp-push-scenarios-.*\.md$/);
    expect(md?.[1]).toContain("| C8 | name of C8 | MUST | n/a |");
    expect(md?.[2]).toBe("text/markdown");
    expect(json?.[0]).toMatch(/\.json$/);
    expect(JSON.parse(json?.[1] ?? "{}")).toMatchObject({ format: "xmpp-push-conformance/1", policy: "prosody" });
  });

  it("shows why a run could not start", async () => {
    const { stores } = setup();
    act(() => {
      stores.scenarios.getState().runStarted(["C1"]);
      stores.scenarios.getState().runFailed("the account cannot log in: not-authorized");
    });
    expect(screen.getByRole("alert")).toHaveTextContent("the account cannot log in: not-authorized");
    expect(screen.getByRole("button", { name: "Run all" })).toBeEnabled();
  });
});

describe("ScenariosPanel width", () => {
  it("offers the side panels back while the report is full-width, and hides them again", async () => {
    const user = userEvent.setup();
    const playground = createFakePlayground();
    const { runner } = fakeRunner(playground.stores);
    const changes: boolean[] = [];
    function Shell() {
      const [wide, setWide] = useState(true);
      return (
        <ScenarioRunnerContext.Provider value={runner}>
          <ScenariosPanel
            wide={wide}
            onWideChange={(next) => {
              changes.push(next);
              setWide(next);
            }}
          />
        </ScenarioRunnerContext.Provider>
      );
    }
    renderWith(<Shell />, playground);
    const toggle = screen.getByRole("button", { name: "Show side panels" });
    expect(toggle).toHaveAttribute("aria-pressed", "false");
    await user.click(toggle);
    expect(toggle).toHaveAttribute("aria-pressed", "true");
    await user.click(toggle);
    expect(toggle).toHaveAttribute("aria-pressed", "false");
    expect(changes).toEqual([false, true]);
  });
});
