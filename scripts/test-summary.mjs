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

const pwFile = "test-results/playwright.json";
if (existsSync(pwFile)) {
  const r = JSON.parse(readFileSync(pwFile, "utf8"));
  const s = r.stats;
  passed += s.expected + (s.flaky ?? 0);
  failed += s.unexpected;
  skipped += s.skipped;
  parts.push(`playwright ${s.expected}/${s.expected + s.unexpected + s.skipped + (s.flaky ?? 0)}`);
}

if (parts.length === 0) {
  console.error("no test report found");
  process.exit(1);
}
console.log(`(${parts.join(", ")})`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
