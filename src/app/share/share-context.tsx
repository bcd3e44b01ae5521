/** Gives the Share and Demos views the share service and the demo player (created in main.tsx). */
import { createContext, useContext, type ReactNode } from "react";
import type { DemoPlayer } from "../demos/player";
import type { ShareService } from "./service";

export interface ShareContextValue {
  share: ShareService;
  demos: DemoPlayer;
}

const ShareContext = createContext<ShareContextValue | null>(null);

export function ShareProvider({ value, children }: { value: ShareContextValue; children: ReactNode }) {
  return <ShareContext.Provider value={value}>{children}</ShareContext.Provider>;
}

/** Null where the page was rendered without the share services (component tests of other panels). */
export function useShareServices(): ShareContextValue | null {
  return useContext(ShareContext);
}
