/**
 * Gives the Scenarios panel its ScenarioRunner. Tests provide a fake through the context; the app
 * gets one runner per Playground, created on first use and bound to its stores and profile.
 */
import { createContext, useContext } from "react";
import { usePlayground } from "../playground-context";
import type { Playground } from "../playground-api";
import { createScenarioRunner, type ScenarioRunner } from "./runner";

export const ScenarioRunnerContext = createContext<ScenarioRunner | null>(null);

const runners = new WeakMap<Playground, ScenarioRunner>();

/** The runner of this Playground (one per Playground, so a run survives the panel unmounting). */
export function scenarioRunnerFor(playground: Playground): ScenarioRunner {
  let runner = runners.get(playground);
  if (!runner) {
    runner = createScenarioRunner({ stores: playground.stores, resolveService: () => playground.resolvedService() });
    runners.set(playground, runner);
  }
  return runner;
}

export function useScenarioRunner(): ScenarioRunner {
  const provided = useContext(ScenarioRunnerContext);
  const playground = usePlayground();
  return provided ?? scenarioRunnerFor(playground);
}
