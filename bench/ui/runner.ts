/**
 * What every bench/ui entry point does around its own work: read its flags, serve the built app,
 * start Debian's Chromium, close both whatever happens, and exit with the entry point's code.
 */
import { chromium, type Browser } from "playwright-core";
import { commandLine, type FlagSpecs, type ParsedFlags } from "../lib/cli";
import { startPreview, type AppServer } from "./app-server";

export interface AppInChromium {
  browser: Browser;
  server: AppServer;
}

export interface AppInChromiumOptions {
  /** Port for vite preview. */
  port: number;
  /** Another build than dist/ (e.g. an unminified one for profiling). */
  outDir?: string;
  /** Chromium's command-line switches. */
  args: readonly string[];
}

/** Serve the app, launch Chromium, run `body`, then close the browser and stop the server (ours only). */
export async function withAppInChromium<T>(options: AppInChromiumOptions, body: (bench: AppInChromium) => Promise<T>): Promise<T> {
  const server = await startPreview(options.port, options.outDir);
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: [...options.args] });
  } catch (err) {
    // vite preview runs in a process group of its own: it would outlive us.
    await server.stop();
    throw err;
  }
  try {
    return await body({ browser, server });
  } finally {
    await browser.close();
    await server.stop();
  }
}

/**
 * Run an entry point: `main` gets the parsed flags (`--help` and a bad flag end before it, with
 * 0 and 2), the process exits with its code, or prints the error and exits 1.
 */
export function runBench<S extends FlagSpecs>(title: string, specs: S, main: (flags: ParsedFlags<S>) => Promise<number>): void {
  const run = async () => {
    const flags = commandLine(title, specs);
    return typeof flags === "number" ? flags : main(flags);
  };
  run().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
