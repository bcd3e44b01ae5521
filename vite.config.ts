import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { referenceServerPlugin } from "./src/server/vite-plugin";
import { initialModuleGroup } from "./src/build/initial-chunk";

// The reference XMPP server rides on the dev and preview servers' HTTP upgrade at /xmpp-websocket,
// so `npm start` is one process and the app's default profile needs no configuration.
// XPP_NO_REFERENCE_SERVER=1 leaves it out: the page then behaves as on a static host (the sandbox).
const withReferenceServer = process.env.XPP_NO_REFERENCE_SERVER !== "1";

export default defineConfig({
  // Relative asset URLs: dist/ works from any static host, at the root or under a sub-path.
  base: "./",
  plugins: [react(), referenceServerPlugin({ enabled: withReferenceServer })],
  // The sandbox's Worker (the server core) is its own ES module chunk, fetched on first use.
  worker: { format: "es" },
  server: { host: "127.0.0.1", port: 5173, strictPort: false },
  // `npm start` is build + preview: the same address the dev server had.
  preview: { host: "127.0.0.1", port: 5173 },
  // The manifest tells `npm run size` which chunks a first visit loads (entry + static imports).
  // Everything the entry imports statically is loaded at start anyway: one chunk compresses better
  // than the dozen small shared chunks Rolldown would split it into (~4 kB gzip, issue 14).
  build: {
    manifest: true,
    // Every browser the app supports knows <link rel=modulepreload>; elsewhere it is only a hint.
    modulePreload: { polyfill: false },
    rolldownOptions: { output: { codeSplitting: { groups: [initialModuleGroup(fileURLToPath(new URL("./src/app/main.tsx", import.meta.url)))] } } },
  },
});
