/// <reference types="vite/client" />
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { createPlayground } from "./playground";
import { PlaygroundProvider } from "./playground-context";
import "./styles/theme.css";
import "./styles/app.css";

// One Playground for the page: it owns every XMPP session and feeds the stores, outside React, so
// capture never depends on which panel is mounted.
const playground = createPlayground();
// Dev builds expose the service for the console and for e2e scripts (e.g. to load many events).
if (import.meta.env.DEV) (window as unknown as { __playground?: typeof playground }).__playground = playground;

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <PlaygroundProvider playground={playground}>
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
