/**
 * The page's scenario runner: the same interface as ./runner, whose code is fetched with the first
 * run (issue 14: a small first load; only the Scenarios panel, itself a lazy view, runs scenarios).
 * Created once next to the Playground, so a run still survives the panel unmounting.
 */
import type { SuiteReport } from "../../conformance/types";
import type { ScenarioRunner, ScenarioRunnerOptions } from "./runner";

type RunnerModule = Pick<typeof import("./runner"), "createScenarioRunner">;

export function createLazyScenarioRunner(options: ScenarioRunnerOptions, load: () => Promise<RunnerModule> = () => import("./runner")): ScenarioRunner {
  let runner: ScenarioRunner | null = null;
  let pending: Promise<ScenarioRunner> | null = null;

  function loaded(): Promise<ScenarioRunner> {
    pending ??= load().then(
      (m) => (runner = m.createScenarioRunner(options)),
      (error: unknown) => {
        pending = null;
        throw error;
      },
    );
    return pending;
  }

  return {
    async run(ids): Promise<SuiteReport | null> {
      let real: ScenarioRunner;
      try {
        real = await loaded();
      } catch (e) {
        // Said where a run's failures are said: the panel shows the scenarios store's error.
        options.stores.scenarios.getState().runFailed(`the scenario runner could not be loaded (${e instanceof Error ? e.message : String(e)}); check the connection and run again`);
        return null;
      }
      return real.run(ids);
    },
    get running() {
      return runner?.running ?? false;
    },
    flush: () => (runner ? runner.flush() : options.recorder.flush()),
  };
}
