import { defineConfig } from "@playwright/test";
import { E2E_C2S_PORT, E2E_DATA_DIR, E2E_PORT as PORT } from "./e2e/support/e2e-env";

// Debian's Chromium, never a downloaded browser (`playwright install` cannot work here).
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

// Two passes (`npm run test:e2e` runs both):
// - the default one: dist/ served by `vite preview` with the reference server mounted on it, for
//   every spec that talks to a Node reference server;
// - E2E_STATIC=1: only the specs of the static site, with no web server at all: dist/ is built in
//   global setup and each spec serves it with a plain static file server (e2e/support/static-server.ts),
//   so no reference server answers on any origin the page can reach. They run in this pass only.
const staticPass = process.env.E2E_STATIC === "1";
const STATIC_SPECS = ["**/static-site.spec.ts", "**/sandbox-conformance.spec.ts"];
if (!staticPass && process.argv.some((a) => /static-site|sandbox-conformance/.test(a))) {
  // The default pass ignores them, so Playwright would only say "No tests found".
  console.warn("static-site.spec.ts and sandbox-conformance.spec.ts run in the static pass: E2E_STATIC=1 npx playwright test …");
}

/** The production build served by `vite preview`, with the reference server mounted on it. */
const referenceWebServer = {
  command: `npx vite build --configLoader runner --logLevel warn && npx vite preview --configLoader runner --host 127.0.0.1 --port ${PORT} --strictPort`,
  url: `http://127.0.0.1:${PORT}/`,
  timeout: 180_000,
  reuseExistingServer: false,
  env: { XMPP_C2S_PORT: String(E2E_C2S_PORT), XMPP_DATA_DIR: E2E_DATA_DIR },
  stdout: "ignore" as const,
  stderr: "pipe" as const,
};

// Each pass writes its own report; scripts/test-summary.mjs adds them up.
const report = staticPass ? "playwright-static" : "playwright";

export default defineConfig({
  testDir: "e2e",
  ...(staticPass ? { testMatch: STATIC_SPECS, globalSetup: "./e2e/support/build-dist.ts" } : { testMatch: "**/*.spec.ts", testIgnore: STATIC_SPECS, webServer: referenceWebServer }),
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"], ["json", { outputFile: `test-results/${report}.json` }]],
  outputDir: `test-results/${report}`,
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
});
