import { Component, type ErrorInfo, type ReactNode } from "react";

interface Props {
  /** What failed, for the message: "the timeline", "the event detail". */
  what: string;
  children: ReactNode;
  /** Changing this value clears the error (e.g. the selected event id). */
  resetKey?: unknown;
  /** A way out offered next to "Try again" (e.g. leave an imported timeline). */
  escape?: { label: string; onClick: () => void };
}

interface State {
  error: Error | null;
  resetKey: unknown;
}

/**
 * Keeps one broken panel (e.g. a hand-edited imported file with odd data) from blanking the whole
 * devtool: the rest keeps capturing and rendering.
 */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: Error): Partial<State> {
    return { error };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    return props.resetKey !== state.resetKey ? { error: null, resetKey: props.resetKey } : null;
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`Rendering ${this.props.what} failed`, error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="callout callout-err" role="alert">
        Could not show {this.props.what}: {this.state.error.message}.{" "}
        <button type="button" className="btn btn-small" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
        {this.props.escape ? (
          <>
            {" "}
            <button
              type="button"
              className="btn btn-small"
              onClick={() => {
                this.props.escape?.onClick();
                this.setState({ error: null });
              }}
            >
              {this.props.escape.label}
            </button>
          </>
        ) : null}
      </div>
    );
  }
}
