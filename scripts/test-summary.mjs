// Prints one closing line "N passed, N failed" from the Vitest and Playwright JSON reports,
// so a CI log reader sees the counts whatever runner produced them.
import { existsSync, readFileSync } from "node:fs";

let passed = 0;
let failed = 0;
let skipped = 0;
const parts = [];

const vitestFile = "test-results/vitest.json";
if (existsSync(vitestFile)) {
  const r = JSON.parse(readFileSync(vitestFile, "utf8"));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  parts.push(`vitest ${r.numPassedTests}/${r.numTotalTests}`);
}

// Two Playwright passes (playwright.config.ts): the specs against the reference server, and the
// static site's specs with no reference server anywhere (E2E_STATIC=1). Each writes its own report.
const PLAYWRIGHT_PASSES = [
  ["playwright", "test-results/playwright.json"],
  ["playwright static", "test-results/playwright-static.json"],
];
const ranPasses = PLAYWRIGHT_PASSES.filter(([, file]) => existsSync(file)).length;
for (const [name, file] of PLAYWRIGHT_PASSES) {
  if (!existsSync(file)) {
    // `npm run test:e2e` removes both reports and runs both passes: one without a report did not run.
    if (ranPasses > 0) {
      failed += 1;
      parts.push(`${name}: no report (${file})`);
    }
    continue;
  }
  const r = JSON.parse(readFileSync(file, "utf8"));
  const s = r.stats;
  // A pass that could not start (a config or global setup error) reports no test but an error.
  const errors = r.errors?.length ?? 0;
  passed += s.expected + (s.flaky ?? 0);
  failed += s.unexpected + errors;
  skipped += s.skipped;
  parts.push(`${name} ${s.expected}/${s.expected + s.unexpected + s.skipped + (s.flaky ?? 0)}${errors ? ` (${errors} errors)` : ""}`);
}

if (parts.length === 0) {
  console.error("no test report found");
  process.exit(1);
}
console.log(`(${parts.join(", ")})`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
