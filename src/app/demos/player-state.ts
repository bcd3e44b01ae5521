/** The demo player's state and interface, apart from its code (./lazy-player loads that on first use). */
import type { StoreApi } from "zustand/vanilla";
import type { SetupActions } from "../share/apply";
import type { DemoPreset } from "./presets";

export type DemoPhase = "idle" | "running" | "shown" | "failed" | "finished";

export interface DemoPlayerState {
  demoId: string | null;
  /** The step whose caption is up. */
  index: number;
  phase: DemoPhase;
  paused: boolean;
  /** What the step did (the outcome line under the caption). */
  outcome: string | null;
  /** False when a send's outcome is not the one the case shows. */
  matched: boolean;
  error: string | null;
}

export interface DemoPlayer {
  readonly store: StoreApi<DemoPlayerState>;
  start(id: string): Promise<void>;
  pause(): void;
  resume(): Promise<void>;
  togglePause(): Promise<void>;
  next(): Promise<void>;
  previous(): Promise<void>;
  stop(): void;
  current(): DemoPreset | undefined;
}

export interface DemoPlayerOptions {
  playground: SetupActions;
  /** Reading time between steps (ms). */
  dwellMs?: number;
  /** Bounds a step's wait for the server (ms). */
  timeoutMs?: number;
  /** The store to drive (the lazy player's, created before this module is fetched). */
  store?: StoreApi<DemoPlayerState>;
  /** Why something else is driving the playground now (a setup replay, share/exclusive.ts), or null: a demo then does not start. */
  busyElsewhere?: () => string | null;
}

export const IDLE: DemoPlayerState = { demoId: null, index: 0, phase: "idle", paused: false, outcome: null, matched: true, error: null };

