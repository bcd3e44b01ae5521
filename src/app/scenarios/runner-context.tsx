/**
 * Gives the Scenarios panel its ScenarioRunner. The app creates the runner next to the Playground
 * (main.tsx) and provides it through <PlaygroundProvider scenarioRunner>; tests provide a fake.
 */
import { createContext, useContext } from "react";
import type { ScenarioRunner } from "./runner";

export const ScenarioRunnerContext = createContext<ScenarioRunner | null>(null);

export function useScenarioRunner(): ScenarioRunner {
  const runner = useContext(ScenarioRunnerContext);
  if (!runner) throw new Error("useScenarioRunner() needs a ScenarioRunner provided above it (<PlaygroundProvider scenarioRunner>).");
  return runner;
}
