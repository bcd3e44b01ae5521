/**
 * The store changes the views ask for, as service actions: views read the stores and call these;
 * they never write a store a service owns.
 */
import type { StoreApi } from "zustand/vanilla";
import type { PolicyName } from "../../protocol/policy/types";
import type { ScenarioInfo } from "../../scenarios/expectations";
import type { LaneId } from "../model";
import { importTimelineFile } from "../workers/import-timeline";
import type { Stores } from "../stores";
import type { ConsoleState } from "../stores/console";
import type { ProfileState } from "../stores/profile";
import type { ScenariosState } from "../stores/scenarios";
import type { ExportResult, ImportResult, TimelineState } from "../stores/timeline";

/** The filters and pause both the timeline and the console have, under the same names. */
const FILTER_ACTIONS = ["setSearch", "setLaneFilter", "toggleLane", "setKindFilter", "toggleKind", "pause", "resume"] as const;
const CONSOLE_ACTIONS = [...FILTER_ACTIONS, "setDirection", "setHideSm"] as const;
const SCENARIO_CHOICE_ACTIONS = ["toggle", "setSelected", "setPolicy", "setAccounts"] as const;
const PROFILE_ACTIONS = ["update", "updateAccount", "saveCurrent", "load", "remove", "resetToDefaults", "setAutoReconnect"] as const;

/** The console's search, direction/kind/lane/SM filters and pause (what its toolbar changes). */
export type ConsoleActions = Pick<ConsoleState, (typeof CONSOLE_ACTIONS)[number]>;
/** What the Scenarios panel chooses before a run: the selection, the judging policy, the accounts. */
export type ScenarioChoiceActions = Pick<ScenariosState, (typeof SCENARIO_CHOICE_ACTIONS)[number]>;
/** The connection profile being edited, the saved profiles and the reconnect switch (Connection tab). */
export type ProfileActions = Pick<ProfileState, (typeof PROFILE_ACTIONS)[number]>;

export interface TimelineActions extends Pick<TimelineState, (typeof FILTER_ACTIONS)[number]> {
  select(id: string | null): void;
  /**
   * Show one event: what is queued is recorded first, then the live view with no lane, kind or
   * search filter hiding it, the event selected.
   */
  showEvent(id: string): void;
  /**
   * The live session as a JSON file's content, written without blocking the page; it holds the
   * events captured up to the call. Never rejects.
   */
  exportJson(): Promise<ExportResult>;
  /** Validate and load a file's text into the read-only imported view (on this thread). Never rejects. */
  importJson(text: string, source?: string): Promise<ImportResult>;
  /** Read, validate and load a file off the main thread (a Web Worker), showing it as it streams in. Never rejects. */
  importFile(file: File): Promise<ImportResult>;
  closeImport(): void;
  /** No search, lane or kind filter: every event of the view shows. */
  clearFilters(): void;
  /** Empty the live view and the paused buffer, events still queued included (capture goes on). */
  clear(): void;
}

export interface ExpectationActions {
  /** Returns what was set (rounded, clamped), or null for a non-number. */
  setWindowMs(ms: number): number | null;
  pin(policy: PolicyName | null): void;
  /** Forget every record and the score. */
  reset(): void;
}

export interface ViewActions {
  timeline: TimelineActions;
  expectations: ExpectationActions;
  console: ConsoleActions;
  scenarios: ScenarioChoiceActions;
  profile: ProfileActions;
  /** The raw XML composer's history (kept even when the text is not sent). */
  rememberSent(text: string): void;
  setResourceColour(id: LaneId, colour: string): void;
  resetSinkCounters(): void;
  /** Forget registrations that are no longer active. */
  pruneInactiveRegistrations(): void;
  /** Empty the XML console, frames still queued included (capture goes on). */
  clearConsole(): void;
  /**
   * Give the Scenarios panel its catalogue the first time it is shown. `describe` comes with the
   * panel's chunk, so the first load does not carry the catalogue.
   */
  ensureScenarioCatalogue(describe: () => ScenarioInfo[]): void;
}

type Action = (...args: never[]) => unknown;
type ActionNames<S> = { [K in keyof S]: S[K] extends Action ? K : never }[keyof S];

/** The store's actions named, each run on the store's state of the moment it is called. */
function storeActions<S, K extends ActionNames<S>>(store: StoreApi<S>, names: readonly K[]): Pick<S, K> {
  const actions: Partial<Pick<S, K>> = {};
  for (const name of names) {
    const call = (...args: never[]) => (store.getState()[name] as Action)(...args);
    actions[name] = call as S[K];
  }
  return actions as Pick<S, K>;
}

export function createViewActions(stores: Stores, setColour: (id: LaneId, colour: string) => void, flush: () => void): ViewActions {
  const clearTimelineFilters = () => {
    const timeline = stores.timeline.getState();
    timeline.setLaneFilter(null);
    timeline.setKindFilter(null);
    timeline.setSearch("");
  };
  return {
    timeline: {
      ...storeActions(stores.timeline, FILTER_ACTIONS),
      select: (id) => stores.timeline.getState().select(id),
      showEvent(id) {
        flush();
        const timeline = stores.timeline.getState();
        if (timeline.view !== "live") timeline.showView("live");
        clearTimelineFilters();
        timeline.select(id);
      },
      exportJson: () => stores.timeline.getState().exportJson(),
      importJson: (text, source) => stores.timeline.getState().importJson(text, source),
      importFile: (file) => importTimelineFile(stores.timeline, file),
      closeImport: () => stores.timeline.getState().closeImport(),
      clearFilters: clearTimelineFilters,
      clear() {
        // As for the console: events captured before the click but not yet flushed would otherwise appear after it.
        flush();
        stores.timeline.getState().clear();
      },
    },
    console: storeActions(stores.console, CONSOLE_ACTIONS),
    scenarios: storeActions(stores.scenarios, SCENARIO_CHOICE_ACTIONS),
    profile: storeActions(stores.profile, PROFILE_ACTIONS),
    expectations: {
      setWindowMs: (ms) => stores.expectations.getState().setWindowMs(ms),
      pin: (policy) => stores.expectations.getState().pin(policy),
      reset: () => stores.expectations.getState().reset(),
    },
    rememberSent: (text) => stores.console.getState().rememberSent(text),
    setResourceColour: setColour,
    resetSinkCounters: () => stores.sink.getState().resetCounters(),
    pruneInactiveRegistrations: () => stores.registrations.getState().pruneInactive(),
    clearConsole() {
      // Frames captured before the click but not yet flushed would otherwise appear after it.
      flush();
      stores.console.getState().clear();
    },
    ensureScenarioCatalogue(describe) {
      if (stores.scenarios.getState().catalogue.length === 0) stores.scenarios.getState().setCatalogue(describe());
    },
  };
}
