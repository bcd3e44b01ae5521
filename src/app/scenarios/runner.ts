/**
 * Runs the §C conformance scenarios from the UI: the same `runSuite` as the CLI, pointed at the
 * profile's service, domain and accounts. The harness opens its own xmpp.js clients with fresh
 * resources (never the playground's sessions); progress goes into the scenarios store and every
 * harness event into the timeline's `scenarios` lane through the playground's recorder (the one
 * writer of the timeline), so a results row can link to where its scenario starts. The app
 * creates it next to the Playground (main.tsx) and hands it to the panel through context.
 *
 * runSuite cannot be cancelled mid-run, so neither can a run here: `run` refuses to start while
 * one is going (the panel disables its buttons and says why).
 */
import type { RunSuiteOptions } from "../../conformance/runner";
import type { SuiteReport, SuiteTarget } from "../../conformance/types";
import type { HarnessWaits, Mechanism } from "../../scenarios/harness";
import type { ActionResult } from "../playground-api";
import type { Recorder } from "../playground/recorder";
import type { Stores } from "../stores";

export interface ScenarioRunnerOptions {
  stores: Stores;
  /** The playground's recorder: harness events join the same timeline, batched the same way. */
  recorder: Pick<Recorder, "record" | "flush">;
  /** The profile's service as an absolute ws(s) URL (the Playground resolves relative paths). */
  resolveService: () => ActionResult<string>;
  /** Injected in tests; defaults to the conformance runner. */
  runSuite?: (options: RunSuiteOptions) => Promise<SuiteReport>;
  /**
   * Force a SASL mechanism. In the browser xmpp.js offers PLAIN only anyway; Node tests force
   * PLAIN, which is also what the reference server's dev registration needs for a first login.
   */
  mechanism?: Mechanism;
  /** Harness waits (tests shorten them). */
  waits?: Partial<HarnessWaits>;
  /**
   * Scenarios at once with fresh accounts (shared accounts always run one by one). Default `auto`:
   * REFERENCE_CONCURRENCY on the reference server, 1 elsewhere (src/conformance/runner.ts).
   */
  freshConcurrency?: number;
  now?: () => number;
}

export interface ScenarioRunner {
  /** Run these scenario ids (default: the whole catalogue). Resolves with the report, or null when it did not start. */
  run(ids?: readonly string[]): Promise<SuiteReport | null>;
  readonly running: boolean;
  /** Apply queued timeline events now. */
  flush(): void;
}

let runCounter = 0;

export function createScenarioRunner(options: ScenarioRunnerOptions): ScenarioRunner {
  const { stores, recorder } = options;
  // The conformance runner and the catalogue come in the Scenarios chunk, fetched on the first run,
  // with the sandbox transport (the harness's clients may target the in-page server, `sandbox:`, and settle from its decision log).
  const runSuite =
    options.runSuite ??
    (async (o: RunSuiteOptions) => {
      const [conformance] = await Promise.all([import("../../conformance/runner"), import("../../sandbox/xmpp-transport"), import("../../sandbox/decision-log-source")]);
      return conformance.runSuite(o);
    });
  const now = options.now ?? Date.now;
  let running = false;

  function target(service: string): SuiteTarget {
    const { profile } = stores.profile.getState();
    const accounts = stores.scenarios.getState().accounts;
    return {
      name: profile.name || service,
      service,
      domain: profile.domain,
      account: { username: profile.account.username, password: profile.account.password },
      sender: { username: profile.sender.username, password: profile.sender.password },
      // runSuite binds a fresh sink resource per scenario; the profile's resource is the playground's.
      sink: { username: profile.sink.username, password: profile.sink.password },
      accounts,
      ...(options.waits ? { waits: options.waits } : {}),
      ...(options.mechanism ? { mechanism: options.mechanism } : {}),
    };
  }

  async function run(ids?: readonly string[]): Promise<SuiteReport | null> {
    if (running) return null;
    const scenarios = stores.scenarios.getState();
    const runIds = ids ? [...ids] : scenarios.catalogue.map((s) => s.id);
    if (runIds.length === 0) return null;
    const service = options.resolveService();
    scenarios.runStarted(runIds);
    if (!service.ok) {
      stores.scenarios.getState().runFailed(service.error.message);
      return null;
    }
    running = true;
    const prefix = `scn${++runCounter}-${now().toString(36)}`;
    let counter = 0;
    try {
      const { harnessTimelineEvents } = await import("./timeline-events");
      const report = await runSuite({
        target: target(service.value),
        scenarios: runIds,
        policy: scenarios.policy,
        concurrency: options.freshConcurrency ?? "auto",
        onProgress: (event) => {
          const s = stores.scenarios.getState();
          if (event.type === "preflight") s.preflightDone({ server: event.server, accountFeatures: event.accountFeatures, policy: event.policy, policySource: event.policySource });
          else if (event.type === "scenario-start") s.scenarioStarted(event.id);
          else s.scenarioDone(event.report, event.identification);
        },
        onHarnessEvent: (scenarioId, event) => {
          for (const e of harnessTimelineEvents(scenarioId, event)) {
            const id = recorder.record({ ...e, id: `${prefix}-${++counter}`, at: e.at ?? now() });
            stores.scenarios.getState().noteEvent(scenarioId, id);
          }
        },
      });
      recorder.flush();
      stores.scenarios.getState().runFinished(report);
      return report;
    } catch (err) {
      recorder.flush();
      stores.scenarios.getState().runFailed(err instanceof Error ? err.message : String(err));
      return null;
    } finally {
      running = false;
    }
  }

  return {
    run,
    get running() {
      return running;
    },
    flush: () => recorder.flush(),
  };
}
