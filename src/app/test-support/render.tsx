/** Test helpers for component tests: real stores, a fake Playground that records calls. */
import { render, type RenderResult } from "@testing-library/react";
import type { ReactElement } from "react";
import { vi, type Mock } from "vitest";
import type { ActionResult, Playground } from "../playground-api";
import { PlaygroundProvider } from "../playground-context";
import { createViewActions } from "../playground/view-actions";
import type { LaneId, OperationResult, TimelineEvent } from "../model";
import { createStores, type Stores } from "../stores";
import { createMemoryStorage } from "../stores/profile";
import type { SessionView } from "../stores/sessions";
import type { SinkState } from "../stores/sink";

type Fn = (...args: never[]) => unknown;
type Spied<T> = { [K in keyof T]: T[K] extends Fn ? Mock<T[K]> & T[K] : T[K] };
/** The Playground's groups of view actions (`playground.timeline.select`, `playground.console.setSearch`…). */
type ActionGroup = "timeline" | "expectations" | "console" | "scenarios" | "profile";
export type FakePlayground = Spied<Omit<Playground, ActionGroup>> & { [G in ActionGroup]: Spied<Playground[G]> };

/** Each action of a group recorded by a spy that still runs it. */
function spyEach<T extends object>(group: T): Spied<T> {
  return Object.fromEntries(Object.entries(group).map(([name, action]) => [name, typeof action === "function" ? vi.fn(action as Fn) : action])) as Spied<T>;
}

const ok = <T,>(value: T): ActionResult<T> => ({ ok: true, value });

export function makeStores(): Stores {
  return createStores({ profile: { storage: createMemoryStorage() } });
}

/**
 * A Playground whose actions only record their calls and answer success. The view actions
 * (selection, import, expectation settings, counters…) also apply to the stores, as the real ones do.
 */
export function createFakePlayground(stores: Stores = makeStores()): FakePlayground {
  // The fake records nothing, so there is nothing queued to flush.
  const views = createViewActions(stores, (id, colour) => stores.sessions.getState().patch(id, { colour }), () => {});
  const opResult = (operation: "enable" | "disable"): OperationResult => ({ operation, at: 0, outcome: "result", summary: `${operation} ok` });
  let nodes = 0;
  const fake = {
    stores,
    timeline: spyEach(views.timeline),
    expectations: spyEach(views.expectations),
    console: spyEach(views.console),
    scenarios: spyEach(views.scenarios),
    profile: spyEach(views.profile),
    resetSinkCounters: vi.fn(views.resetSinkCounters),
    pruneInactiveRegistrations: vi.fn(views.pruneInactiveRegistrations),
    setResourceColour: vi.fn(views.setResourceColour),
    rememberSent: vi.fn(views.rememberSent),
    clearConsole: vi.fn(views.clearConsole),
    ensureScenarioCatalogue: vi.fn(views.ensureScenarioCatalogue),
    connectAll: vi.fn(async () => {}),
    disconnectAll: vi.fn(async () => {}),
    addResource: vi.fn((name?: string) => ok<LaneId>(`res-${name ?? "new"}`)),
    addResources: vi.fn((count: number) => ok<LaneId[]>(Array.from({ length: count }, (_, i) => `res-new${i}`))),
    removeResource: vi.fn(async () => {}),
    renameResource: vi.fn(() => ok(undefined)),
    setPresenceOnConnect: vi.fn(),
    connectResource: vi.fn(async () => ok(undefined)),
    disconnectResource: vi.fn(async () => {}),
    killResource: vi.fn(async () => ok({ resumable: true })),
    resumeResource: vi.fn(async () => ok({ resent: 0 })),
    setPresence: vi.fn(async () => ok(undefined)),
    connectSender: vi.fn(async () => ok(undefined)),
    disconnectSender: vi.fn(async () => {}),
    connectSink: vi.fn(async () => ok(undefined)),
    disconnectSink: vi.fn(async () => {}),
    disco: vi.fn(async () => ({ ok: false as const, error: { code: "not-connected" as const, message: "fake" } })),
    enable: vi.fn(async () => opResult("enable")),
    disable: vi.fn(async () => opResult("disable")),
    setSinkMode: vi.fn(),
    // The App Server's profile and faults live in the sink store: the fake writes them as the service does.
    setSinkProfile: vi.fn((profile: SinkState["profile"]) => stores.sink.getState().setProfile(profile)),
    setSinkProfileSettings: vi.fn((settings: SinkState["profileSettings"]) => stores.sink.getState().setProfileSettings(settings)),
    setSinkFaults: vi.fn((node: string | null, settings: SinkState["faults"]["all"] | null) => stores.sink.getState().setFaults(node, settings)),
    sinkRemoteDisable: vi.fn(async () => ok(undefined)),
    send: vi.fn(async () => ok(["m1"])),
    sendRaw: vi.fn(async () => ok(undefined)),
    applyChange: vi.fn(async () => ok("done")),
    testPush: vi.fn(async (registration: { jid: string; node: string }) =>
      ok({ key: { jid: registration.jid, node: registration.node }, iqId: "push-1", seq: 1, outcome: { kind: "result" as const }, reaction: { action: "keep" as const, errorCount: 0, why: "the App Server answered result" } }),
    ),
    sinkJid: vi.fn(() => "pushsvc@localhost/sink"),
    freshNode: vi.fn(() => `node-${++nodes}`),
    resolvedService: vi.fn(() => ok("ws://localhost:5173/xmpp-websocket")),
    flush: vi.fn(),
    syncServerLog: vi.fn(async () => {}),
    dispose: vi.fn(async () => {}),
  };
  return fake as unknown as FakePlayground;
}

export function renderWith(ui: ReactElement, playground: FakePlayground = createFakePlayground()): RenderResult & { playground: FakePlayground; stores: Stores } {
  const result = render(<PlaygroundProvider playground={playground as unknown as Playground}>{ui}</PlaygroundProvider>);
  return { ...result, playground, stores: playground.stores };
}

export function session(patch: Partial<SessionView> & Pick<SessionView, "id">): SessionView {
  const resource = patch.resource ?? patch.id;
  return {
    role: "resource",
    label: `alice/${resource}`,
    account: "alice@localhost",
    resource,
    colour: "#0072B2",
    status: "online",
    jid: `alice@localhost/${resource}`,
    lastError: null,
    presenceChoice: null,
    presence: null,
    presenceOnConnect: null,
    priority: 0,
    statusText: "",
    receiving: false,
    online: false,
    away: false,
    received: 0,
    connectedAt: 0,
    ...patch,
  };
}

let seq = 0;
/** Append events to the live timeline as the Playground would. */
export function addEvents(stores: Stores, events: TimelineEvent[]): void {
  stores.timeline.getState().applyBatch({ append: events, patches: [] });
}

export function messageSent(patch: Partial<Extract<TimelineEvent, { kind: "message-sent" }>> = {}): TimelineEvent {
  const n = ++seq;
  return {
    id: `e${n}`,
    at: 1_700_000_000_000 + n,
    lane: "sender",
    kind: "message-sent",
    summary: `bob → alice: hello ${n}`,
    messageId: `m${n}`,
    from: "bob@localhost/sender",
    to: "alice@localhost",
    sendKind: "chat",
    messageType: "chat",
    body: `hello ${n}`,
    receivedBy: [],
    pushEventIds: [],
    ...patch,
  } as TimelineEvent;
}

export function pushEvent(patch: Partial<Extract<TimelineEvent, { kind: "push" }>> = {}): TimelineEvent {
  const n = ++seq;
  return {
    id: `e${n}`,
    at: 1_700_000_000_000 + n,
    lane: "sink",
    kind: "push",
    summary: `push to node-a (count 1)`,
    iqId: `iq${n}`,
    from: "localhost",
    node: "node-a",
    notification: { messageCount: 1, lastMessageSender: "bob@localhost/sender", lastMessageBody: "hi", otherFields: [] },
    publishOptions: null,
    answer: { kind: "result" },
    ...patch,
  } as TimelineEvent;
}

export function nextAt(): number {
  return 1_700_000_000_000 + ++seq;
}
