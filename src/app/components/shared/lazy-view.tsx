/**
 * Views the first screen does not show (the Sequence view, the XML console, the Scenarios panel,
 * the tools behind other tabs) come in their own chunks, fetched when first shown. A chunk that
 * fails to load (offline, a deploy replaced it) leaves a message with Retry in that panel only:
 * the rest of the page keeps capturing and rendering.
 */
import { useEffect, useState, type ComponentType, type ReactElement } from "react";

export interface LazyView<P extends object> {
  (props: P): ReactElement;
  /** Start fetching the chunk (e.g. on hover or after the first paint); resolves when loaded. */
  preload(): Promise<void>;
}

type Loaded<P> = { state: "ready"; component: ComponentType<P> } | { state: "loading" } | { state: "failed"; error: string };

function describeLoadError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.trim() || "the download failed";
}

/**
 * `what` names the view in the messages ("the Sequence view"). The loaded component is kept for
 * the page's life, so a second mount renders at once; a failed load is forgotten, so Retry fetches again.
 */
export function lazyView<P extends object>(what: string, load: () => Promise<ComponentType<P>>): LazyView<P> {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<ComponentType<P>> | null = null;
  const fetchOnce = (): Promise<ComponentType<P>> => {
    pending ??= load().then(
      (component) => (loaded = component),
      (error: unknown) => {
        pending = null;
        throw error;
      },
    );
    return pending;
  };

  function View(props: P) {
    const [status, setStatus] = useState<Loaded<P>>(() => (loaded ? { state: "ready", component: loaded } : { state: "loading" }));
    const [attempt, setAttempt] = useState(0);
    useEffect(() => {
      // Also when the chunk arrived between this render and the effect (another mount fetched it).
      let live = true;
      fetchOnce().then(
        (component) => live && setStatus((s) => (s.state === "ready" && s.component === component ? s : { state: "ready", component })),
        (error: unknown) => live && setStatus({ state: "failed", error: describeLoadError(error) }),
      );
      return () => {
        live = false;
      };
    }, [attempt]);

    if (status.state === "ready") {
      const Component = status.component;
      return <Component {...props} />;
    }
    if (status.state === "failed") {
      return (
        <div className="callout callout-err" role="alert">
          Could not load {what}: {status.error}.{" "}
          <button
            type="button"
            className="btn btn-small"
            onClick={() => {
              setStatus({ state: "loading" });
              setAttempt((n) => n + 1);
            }}
          >
            Retry
          </button>
        </div>
      );
    }
    return (
      <p className="lazy-loading muted" role="status">
        Loading {what}…
      </p>
    );
  }
  View.preload = () => fetchOnce().then(() => undefined);
  return View;
}
