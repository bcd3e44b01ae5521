/**
 * The views the first screen does not show, each in its own chunk (issue 14: a small first load):
 * the tabs not opened yet, the event detail (until an event is selected), the timeline's windowed
 * list (until the first row), the explanation card and the stanza pretty-printer (the XML parser).
 * `lazyView` shows a loading line and, when a chunk cannot be fetched, a message with Retry in
 * that panel only. main.tsx preloads the ones the first connect needs once the page is idle.
 */
import { lazyView } from "./components/shared/lazy-view";

export const EventDetailView = lazyView("the event detail", () => import("./components/timeline/EventDetail").then((m) => m.EventDetail));
export const TimelineListView = lazyView("the timeline list", () => import("./components/timeline/TimelineList").then((m) => m.TimelineList));
export const ExplanationCardView = lazyView("the explanation", () => import("./components/explain/ExplanationCard").then((m) => m.ExplanationCard));
export const StanzaXmlView = lazyView("the stanza view", () => import("./components/xml/XmlView").then((m) => m.XmlView));
export const SequenceView = lazyView("the Sequence view", () => import("./components/sequence/SequencePanel").then((m) => m.SequencePanel));
export const ConsoleView = lazyView("the XML console", () => import("./components/console/ConsolePanel").then((m) => m.ConsolePanel));
export const ScenariosView = lazyView("the Scenarios panel", () => import("./components/scenarios/ScenariosPanel").then((m) => m.ScenariosPanel));
export const DiscoView = lazyView("the Disco panel", () => import("./components/disco/DiscoPanel").then((m) => m.DiscoPanel));
export const PushView = lazyView("the Push panel", () => import("./components/push/PushPanel").then((m) => m.PushPanel));
export const SinkView = lazyView("the Sink panel", () => import("./components/sink/SinkPanel").then((m) => m.SinkPanel));
export const SenderView = lazyView("the Sender panel", () => import("./components/sender/SenderPanel").then((m) => m.SenderPanel));

const ALL = [EventDetailView, TimelineListView, ExplanationCardView, StanzaXmlView, SequenceView, ConsoleView, ScenariosView, DiscoView, PushView, SinkView, SenderView];

/** Fetches these views' chunks (default: all of them); resolves when every one has loaded. */
export async function preloadViews(views: readonly { preload(): Promise<void> }[] = ALL): Promise<void> {
  await Promise.all(views.map((v) => v.preload()));
}
