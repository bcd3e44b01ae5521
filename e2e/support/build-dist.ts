/**
 * Global setup of the static pass (E2E_STATIC=1, playwright.config.ts): builds dist/ and starts
 * nothing. The specs of that pass serve dist/ with their own plain static file server
 * (./static-server.ts), so no `vite preview` and no reference server plugin run during it.
 */
import { execFileSync } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export default function buildDist(): void {
  execFileSync("npx", ["vite", "build", "--configLoader", "runner", "--logLevel", "warn"], { cwd: ROOT, stdio: "inherit" });
}
