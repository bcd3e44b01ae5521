/**
 * Is there a reference server behind this page? The page reads HOSTING_FILE next to itself:
 * `npm start` (Vite with the reference server plugin) answers `{ "referenceServer": true }`; a
 * static host (dist/ on GitHub Pages, `python -m http.server`, a CDN) serves dist/'s own copy,
 * which says false (or nothing usable, e.g. an HTML fallback page). Then the sandbox server in
 * this page becomes the default and the banner says so.
 */
import { createStore } from "zustand/vanilla";
import { HOSTING_FILE, SANDBOX_SERVICE } from "./protocol";

export type Hosting = "probing" | "reference-server" | "static";

export interface HostingState {
  hosting: Hosting;
  /** Set when the sandbox was made the default because the page is statically hosted. */
  sandboxDefaulted: boolean;
}

export const hostingStore = createStore<HostingState>()(() => ({ hosting: "probing", sandboxDefaulted: false }));

/** True when the hosting file next to the page says a reference server serves it. */
export async function probeReferenceServer(
  pageUrl: string,
  fetchImpl: typeof fetch = globalThis.fetch,
  timeoutMs = 3000,
): Promise<boolean> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await fetchImpl(new URL(HOSTING_FILE, pageUrl), { headers: { accept: "application/json" }, cache: "no-store", signal: controller.signal });
    if (!res.ok || !/json/i.test(res.headers.get("content-type") ?? "")) return false;
    const body: unknown = await res.json();
    return (body as { referenceServer?: unknown } | null)?.referenceServer === true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export interface ServerChoiceDeps {
  /** The page's address (`location.href`): the hosting file is read relative to it. */
  pageUrl: string;
  /** The profile's service now, and how to change it. */
  currentService: () => string;
  setService: (service: string) => void;
  /** The service a fresh profile has: only that one is replaced (a user's own URL is kept). */
  defaultService: string;
  fetch?: typeof fetch;
}

/** Probes once; on a static host, points a default profile at the sandbox. */
export async function chooseDefaultServer(deps: ServerChoiceDeps): Promise<Hosting> {
  const served = await probeReferenceServer(deps.pageUrl, deps.fetch);
  if (served) {
    hostingStore.setState({ hosting: "reference-server", sandboxDefaulted: false });
    return "reference-server";
  }
  const defaulted = deps.currentService().trim() === deps.defaultService;
  if (defaulted) deps.setService(SANDBOX_SERVICE);
  hostingStore.setState({ hosting: "static", sandboxDefaulted: defaulted });
  return "static";
}
