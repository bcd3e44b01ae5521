import { useState, type ReactNode } from "react";
import { Header } from "./components/layout/Header";
import { SandboxBanner } from "./components/layout/SandboxBanner";
import { ProfilePanel } from "./components/profile/ProfilePanel";
import { ResourcesPanel } from "./components/resources/ResourcesPanel";
import { FrameCount, TimelineCount } from "./components/layout/LiveCounts";
import { ErrorBoundary } from "./components/shared/ErrorBoundary";
import { Splitter } from "./components/shared/Splitter";
import { Tabs } from "./components/shared/Tabs";
import { useTheme } from "./components/shared/theme";
import { ShareLayer } from "./components/share/ShareLayer";
import { NoEventSelected } from "./components/timeline/NoEventSelected";
import { TimelinePanel } from "./components/timeline/TimelinePanel";
import { ConsoleView, DiscoView, EventDetailView, PushView, ScenariosView, SenderView, SequenceView, SinkView } from "./lazy-views";
import { usePlayground } from "./playground-context";
import { useRegistrationsStore, useTimelineStore } from "./stores/hooks";

function wrap(what: string, node: ReactNode) {
  return <ErrorBoundary what={what}>{node}</ErrorBoundary>;
}

type ToolTab = "connection" | "disco" | "push" | "sink" | "sender";
type CentreTab = "timeline" | "sequence" | "console" | "scenarios";

/**
 * The shell: resources on the left, the timeline (or the sequence diagram, the XML console) in the
 * centre, tools and the selected event's detail on the right. Panels only read stores and call the Playground service.
 */
export function App() {
  const playground = usePlayground();
  const [theme, setTheme] = useTheme();
  const [tool, setTool] = useState<ToolTab>("connection");
  const [centre, setCentre] = useState<CentreTab>("timeline");
  const [leftWidth, setLeftWidth] = useState(320);
  const [rightWidth, setRightWidth] = useState(460);
  // The scenarios report needs the whole width; the side panels come back on request.
  const [reportWide, setReportWide] = useState(true);
  const wide = centre === "scenarios" && reportWide;
  const active = useRegistrationsStore((s) => s.registrations.filter((r) => r.state === "active").length);
  const selectedId = useTimelineStore((s) => s.selectedId);
  const timelineView = useTimelineStore((s) => s.view);

  return (
    <div className="app">
      <a className="skip-link" href="#centre">
        Skip to timeline
      </a>
      <Header theme={theme} onTheme={setTheme} />
      <SandboxBanner />
      <ShareLayer />
      <main className={`app-main${wide ? " is-report-wide" : ""}`} style={{ ["--left-w" as string]: `${leftWidth}px`, ["--right-w" as string]: `${rightWidth}px` }}>
        <aside className="column column-left scroll" aria-label="Simulated resources">
          <ErrorBoundary what="the resources">
            <ResourcesPanel />
          </ErrorBoundary>
        </aside>
        <Splitter label="Resize resources column" value={leftWidth} min={220} max={560} onChange={setLeftWidth} direction={1} />
        <div className="column" id="centre">
          <Tabs<CentreTab>
            label="Views"
            active={centre}
            onChange={setCentre}
            tabs={[
              {
                id: "timeline",
                label: "Timeline",
                badge: <TimelineCount />,
                content: (
                  <ErrorBoundary
                    what="the timeline"
                    resetKey={timelineView}
                    escape={timelineView === "imported" ? { label: "Back to live", onClick: () => playground.timeline.closeImport() } : undefined}
                  >
                    <TimelinePanel />
                  </ErrorBoundary>
                ),
              },
              { id: "sequence", label: "Sequence", content: wrap("the sequence view", <SequenceView />) },
              { id: "console", label: "XML console", badge: <FrameCount />, content: wrap("the XML console", <ConsoleView />) },
              { id: "scenarios", label: "Scenarios", content: wrap("the scenarios panel", <ScenariosView onShowTimeline={() => setCentre("timeline")} wide={reportWide} onWideChange={setReportWide} />) },
            ]}
          />
        </div>
        <Splitter label="Resize tools column" value={rightWidth} min={320} max={820} onChange={setRightWidth} direction={-1} />
        <aside className="column column-right" aria-label="Tools and detail">
          <div className="right-tools">
            <Tabs<ToolTab>
              label="Tools"
              active={tool}
              onChange={setTool}
              keepMounted
              tabs={[
                { id: "connection", label: "Connection", content: wrap("the connection panel", <ProfilePanel />) },
                { id: "disco", label: "Disco", content: wrap("the disco panel", <DiscoView />) },
                { id: "push", label: "Push", badge: active || undefined, content: wrap("the push panel", <PushView />) },
                { id: "sink", label: "Sink", content: wrap("the sink panel", <SinkView />) },
                { id: "sender", label: "Sender", content: wrap("the sender panel", <SenderView />) },
              ]}
            />
          </div>
          <div className={`right-detail scroll${selectedId !== null ? "" : " is-empty"}`}>
            <ErrorBoundary what="the event detail" resetKey={selectedId}>
              {selectedId !== null ? <EventDetailView /> : <NoEventSelected />}
            </ErrorBoundary>
          </div>
        </aside>
      </main>
    </div>
  );
}
