import { useProfileStore, useRegistrationsStore, useSinkStore } from "../../stores/hooks";
import { nextTheme, type ThemeChoice } from "../shared/theme";
import { ShareControls } from "../share/ShareControls";
import { ExpectationSummary } from "./ExpectationSummary";
import { SessionStatus } from "./SessionStatus";

/**
 * The sink's count, subscribed on its own: it changes with every flush of pushes, and the rest of
 * the header (sessions, expectations, share) should not re-render with it.
 */
function PushCount() {
  const pushes = useSinkStore((s) => s.counters.received);
  return (
    <span className="badge badge-push" title="Publishes the App Server sink received">
      {pushes} {pushes === 1 ? "push" : "pushes"}
    </span>
  );
}

const THEME_LABELS: Record<ThemeChoice, string> = { system: "system", light: "light", dark: "dark" };

/** Profile, every session's connection state at a glance, which policy the server behaves like, push counts, theme. */
export function Header({ theme, onTheme }: { theme: ThemeChoice; onTheme: (t: ThemeChoice) => void }) {
  const profileName = useProfileStore((s) => s.profile.name);
  const domain = useProfileStore((s) => s.profile.domain);
  const active = useRegistrationsStore((s) => s.registrations.filter((r) => r.state === "active").length);

  return (
    <header className="app-header">
      <h1 className="app-title">
        <img src="favicon.svg" alt="" />
        XMPP Push Playground
      </h1>
      <span className="badge" title="Connection profile and domain">
        {profileName} · {domain}
      </span>
      <SessionStatus />
      <ExpectationSummary />
      <div className="header-actions">
        <span className="badge badge-ok" title="Registrations in force, as the playground knows them">
          {active} {active === 1 ? "registration" : "registrations"}
        </span>
        <PushCount />
        <ShareControls />
        <button
          type="button"
          className="btn btn-small"
          aria-label={`Theme: ${THEME_LABELS[theme]}. Switch to ${THEME_LABELS[nextTheme(theme)]}`}
          title="Theme: system follows your OS setting"
          onClick={() => onTheme(nextTheme(theme))}
        >
          {theme === "dark" ? "☾" : theme === "light" ? "☀" : "◐"} {THEME_LABELS[theme]}
        </button>
      </div>
    </header>
  );
}
