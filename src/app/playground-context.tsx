/** Gives React components the Playground service, its stores, and the scenario runner. */
import { createContext, useContext, type ReactNode } from "react";
import type { Playground } from "./playground-api";
import { ScenarioRunnerContext } from "./scenarios/runner-context";
import type { ScenarioRunner } from "./scenarios/runner";
import { StoresContext } from "./stores/hooks";

const PlaygroundContext = createContext<Playground | null>(null);

export function PlaygroundProvider({ playground, scenarioRunner, children }: { playground: Playground; scenarioRunner?: ScenarioRunner; children: ReactNode }) {
  const inner = <StoresContext.Provider value={playground.stores}>{children}</StoresContext.Provider>;
  return (
    <PlaygroundContext.Provider value={playground}>
      {scenarioRunner ? <ScenarioRunnerContext.Provider value={scenarioRunner}>{inner}</ScenarioRunnerContext.Provider> : inner}
    </PlaygroundContext.Provider>
  );
}

export function usePlayground(): Playground {
  const playground = useContext(PlaygroundContext);
  if (!playground) throw new Error("usePlayground() needs a <PlaygroundProvider> above it.");
  return playground;
}
