/// <reference types="vite/client" />
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { createPlayground, newRunTag } from "./playground";
import { createRecorder } from "./playground/recorder";
import { PlaygroundProvider } from "./playground-context";
import { createScenarioRunner } from "./scenarios/runner";
import { createStores } from "./stores";
import { DEFAULT_PROFILE } from "./stores/profile";
import { chooseDefaultServer } from "../sandbox/hosting";

import "./styles/theme.css";
import "./styles/app.css";

// One Playground for the page: it owns every XMPP session and feeds the stores, outside React, so
// capture never depends on which panel is mounted. The scenario runner writes the same timeline
// through the same recorder, and lives as long as the page (a run survives the panel unmounting).
const stores = createStores();
const recorder = createRecorder({ stores, now: () => Date.now(), idPrefix: newRunTag() });
const playground = createPlayground({ stores, recorder });
const scenarioRunner = createScenarioRunner({ stores, recorder, resolveService: () => playground.resolvedService() });
// On a static host (no reference server answering on this origin) the sandbox becomes the default.
void chooseDefaultServer({
  pageUrl: location.href,
  currentService: () => stores.profile.getState().profile.service,
  setService: (service) => stores.profile.getState().update({ service }),
  defaultService: DEFAULT_PROFILE.service,
});
// Dev builds expose the service for the console and for e2e scripts (e.g. to load many events).
if (import.meta.env.DEV) (window as unknown as { __playground?: typeof playground }).__playground = playground;

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <PlaygroundProvider playground={playground} scenarioRunner={scenarioRunner}>
        <App />
      </PlaygroundProvider>
    </StrictMode>,
  );
}

// Close the sessions cleanly when Vite swaps this module, and when the page goes away.
if (import.meta.hot) import.meta.hot.dispose(() => void playground.dispose());
// A page restored from the back/forward cache has closed sockets: start over rather than show stale state.
window.addEventListener("pagehide", () => void playground.dispose());
window.addEventListener("pageshow", (e) => {
  if (e.persisted) location.reload();
});
