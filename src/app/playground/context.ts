/**
 * What every playground service shares: the stores it reads, the recorder (the only writer of the
 * timeline and the console), and the clock. Services take this context plus the few sibling
 * services they call, so each can be built and tested on its own.
 */
import type { ConnectionProfile, PlaygroundError } from "../model";
import type { PolicyOptions } from "../../protocol/policy/types";
import type { Stores } from "../stores";
import type { Recorder } from "./recorder";

export interface Clock {
  now(): number;
}

export interface ServiceContext {
  readonly stores: Stores;
  readonly recorder: Recorder;
  readonly clock: Clock;
}

export interface PlaygroundOptions {
  /** Replace the profile store's current profile (e.g. a test's server URL). */
  profile?: ConnectionProfile;
  stores?: Stores;
  /** Resources created at start (default r1 and r2). */
  initialResources?: string[];
  /** Page URL that relative WebSocket paths resolve against (default: `location.href`). */
  pageUrl?: string;
  flushIntervalMs?: number;
  connectTimeoutMs?: number;
  iqTimeoutMs?: number;
  /** Used to fetch the reference server's push log (default: global fetch). */
  fetch?: typeof fetch;
  /** Read the reference server's push log to link pushes exactly (default true). */
  useServerLog?: boolean;
  /** Which `<show>` values the derived away/online flags treat as away (default away, xa). */
  awayShows?: PolicyOptions["awayShows"];
  now?: () => number;
}

export type Ok<T> = { ok: true; value: T };
export type Failed = { ok: false; error: PlaygroundError };
export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });
export const okVoid: Ok<void> = { ok: true, value: undefined };
export const failed = (error: PlaygroundError): Failed => ({ ok: false, error });

/** The account under test and the sink, as the profile names them now. */
export function accountBareOf(stores: Stores): string {
  const p = stores.profile.getState().profile;
  return `${p.account.username.trim().toLowerCase()}@${p.domain.trim().toLowerCase()}`;
}

export function sinkJidOf(stores: Stores): string {
  const p = stores.profile.getState().profile;
  return `${p.sink.username.trim().toLowerCase()}@${p.domain.trim().toLowerCase()}/${p.sink.resource.trim()}`;
}
