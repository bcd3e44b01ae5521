/**
 * What the UI can ask the Playground service to do. Every action reports failures as values and
 * as timeline `error` events; none throws into the UI.
 */
import type {
  DisableRequestForm,
  DiscoResult,
  DiscoTarget,
  EnableRequestForm,
  LaneId,
  OperationResult,
  PlaygroundError,
  PresenceChoice,
  PresenceRequest,
  SendRequest,
  SinkMode,
} from "./model";
import type { Change } from "../protocol/explain";
import type { FaultSettings } from "./app-server/faults";
import type { ProfileId, ProfileSettings } from "./app-server/types";
import type { Stores } from "./stores";
import type { ConsoleActions, ExpectationActions, ProfileActions, ScenarioChoiceActions, TimelineActions, ViewActions } from "./playground/view-actions";
import type { TestPushAction } from "./playground/push-actions";

export type ActionResult<T = void> = { ok: true; value: T } | { ok: false; error: PlaygroundError };

export interface Playground {
  /** Read them; change them only through the actions below. */
  readonly stores: Stores;
  /** Selection, filters, pause, clear and import of the timeline view. */
  readonly timeline: TimelineActions;
  /** The expectation window, the pinned policy and the score. */
  readonly expectations: ExpectationActions;
  /** The XML console's search, filters and pause. */
  readonly console: ConsoleActions;
  /** The Scenarios panel's selection and run options. */
  readonly scenarios: ScenarioChoiceActions;
  /** The connection profile, the saved profiles and automatic reconnection. */
  readonly profile: ProfileActions;

  /** Connect every resource, the sender and the sink (in parallel). */
  connectAll(): Promise<void>;
  disconnectAll(): Promise<void>;

  /** Add a resource session (not connected). Default name: the first free `rN`. Returns its id. */
  addResource(name?: string): ActionResult<LaneId>;
  /** Add `count` resources (1–500) named by the first free `rN`, in one update. Returns their ids. */
  addResources(count: number): ActionResult<LaneId[]>;
  /** Disconnect (if needed) and forget a resource session. */
  removeResource(id: LaneId): Promise<void>;
  /** Rename a resource while it is offline. */
  renameResource(id: LaneId, name: string): ActionResult;
  /** Presence a resource sends right after connecting (default available; null = none, so not receiving). */
  setPresenceOnConnect(id: LaneId, choice: PresenceChoice | null): void;
  /** Connect a resource, then send its presenceOnConnect. */
  connectResource(id: LaneId): Promise<ActionResult>;
  disconnectResource(id: LaneId): Promise<void>;
  /**
   * "Kill app": drop the resource's socket without `</close>` and without reconnecting, as when the
   * OS kills the app. With XEP-0198 resumption the server keeps (hibernates) the session; without
   * it the session simply ends. `resumable` says which.
   */
  killResource(id: LaneId): Promise<ActionResult<{ resumable: boolean }>>;
  /** Resume the session killResource left hibernated (XEP-0198). `resent`: our unacknowledged stanzas sent again. */
  resumeResource(id: LaneId): Promise<ActionResult<{ resent: number }>>;
  /** Send presence (available/chat/away/xa/dnd/unavailable) with priority and status text. */
  setPresence(id: LaneId, request: PresenceRequest): Promise<ActionResult>;

  connectSender(): Promise<ActionResult>;
  disconnectSender(): Promise<void>;
  connectSink(): Promise<ActionResult>;
  disconnectSink(): Promise<void>;

  /** disco#info on the account's bare JID or the domain, from a resource (default: the first online). */
  disco(target: DiscoTarget, fromResourceId?: LaneId): Promise<ActionResult<DiscoResult>>;
  enable(request: EnableRequestForm): Promise<OperationResult>;
  disable(request: DisableRequestForm): Promise<OperationResult>;

  setSinkMode(mode: SinkMode): void;
  /** The App Server the sink plays (issue 10): its profile, the profile's settings, injected faults. */
  setSinkProfile(profile: ProfileId): void;
  setSinkProfileSettings(settings: ProfileSettings): void;
  /** Faults for one registration node, or for all (`node` null); null settings clear a node's. */
  setSinkFaults(node: string | null, settings: FaultSettings | null): void;
  resetSinkCounters(): void;
  /** Forget registrations that are no longer active (Push panel). */
  pruneInactiveRegistrations(): void;
  setResourceColour(id: LaneId, colour: string): void;
  /** Keep a raw XML text in the composer's history (also when it is not sent). */
  rememberSent(text: string): void;
  /** Empty the XML console (capture goes on). */
  clearConsole: ViewActions["clearConsole"];
  /** Give the Scenarios panel its catalogue the first time it is shown. */
  ensureScenarioCatalogue: ViewActions["ensureScenarioCatalogue"];
  /** XEP-0357 §9: the sink tells the account's server to drop `node`. */
  sinkRemoteDisable(node: string): Promise<ActionResult>;
  /** One publish to this registration on demand (the reference server's `<test-push/>`), with the App Server's answer. */
  testPush: TestPushAction;

  /** bob sends to alice (bare or a resource). Returns the sent message ids. */
  send(request: SendRequest): Promise<ActionResult<string[]>>;
  /** Send one raw element from a session (validated: exactly one well-formed element). */
  sendRaw(sessionId: LaneId, xmlText: string): Promise<ActionResult>;

  /**
   * "Try it" on a counterfactual (issue 9): set the playground up the way `change` says, through the
   * actions above. The value says what was done; the error says why it could not be (e.g. the
   * resource is not connected). Progress and outcome also go to the explanations store.
   */
  applyChange(change: Change): Promise<ActionResult<string>>;

  /** Full JID of the sink (the default `jid` for enable). */
  sinkJid(): string;
  /** A fresh random node name. */
  freshNode(): string;
  /** The WebSocket URL the profile resolves to, or why it is invalid. */
  resolvedService(): ActionResult<string>;

  /** Apply queued timeline/console events to the stores now (they are otherwise batched every ~50 ms). */
  flush(): void;
  /** Read the reference server's push log now and apply what it says (links, decisions). */
  syncServerLog(): Promise<void>;

  /** Close every session and stop timers (tests, hot reload). */
  dispose(): Promise<void>;
}
