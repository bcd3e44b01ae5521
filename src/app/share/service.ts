/**
 * The share service: builds the share link and the JSON file from the playground's state, reads
 * a link or a file back, and replays a setup on a chosen target. It owns the share store (the
 * opened link and the replay's progress); the Share dialog and the link banner only read it and
 * call these actions.
 *
 * The codec, the validation, capture and replay are fetched on first use (issue 14: a small first
 * load): at start the page only looks for `setup=` in the hash (./fragment).
 */
import { createStore, type StoreApi } from "zustand/vanilla";
import type { ActionResult } from "../playground-api";
import type { SetupActions } from "./apply";
import { MAX_JSON_BYTES, setupParam } from "./fragment";
import type { Checked, Setup } from "./setup";

/** Where a setup is replayed: the server the Connection tab points at, or the in-page sandbox server. */
export type ApplyTarget = "connected" | "sandbox";

export interface TargetOption {
  id: ApplyTarget;
  label: string;
  available: boolean;
  /** Why it is not available, or what choosing it does. */
  note: string;
}

/** Switches the playground to the sandbox server before a replay; provided once the sandbox exists. */
export type SwitchToSandbox = () => Promise<ActionResult>;

export type OpenedSetup =
  | { status: "none" }
  | { status: "reading" }
  | { status: "invalid"; source: "link" | "file"; error: string }
  | { status: "ready"; source: "link" | "file"; setup: Setup };

export interface ReplayState {
  status: "idle" | "running" | "done" | "failed";
  target: ApplyTarget | null;
  steps: string[];
  message: string;
}

export interface ShareState {
  opened: OpenedSetup;
  replay: ReplayState;
}

export interface ShareService {
  readonly store: StoreApi<ShareState>;
  /** The current setup, or why it cannot be shared. */
  capture(title?: string): Promise<Checked<Setup>>;
  /** A link to `pageUrl` that sets the current setup up. */
  link(pageUrl: string, title?: string): Promise<Checked<string>>;
  /** The current setup as the text of a JSON file. */
  exportJson(title?: string): Promise<Checked<string>>;
  /** Reads a location hash; a hash without a setup leaves the store as it is. */
  openHash(hash: string): Promise<void>;
  /** Reads an imported file's text. */
  openFile(text: string): Promise<void>;
  dismiss(): void;
  targets(): TargetOption[];
  apply(target: ApplyTarget, options?: { play?: boolean }): Promise<ActionResult<string>>;
  /**
   * Calls `listener` (at most once per `throttleMs`) when what a capture reads changes: the
   * resources, registrations, messages sent, the sink and the profile. Returns the unsubscribe.
   */
  watchSetup(listener: () => void, throttleMs?: number): () => void;
}

export interface ShareServiceDeps {
  playground: SetupActions;
  switchToSandbox?: SwitchToSandbox;
  /** Why something else is driving the playground now (a guided demo on screen, ./exclusive), or null. */
  busyElsewhere?: () => string | null;
}

const loadApply = () => import("./apply");
const loadCapture = () => import("./capture");
const loadLink = () => import("./link");
const failure = (e: unknown) => (e instanceof Error ? e.message : String(e));
/** A part of the share code that could not be fetched (offline, a redeploy): said where it was needed. */
const notLoaded = (e: unknown): Checked<never> => ({ ok: false, error: `the share code could not be loaded (${failure(e)}); check the connection and try again` });

const IDLE: ReplayState = { status: "idle", target: null, steps: [], message: "" };
/** Files larger than this are refused before parsing (a setup is a few kilobytes). */
export const MAX_FILE_CHARS = MAX_JSON_BYTES;

export function createShareService({ playground, switchToSandbox, busyElsewhere }: ShareServiceDeps): ShareService {
  const store = createStore<ShareState>()(() => ({ opened: { status: "none" }, replay: IDLE }));
  const set = (patch: Partial<ShareState>) => store.setState(patch);
  const replay = (patch: Partial<ReplayState>) => store.setState((s) => ({ replay: { ...s.replay, ...patch } }));

  function targets(): TargetOption[] {
    const service = playground.stores.profile.getState().profile.service;
    return [
      { id: "connected", label: "On the connected server", available: true, note: `replays through ${service}, with the Connection tab's accounts` },
      switchToSandbox
        ? { id: "sandbox", label: "On the sandbox server", available: true, note: "starts the reference server inside this page and replays there" }
        : { id: "sandbox", label: "On the sandbox server", available: false, note: "the in-page sandbox server is not part of this build yet" },
    ];
  }

  async function apply(target: ApplyTarget, options: { play?: boolean } = {}): Promise<ActionResult<string>> {
    const opened = store.getState().opened;
    const failed = (message: string): ActionResult<string> => {
      replay({ status: "failed", message });
      return { ok: false, error: { code: "bad-input", message } };
    };
    if (opened.status !== "ready") return failed("there is no setup to apply: open a share link or import a setup file first");
    if (store.getState().replay.status === "running") return failed("a replay is already running");
    const busy = busyElsewhere?.();
    if (busy) return failed(`not started: ${busy}`);
    set({ replay: { status: "running", target, steps: [], message: "setting the playground up…" } });
    const option = targets().find((t) => t.id === target);
    if (!option?.available) return failed(`${option?.label ?? target} is not available: ${option?.note ?? "unknown target"}`);
    if (target === "sandbox" && switchToSandbox) {
      const switched = await switchToSandbox();
      if (!switched.ok) return failed(`could not start the sandbox server: ${switched.error.message}`);
    }
    let result: ActionResult<string>;
    try {
      const { applySetup } = await loadApply();
      result = await applySetup(playground, opened.setup, { ...options, onStep: (text) => store.setState((s) => ({ replay: { ...s.replay, steps: [...s.replay.steps, text] } })) });
    } catch (e) {
      result = { ok: false, error: { code: "internal", message: `the replay stopped: ${failure(e)}` } };
    }
    if (!result.ok) return failed(result.error.message);
    replay({ status: "done", message: result.value });
    return result;
  }

  async function capture(title?: string): Promise<Checked<Setup>> {
    try {
      return (await loadCapture()).captureSetup(playground.stores, title);
    } catch (e) {
      return notLoaded(e);
    }
  }

  async function decoded(read: (link: Awaited<ReturnType<typeof loadLink>>) => Promise<Checked<Setup>> | Checked<Setup>): Promise<Checked<Setup>> {
    try {
      return await read(await loadLink());
    } catch (e) {
      return notLoaded(e);
    }
  }

  function watchSetup(listener: () => void, throttleMs = 150): () => void {
    const { sessions, registrations, timeline, sink, profile } = playground.stores;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const changed = () => {
      timer ??= setTimeout(() => {
        timer = null;
        listener();
      }, throttleMs);
    };
    const unsubscribes = [sessions, registrations, timeline, sink, profile].map((s) => s.subscribe(changed));
    return () => {
      if (timer !== null) clearTimeout(timer);
      for (const u of unsubscribes) u();
    };
  }

  return {
    store,
    capture,
    watchSetup,
    async link(pageUrl, title) {
      const setup = await capture(title);
      if (!setup.ok) return setup;
      try {
        return { ok: true, value: await (await loadLink()).shareUrl(pageUrl, setup.value) };
      } catch (e) {
        return notLoaded(e);
      }
    },
    async exportJson(title) {
      const setup = await capture(title);
      return setup.ok ? { ok: true, value: `${JSON.stringify(setup.value, null, 2)}\n` } : setup;
    },
    async openHash(hash) {
      const param = setupParam(hash);
      if (param === null) return;
      set({ opened: { status: "reading" }, replay: IDLE });
      const r = await decoded((link) => link.decodeSetup(param));
      set({ opened: r.ok ? { status: "ready", source: "link", setup: r.value } : { status: "invalid", source: "link", error: r.error } });
    },
    async openFile(text) {
      if (text.length > MAX_FILE_CHARS) {
        set({ opened: { status: "invalid", source: "file", error: `the file is too large for a setup (${text.length} characters; at most ${MAX_FILE_CHARS})` } });
        return;
      }
      const r = await decoded((link) => link.parseSetupJson(text.replace(/^\uFEFF/, "")));
      set({ opened: r.ok ? { status: "ready", source: "file", setup: r.value } : { status: "invalid", source: "file", error: r.error }, replay: IDLE });
    },
    dismiss: () => set({ opened: { status: "none" }, replay: IDLE }),
    targets,
    apply,
  };
}
