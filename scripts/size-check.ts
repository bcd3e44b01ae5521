/**
 * `npm run size`: fails when the production build's initial JS (the entry chunk and its static
 * imports) is above 150 kB gzip (issue 14). Reads dist/.vite/manifest.json, so run it after
 * `vite build`; a size is deterministic, so this may fail CI.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { formatSizeReport, initialJsFiles, judgeInitialSize, type Manifest } from "../src/build/initial-js";

export const INITIAL_JS_LIMIT = 150_000;

function main(): number {
  const dist = process.argv[2] ?? "dist";
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(join(dist, ".vite", "manifest.json"), "utf8")) as Manifest;
  } catch (error) {
    process.stderr.write(`size check: cannot read ${join(dist, ".vite", "manifest.json")} (${(error as Error).message}); run \`npx vite build\` first\n`);
    return 2;
  }
  const files = initialJsFiles(manifest).map((file) => {
    const code = readFileSync(join(dist, file));
    return { file, bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
  });
  const verdict = judgeInitialSize(files, INITIAL_JS_LIMIT);
  for (const line of formatSizeReport(verdict)) process.stdout.write(`${line}\n`);
  return verdict.ok ? 0 : 1;
}

process.exitCode = main();
