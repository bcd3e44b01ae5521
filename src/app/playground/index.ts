/**
 * The Playground service: owns every XMPP session (the account's simulated resources, the sender
 * and the App Server sink) and is the only way observed events and user actions reach the stores.
 * Framework-free (tests drive it headlessly); React gets it through playground-context.tsx.
 *
 * This module only wires the services together; each lives in its own file with its own tests.
 */
import type { Element } from "@xmpp/xml";
import { DEFAULT_POLICY_OPTIONS, type PolicyOptions } from "../../protocol/policy/types";
import { createLazyExpectationEngine } from "../expectations/lazy-engine";
import { SENDER_LANE, SINK_LANE, type LaneId } from "../model";
import type { Playground } from "../playground-api";
import { createStores, type Stores } from "../stores";
import { resolveServiceUrl } from "../xmpp/validate";
import { newStanzaId } from "../xmpp/session-types";
import { accountBareOf, ok, sinkJidOf, type PlaygroundOptions, type ServiceContext } from "./context";
import { createActions, type Actions } from "./actions";
import type { ChangeActions } from "./apply-change";
import { createExplanationService } from "./explanations";
import { randomNode } from "./format";
import { createLaneRegistry, type LaneRegistry } from "./lane-registry";
import { createLinker } from "./linker";
import { createDiscoOnConnect, type DiscoOnConnect } from "./disco-on-connect";
import { createLogEntryHandler } from "./log-entries";
import { createObserver } from "./observer";
import { createLazyOutsideSessions } from "./outside-lazy";
import { createPushActions } from "./push-actions";
import { createRecorder, type Recorder } from "./recorder";
import { createServerLogPoller } from "./server-log";
import { createServerRestartHandler } from "./server-restart";
import { createSessionLanes } from "./session-lanes";
import { createSinkService } from "./sink";
import { createViewActions } from "./view-actions";

export type { PlaygroundOptions } from "./context";

/**
 * Read live: the Connection tab's "treated as away" set (the server's --away-shows) applies to the
 * next prediction, explanation and card state without rebuilding the services.
 */
function liveAwayOptions(stores: Stores, fallback: PolicyOptions["awayShows"] | undefined): Pick<PolicyOptions, "awayShows"> {
  return {
    get awayShows() {
      return stores.profile.getState().profile.awayShows ?? fallback ?? DEFAULT_POLICY_OPTIONS.awayShows;
    },
  };
}

/** The policy options with `awayShows` read through `away` at each use (a spread would freeze it). */
function livePolicyOptions(away: Pick<PolicyOptions, "awayShows">): PolicyOptions {
  return {
    includeBody: DEFAULT_POLICY_OPTIONS.includeBody,
    get awayShows() {
      return away.awayShows;
    },
  };
}

/** A tag unique to this page load: ids of events and the sender's resource carry it. */
export function newRunTag(): string {
  return newStanzaId("run").split("-")[1] ?? "run";
}

/** Profile changes the lanes show at once: offline labels, and a new away set on the live cards. */
function watchProfile(stores: Stores, registry: LaneRegistry): () => void {
  return stores.profile.subscribe((state, previous) => {
    if (state.profile !== previous.profile) registry.refreshOfflineLabels();
    if (state.profile.awayShows !== previous.profile.awayShows) for (const v of registry.resourceViews()) registry.patchView(v.id, {});
  });
}

export function createPlayground(options: PlaygroundOptions & { recorder?: Recorder } = {}): Playground {
  const stores = options.stores ?? createStores();
  if (options.profile) stores.profile.setState({ profile: options.profile });
  const now = options.now ?? (() => Date.now());
  const runTag = newRunTag();
  const recorder = options.recorder ?? createRecorder({ stores, now, idPrefix: runTag, ...(options.flushIntervalMs !== undefined ? { flushIntervalMs: options.flushIntervalMs } : {}) });
  const ctx: ServiceContext = { stores, recorder, clock: { now } };
  const awayOptions = liveAwayOptions(stores, options.awayShows);
  const accountBare = () => accountBareOf(stores);
  const sinkJid = () => sinkJidOf(stores);

  const registry = createLaneRegistry(ctx, awayOptions);
  // Push expectations: predicted at each send, judged when the wait window closes (src/app/expectations).
  // Its code loads with the XMPP client's, before the first session is online (lazy-engine.ts).
  const expectations = createLazyExpectationEngine({
    stores,
    account: accountBare,
    sinkJid,
    policyOptions: livePolicyOptions(awayOptions),
    presenceCountOf: (lane) => registry.presenceCountOf(lane),
    now,
    // The verdicts go with the pushes they judge: one store update, one render.
    deferWrites: (flush) => recorder.defer(flush),
    // Late-bound: the linker needs the engine. Called only once pushes arrive, long after both exist.
    onPredictedLink: (pushEventId, cause) => linker.linkPredicted(pushEventId, cause),
  });
  const linker = createLinker(ctx, expectations);
  const explanations = createExplanationService({ stores, accountBare, sinkJid, policyOptions: livePolicyOptions(awayOptions) });
  const onLogEntry = createLogEntryHandler(ctx, { linker, registry, accountBare });
  const outside = createLazyOutsideSessions(ctx, { accountBare, linker, ownResources: () => new Set(registry.resourceViews().map((v) => v.resource)) });
  const serverLog = createServerLogPoller(ctx, {
    enabled: options.useServerLog ?? true,
    accountBare,
    resourceSession: () => registry.lanes().find((m) => m.role === "resource" && m.session?.online)?.session ?? null,
    anyOnline: () => registry.lanes().some((m) => m.session?.online),
    onEntry: (entry) => {
      onLogEntry(entry);
      outside.logEntry(entry, Number.isFinite(Date.parse(entry.at)) ? Date.parse(entry.at) : now());
      expectations.logEntry(entry);
      explanations.logEntry(entry);
    },
    afterRead: () => linker.resolvePendingLinks(),
    onServerRestart: () => onServerRestart(),
    isOwnEntry: (entry) => entry.kind === "message-decision" && entry.messageId !== null && linker.sentByMessageId(entry.messageId) !== undefined,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const sink = createSinkService(ctx, { linker, expectations, accountBare, onPushRecorded: () => serverLog.schedule(0) });
  const observer = createObserver(ctx, { registry, linker, othersPresence: (element, at) => outside.presenceReceived(element, at) });
  // Late-bound: a resource's presence-on-connect is an action, and actions need the lanes.
  let actions: Actions | null = null;
  let discoOnConnect: DiscoOnConnect | null = null;
  const lanes = createSessionLanes(ctx, {
    registry,
    redelivery: observer.redelivery,
    serverLog,
    sink,
    expectations,
    onElement: (lane: LaneId, direction, element: Element, at) => {
      if (lane === SINK_LANE && element.name === "iq") {
        if (direction === "in") sink.receive(element, at);
        else sink.answerSent(element, at);
      } else if (direction === "in") observer.receive(lane, element, at);
    },
    setPresence: (id, request) => actions!.setPresence(id, request),
    onResourceOnline: (id) => discoOnConnect?.resourceOnline(id),
    options,
    runTag,
  });
  actions = createActions(ctx, { registry, lanes, linker, expectations, serverLog, accountBare });
  const onServerRestart = () => {
    outside.serverRestarted(now());
    onServerRestartReset();
  };
  const onServerRestartReset = createServerRestartHandler(ctx, {
    registry,
    rerunDisco: () => discoOnConnect?.serverRestarted(registry.resourceViews().find((v) => v.status === "online")?.id ?? null),
  });
  discoOnConnect = createDiscoOnConnect(ctx, { disco: actions.disco, accountBare });
  const pushActions = createPushActions(ctx, { registry, lanes, expectations, serverLog, accountBare, sinkJid });
  const views = createViewActions(stores, registry.setColour, () => recorder.flush());

  for (const name of options.initialResources ?? ["r1", "r2"]) registry.addResource(name);
  const unsubscribeProfile = watchProfile(stores, registry);
  const changeActions: ChangeActions = {
    setPresence: actions.setPresence,
    disconnectResource: lanes.disconnect,
    killResource: lanes.kill,
    resumeResource: lanes.resume,
    addResource: registry.addResource,
    setPresenceOnConnect: registry.setPresenceOnConnect,
    connectResource: lanes.connect,
    enable: pushActions.enable,
    disable: pushActions.disable,
    send: actions.send,
  };
  const flush = () => {
    expectations.flush();
    recorder.flush();
  };

  return {
    stores,
    // Timeline, expectations, console, scenarios catalogue, colours, counters: the views' own actions.
    ...views,
    connectAll: lanes.connectAll,
    disconnectAll: lanes.disconnectAll,
    addResource: registry.addResource,
    addResources: registry.addResources,
    removeResource: registry.removeResource,
    renameResource: registry.renameResource,
    setPresenceOnConnect: registry.setPresenceOnConnect,
    connectResource: lanes.connect,
    disconnectResource: lanes.disconnect,
    killResource: lanes.kill,
    resumeResource: lanes.resume,
    setPresence: actions.setPresence,
    connectSender: () => lanes.connect(SENDER_LANE),
    disconnectSender: () => lanes.disconnect(SENDER_LANE),
    connectSink: () => lanes.connect(SINK_LANE),
    disconnectSink: () => lanes.disconnect(SINK_LANE),
    disco: actions.disco,
    enable: pushActions.enable,
    disable: pushActions.disable,
    setSinkMode: sink.setMode,
    setSinkProfile: (profile) => stores.sink.getState().setProfile(profile),
    setSinkProfileSettings: (settings) => stores.sink.getState().setProfileSettings(settings),
    setSinkFaults: (node, settings) => stores.sink.getState().setFaults(node, settings),
    sinkRemoteDisable: pushActions.remoteDisable,
    testPush: pushActions.testPush,
    send: actions.send,
    sendRaw: actions.sendRaw,
    // "Try it" (and the policies' counterfactuals it needs) loads on first use.
    applyChange: async (change) => (await import("./apply-change")).tryChange(stores, changeActions, change),
    sinkJid,
    freshNode: randomNode,
    resolvedService() {
      const r = resolveServiceUrl(stores.profile.getState().profile.service, options.pageUrl);
      return r.ok ? ok(r.value) : r;
    },
    flush,
    async syncServerLog() {
      await serverLog.sync();
      flush();
    },
    async dispose() {
      unsubscribeProfile();
      discoOnConnect?.dispose();
      explanations.dispose();
      serverLog.dispose();
      await lanes.dispose();
      expectations.dispose();
      recorder.dispose();
    },
  };
}
