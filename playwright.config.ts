import { defineConfig } from "@playwright/test";
import { E2E_C2S_PORT, E2E_DATA_DIR, E2E_PORT as PORT } from "./e2e/support/e2e-env";

// Debian's Chromium, never a downloaded browser (`playwright install` cannot work here).
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

// E2E_STATIC=1: `vite preview` without the reference server plugin, i.e. a plain static file
// server, so no XMPP server runs anywhere (e2e/static-site.spec.ts; the other specs need one).
const noReferenceServer = process.env.E2E_STATIC === "1" ? "XPP_NO_REFERENCE_SERVER=1 " : "";

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"], ["json", { outputFile: "test-results/playwright.json" }]],
  outputDir: "test-results/playwright",
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: {
    // The production build served by `vite preview`, with the reference server mounted on it.
    command: `npx vite build --configLoader runner --logLevel warn && ${noReferenceServer}npx vite preview --configLoader runner --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}/`,
    timeout: 180_000,
    reuseExistingServer: false,
    env: { XMPP_C2S_PORT: String(E2E_C2S_PORT), XMPP_DATA_DIR: E2E_DATA_DIR },
    stdout: "ignore",
    stderr: "pipe",
  },
});
