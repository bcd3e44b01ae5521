/** Gives React components the Playground service and its stores. */
import { createContext, useContext, type ReactNode } from "react";
import type { Playground } from "./playground-api";
import { StoresContext } from "./stores/hooks";

const PlaygroundContext = createContext<Playground | null>(null);

export function PlaygroundProvider({ playground, children }: { playground: Playground; children: ReactNode }) {
  return (
    <PlaygroundContext.Provider value={playground}>
      <StoresContext.Provider value={playground.stores}>{children}</StoresContext.Provider>
    </PlaygroundContext.Provider>
  );
}

export function usePlayground(): Playground {
  const playground = useContext(PlaygroundContext);
  if (!playground) throw new Error("usePlayground() needs a <PlaygroundProvider> above it.");
  return playground;
}
