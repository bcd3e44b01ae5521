/**
 * The Scenarios panel's state: the §C catalogue, what is selected, how a run is judged, and the
 * progress and results of the current (or last) run. Only the ScenarioRunner (src/app/scenarios)
 * writes the run fields; components read them and call the selection/option actions.
 */
import { createStore, type StoreApi } from "zustand/vanilla";
import type { ServerIdentity } from "../../conformance/server-identity";
import type { AccountChoice, PolicyIdentification, PolicySource, ScenarioReport, SuiteReport } from "../../conformance/types";
import type { PolicyName } from "../../protocol/policy/types";
import type { ScenarioInfo } from "../../scenarios/expectations";

export type ScenarioPolicyChoice = PolicyName | "from-disco";
export type ScenarioRunStatus = "idle" | "running" | "done" | "failed";

export interface ScenarioPreflight {
  server: ServerIdentity;
  accountFeatures: string[] | null;
  policy: PolicyName;
  policySource: PolicySource;
}

export interface ScenariosState {
  /** Empty until the Scenarios panel (its own chunk, with the catalogue) is first shown. */
  catalogue: ScenarioInfo[];
  /** Ids ticked for "Run selected", in catalogue order. */
  selected: string[];
  /** Judge under this policy, or the one the server names in its disco#info. */
  policy: ScenarioPolicyChoice;
  accounts: AccountChoice;

  status: ScenarioRunStatus;
  /** Ids of the scenarios in the current (or last) run, in run order. */
  runIds: string[];
  done: number;
  /** Scenarios started and not finished yet (several at once with fresh accounts). */
  running: string[];
  preflight: ScenarioPreflight | null;
  results: Record<string, ScenarioReport>;
  /** Live identification over the scenarios finished so far (final once the run is done). */
  identification: PolicyIdentification | null;
  /** The whole report once the run finished (the exports are built from it). */
  report: SuiteReport | null;
  /** Why the run could not start or broke off. */
  error: string | null;
  /** The first timeline event of each scenario of this run ("Show in timeline"). */
  firstEventIds: Record<string, string>;

  setCatalogue(catalogue: ScenarioInfo[]): void;
  toggle(id: string): void;
  setSelected(ids: string[]): void;
  setPolicy(policy: ScenarioPolicyChoice): void;
  setAccounts(accounts: AccountChoice): void;

  /** Runner only. */
  runStarted(ids: string[]): void;
  preflightDone(preflight: ScenarioPreflight): void;
  scenarioStarted(id: string): void;
  scenarioDone(report: ScenarioReport, identification: PolicyIdentification): void;
  noteEvent(scenarioId: string, eventId: string): void;
  runFinished(report: SuiteReport): void;
  runFailed(error: string): void;
}

const RUN_RESET = {
  runIds: [] as string[],
  done: 0,
  running: [] as string[],
  preflight: null,
  results: {} as Record<string, ScenarioReport>,
  identification: null,
  report: null,
  error: null,
  firstEventIds: {} as Record<string, string>,
};

export function createScenariosStore(catalogue: ScenarioInfo[] = []): StoreApi<ScenariosState> {
  return createStore<ScenariosState>()((set, get) => {
    const order = (ids: Iterable<string>) => {
      const wanted = new Set(ids);
      return get().catalogue.map((s) => s.id).filter((id) => wanted.has(id));
    };
    return {
      catalogue,
      selected: [],
      policy: "from-disco",
      accounts: "auto",
      status: "idle",
      ...RUN_RESET,

      toggle: (id) => {
        const selected = get().selected;
        set({ selected: order(selected.includes(id) ? selected.filter((s) => s !== id) : [...selected, id]) });
      },
      setCatalogue: (next) => set({ catalogue: [...next], selected: get().selected.filter((id) => next.some((s) => s.id === id)) }),
      setSelected: (ids) => set({ selected: order(ids) }),
      setPolicy: (policy) => set({ policy }),
      setAccounts: (accounts) => set({ accounts }),

      runStarted: (runIds) => set({ ...RUN_RESET, status: "running", runIds: [...runIds] }),
      preflightDone: (preflight) => set({ preflight }),
      scenarioStarted: (id) => set({ running: [...get().running.filter((r) => r !== id), id] }),
      scenarioDone: (report, identification) =>
        set({
          results: { ...get().results, [report.id]: report },
          running: get().running.filter((r) => r !== report.id),
          done: get().done + 1,
          identification,
        }),
      noteEvent: (scenarioId, eventId) => {
        if (get().firstEventIds[scenarioId]) return;
        set({ firstEventIds: { ...get().firstEventIds, [scenarioId]: eventId } });
      },
      runFinished: (report) => {
        const results = Object.fromEntries(report.scenarios.map((s) => [s.id, s]));
        set({
          status: report.fatal ? "failed" : "done",
          report,
          results,
          running: [],
          done: report.scenarios.length,
          identification: report.identification,
          error: report.fatal ?? null,
        });
      },
      runFailed: (error) => set({ status: "failed", running: [], error }),
    };
  });
}

/** The run's scenarios in run order with their report (undefined while pending). */
export function selectRunRows(s: Pick<ScenariosState, "runIds" | "results">): { id: string; report: ScenarioReport | undefined }[] {
  return s.runIds.map((id) => ({ id, report: s.results[id] }));
}
