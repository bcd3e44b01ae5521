/// <reference types="vite/client" />
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { createPlayground, newRunTag } from "./playground";
import { createRecorder } from "./playground/recorder";
import { preloadLogReaders } from "./playground/server-log";
import { loadXmppSession } from "./playground/session-lanes";
import { EventDetailView, preloadViews, StanzaXmlView, TimelineListView } from "./lazy-views";
import { PlaygroundProvider } from "./playground-context";
import { createLazyScenarioRunner } from "./scenarios/lazy-runner";
import { createLazyDemoPlayer } from "./demos/lazy-player";
import { withoutSetup } from "./share/fragment";
import { demoOnScreenReason, replayRunningReason } from "./share/exclusive";
import { createShareService } from "./share/service";
import { ShareProvider } from "./share/share-context";
import { createStores } from "./stores";
import { DEFAULT_PROFILE } from "./stores/profile";
import { chooseDefaultServer } from "../sandbox/hosting";

import "./styles/theme.css";
import "./styles/app.css";

// One Playground for the page: it owns every XMPP session and feeds the stores, outside React, so
// capture never depends on which panel is mounted. The scenario runner writes the same timeline
// through the same recorder, and lives as long as the page (a run survives the panel unmounting);
// its code comes with the first run.
const stores = createStores();
const recorder = createRecorder({ stores, now: () => Date.now(), idPrefix: newRunTag() });
const playground = createPlayground({ stores, recorder });
const scenarioRunner = createLazyScenarioRunner({ stores, recorder, resolveService: () => playground.resolvedService() });
const setService = (service: string) => playground.profile.update({ service });
// On a static host (no reference server answering on this origin) the sandbox becomes the default.
void chooseDefaultServer({
  pageUrl: location.href,
  currentService: () => stores.profile.getState().profile.service,
  setService,
  defaultService: DEFAULT_PROFILE.service,
});
// Share links and guided demos replay through the same service actions (issue 11). A link's
// setup is read from the fragment at start and whenever the fragment changes; it is applied only
// when the user chooses where.
// The sandbox target loads its module (and starts the in-page server) only when chosen.
// A replay and a demo never drive the playground at once (share/exclusive.ts): each asks the other.
const share = createShareService({
  playground,
  switchToSandbox: async () => (await import("../sandbox/switch")).createSwitchToSandbox({ setService })(),
  busyElsewhere: () => demoOnScreenReason(demos),
});
// The player, its presets and the replay are fetched when a demo is first started.
const demos = createLazyDemoPlayer({ playground, busyElsewhere: () => replayRunningReason(share) });
void share.openHash(location.hash);
window.addEventListener("hashchange", () => void share.openHash(location.hash));
// Dismissed: the link leaves the address bar too, so a reload does not offer it again.
share.store.subscribe((state, previous) => {
  if (state.opened.status === "none" && previous.opened.status !== "none") history.replaceState(history.state, "", withoutSetup(location.href));
});
// Dev builds expose the service for the console and for e2e scripts (e.g. to load many events).
if (import.meta.env.DEV) (window as unknown as { __playground?: typeof playground }).__playground = playground;

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <PlaygroundProvider playground={playground} scenarioRunner={scenarioRunner}>
        <ShareProvider value={{ share, demos }}>
          <App />
        </ShareProvider>
      </PlaygroundProvider>
    </StrictMode>,
  );
}

// The first screen needs none of these: fetch them while the user reads it, so the first Connect and
// the first rows do not wait for a download. A failure here is shown where the chunk is used (Retry).
const preload = () => {
  loadXmppSession().catch(() => undefined);
  preloadLogReaders().catch(() => undefined);
  preloadViews([TimelineListView, EventDetailView, StanzaXmlView]).catch(() => undefined);
};
if (typeof requestIdleCallback === "function") requestIdleCallback(preload, { timeout: 2000 });
else setTimeout(preload, 500);

// Close the sessions cleanly when Vite swaps this module, and when the page goes away.
if (import.meta.hot)
  import.meta.hot.dispose(() => {
    demos.stop();
    void playground.dispose();
  });
// A page restored from the back/forward cache has closed sockets: start over rather than show stale state.
window.addEventListener("pagehide", () => void playground.dispose());
window.addEventListener("pageshow", (e) => {
  if (e.persisted) location.reload();
});
