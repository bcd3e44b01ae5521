/**
 * Guided demos (issue 11): the classic cases as data, a setup in the share model plus steps with
 * one caption each, written for a room. The player (./player.ts) runs the steps through the
 * playground's actions and waits for each real outcome; a `send` step says which outcome the
 * case shows, and the player says when the server did otherwise.
 */
import { SETUP_VERSION, type Setup, type SetupMessage, type SetupRegistration } from "../share/setup";
import type { PresenceChoice } from "../model";

export type DemoAction =
  | { kind: "setup" }
  | { kind: "enable"; registration: SetupRegistration }
  | { kind: "presence"; resource: string; show: Exclude<PresenceChoice, "unavailable"> }
  | { kind: "connect"; resource: string }
  | { kind: "disconnect"; resource: string }
  | { kind: "kill"; resource: string }
  | { kind: "resume"; resource: string }
  | { kind: "send"; message: SetupMessage; expect: "push" | "no-push" };

export interface DemoStep {
  /** What happens, in one or two sentences a room can read. */
  caption: string;
  action: DemoAction;
}

export interface DemoPreset {
  id: string;
  title: string;
  /** One line for the demo menu. */
  summary: string;
  /** What the first step sets up; its messages are not sent (the steps send). */
  setup: Setup;
  steps: DemoStep[];
}

const sink = { profile: "generic", mode: { kind: "result" }, faults: null, faultsByNode: {} } satisfies Setup["sink"];
const chat = (body: string): SetupMessage => ({ to: "bare", kind: "chat", body, count: 1 });

const walkthrough: DemoPreset = {
  id: "walkthrough",
  title: "Walk-through: one device away, the other gone",
  summary: "The README walk-through: phone away with away='true', laptop disconnected, bob's message is pushed.",
  setup: {
    v: SETUP_VERSION,
    domain: "localhost",
    resources: [
      { name: "phone", presence: { show: "available", priority: 0 }, end: "online" },
      { name: "laptop", presence: { show: "available", priority: 0 }, end: "online" },
    ],
    registrations: [],
    sink,
    messages: [],
  },
  steps: [
    { caption: "alice has two devices, phone and laptop, both online. bob sends the messages; the sink plays the App Server that receives the pushes.", action: { kind: "setup" } },
    { caption: "phone enables push with away='true' (Tigase's away extension): “push me even while I am away”.", action: { kind: "enable", registration: { from: "phone", node: "demo-phone", away: true, publishOptions: [], credentialFields: [] } } },
    { caption: "phone goes away: its presence now says <show>away</show>.", action: { kind: "presence", resource: "phone", show: "away" } },
    { caption: "laptop disconnects. phone is now the only resource receiving alice's messages, and it is away.", action: { kind: "disconnect", resource: "laptop" } },
    { caption: "bob writes “Lunch at noon?”. The only receiving resource is away and its registration has away='true': the server pushes.", action: { kind: "send", message: chat("Lunch at noon?"), expect: "push" } },
    { caption: "laptop comes back online.", action: { kind: "connect", resource: "laptop" } },
    { caption: "bob writes again. laptop is online and gets the message itself: nothing is pushed.", action: { kind: "send", message: chat("Still on for lunch?"), expect: "no-push" } },
  ],
};

const onlineSuppresses: DemoPreset = {
  id: "online-suppresses",
  title: "One device online suppresses the push",
  summary: "phone registered for push and gone; while laptop is online nothing is pushed, once it leaves the push goes out.",
  setup: {
    v: SETUP_VERSION,
    domain: "localhost",
    resources: [
      { name: "phone", presence: { show: "available", priority: 0 }, end: "disconnected" },
      { name: "laptop", presence: { show: "available", priority: 0 }, end: "online" },
    ],
    registrations: [{ from: "phone", node: "demo-phone", away: false, publishOptions: [], credentialFields: [] }],
    sink,
    messages: [],
  },
  steps: [
    { caption: "phone enabled push, then its app went to the background and disconnected. laptop is online.", action: { kind: "setup" } },
    { caption: "bob writes. laptop is online and receives it, so the server sends no push, not even to the phone.", action: { kind: "send", message: chat("Are you at your desk?"), expect: "no-push" } },
    { caption: "laptop disconnects too: no resource of alice is online any more.", action: { kind: "disconnect", resource: "laptop" } },
    { caption: "bob writes again. Nobody receives it: the server pushes to the phone's registration.", action: { kind: "send", message: chat("Call me when you can"), expect: "push" } },
  ],
};

const awayOffOn: DemoPreset = {
  id: "away-off-on",
  title: "Away extension off vs on",
  summary: "phone away, laptop gone: without away='true' nothing is pushed; a registration with it gets the push.",
  setup: {
    v: SETUP_VERSION,
    domain: "localhost",
    resources: [
      { name: "phone", presence: { show: "away", priority: 0 }, end: "online" },
      { name: "laptop", presence: { show: "available", priority: 0 }, end: "disconnected" },
    ],
    registrations: [{ from: "phone", node: "demo-no-away", away: false, publishOptions: [], credentialFields: [] }],
    sink,
    messages: [],
  },
  steps: [
    { caption: "phone is connected but away; laptop is gone. phone enabled push without the away flag.", action: { kind: "setup" } },
    { caption: "bob writes. phone still receives it (away is not offline), and no registration asked for pushes while away: no push.", action: { kind: "send", message: chat("Away test, flag off"), expect: "no-push" } },
    { caption: "phone enables a second registration, this time with away='true'.", action: { kind: "enable", registration: { from: "phone", node: "demo-away", away: true, publishOptions: [], credentialFields: [] } } },
    { caption: "bob writes again. The only receiving resource is away and a registration has away='true': pushed.", action: { kind: "send", message: chat("Away test, flag on"), expect: "push" } },
  ],
};

const appKilled: DemoPreset = {
  id: "app-killed",
  title: "App killed (stream management)",
  summary: "On Prosody's host: the OS kills the app without </close>, the session hibernates, the message is pushed, resuming redelivers it.",
  setup: {
    v: SETUP_VERSION,
    domain: "prosody.localhost",
    resources: [{ name: "phone", presence: { show: "available", priority: 0 }, end: "online" }],
    registrations: [{ from: "phone", node: "demo-phone", away: false, publishOptions: [], credentialFields: [] }],
    sink,
    messages: [],
  },
  steps: [
    { caption: "On the Prosody-like host, phone is online with stream management (XEP-0198) and push enabled.", action: { kind: "setup" } },
    { caption: "bob writes. phone is connected and gets it: no push.", action: { kind: "send", message: chat("Before the kill"), expect: "no-push" } },
    { caption: "The OS kills the app: the socket drops without </close>. The server keeps the session, hibernated, for resumption.", action: { kind: "kill", resource: "phone" } },
    { caption: "bob writes. The message is queued for the hibernated session, and Prosody pushes for it after its 1 s batch.", action: { kind: "send", message: chat("While the app was killed"), expect: "push" } },
    { caption: "The user taps the notification: the app resumes its session and the queued message is delivered.", action: { kind: "resume", resource: "phone" } },
  ],
};

export const DEMOS: readonly DemoPreset[] = [walkthrough, onlineSuppresses, awayOffOn, appKilled];

export function demoById(id: string): DemoPreset | undefined {
  return DEMOS.find((d) => d.id === id);
}
