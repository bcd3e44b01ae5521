import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { referenceServerPlugin } from "./src/server/vite-plugin";

// The reference XMPP server rides on the dev and preview servers' HTTP upgrade at /xmpp-websocket,
// so `npm start` is one process and the app's default profile needs no configuration.
export default defineConfig({
  plugins: [react(), referenceServerPlugin()],
  server: { host: "127.0.0.1", port: 5173, strictPort: false },
  // `npm start` is build + preview: the same address the dev server had.
  preview: { host: "127.0.0.1", port: 5173 },
  // The manifest tells `npm run size` which chunks a first visit loads (entry + static imports).
  build: { manifest: true },
});
