/**
 * The streams of one server, whatever carries them: each FrameSocket (a `ws` WebSocket in Node, a
 * MessagePort in the sandbox's Worker, a re-framed TCP stream) becomes a StreamConnection, and all
 * of them share one table of XEP-0198 sessions so a new socket can resume an old session. A server
 * with several transports passes its core's table to each hub (and to the TCP endpoint), so a
 * session that started over TCP resumes over WebSocket and back, as Conversations does after a
 * network change; the table's owner closes it.
 */
import type { StreamConnectionOptions } from "./stream/stream-context";
import type { FrameSocket } from "./stream/frame-socket";
import { ResumableSessions } from "./stream/resumption";
import { StreamConnection } from "./stream/stream-connection";

export const DEFAULT_RESUMPTION_TIMEOUT_MS = 60_000;

/** StreamConnectionOptions minus what the hub supplies; the tuning knobs have defaults. */
export type StreamHubOptions = Omit<
  StreamConnectionOptions,
  "resumption" | "remoteAddress" | "onClosed" | "maxAuthFailures" | "maxQueuedFrames" | "logFrames" | "closeGraceMs" | "streamManagement" | "resumptionTimeoutMs"
> &
  Partial<Pick<StreamConnectionOptions, "maxAuthFailures" | "maxQueuedFrames" | "logFrames" | "closeGraceMs" | "streamManagement" | "resumptionTimeoutMs">> & {
    /** The server's shared XEP-0198 table (ServerCore.resumption); omitted: the hub keeps and closes its own. */
    resumption?: ResumableSessions;
  };

export class StreamHub {
  private readonly connections = new Set<StreamConnection>();
  private readonly resumption: ResumableSessions;
  /** False when the table is the server's, shared with its other transports. */
  private readonly ownsResumption: boolean;
  private closed = false;

  constructor(private readonly opts: StreamHubOptions) {
    this.ownsResumption = opts.resumption === undefined;
    this.resumption = opts.resumption ?? new ResumableSessions(opts.sink, opts.logger);
  }

  /** Bound sessions and handshakes in progress. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** XEP-0198 sessions waiting, socketless, to be resumed (of every transport, when the table is shared). */
  get hibernatedCount(): number {
    return this.resumption.hibernatedCount;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Starts an XMPP stream on the socket; after close(), drops it and returns null. */
  accept(socket: FrameSocket, remoteAddress?: string): StreamConnection | null {
    if (this.closed) {
      socket.terminate();
      return null;
    }
    const o = this.opts;
    const conn = new StreamConnection(socket, {
      ...o,
      maxAuthFailures: o.maxAuthFailures ?? 5,
      maxQueuedFrames: o.maxQueuedFrames ?? 1000,
      logFrames: o.logFrames ?? false,
      closeGraceMs: o.closeGraceMs ?? 2000,
      streamManagement: o.streamManagement ?? true,
      resumptionTimeoutMs: o.resumptionTimeoutMs ?? DEFAULT_RESUMPTION_TIMEOUT_MS,
      resumption: this.resumption,
      remoteAddress,
      onClosed: (c) => this.connections.delete(c),
    });
    this.connections.add(conn);
    return conn;
  }

  /** Ends every stream with `system-shutdown` and waits up to graceMs for the closing handshakes. */
  async shutdown(graceMs = 500): Promise<void> {
    this.closed = true;
    for (const conn of this.connections) conn.shutdown();
    const deadline = Date.now() + graceMs;
    while (this.connections.size > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Drops whatever is left, and the hibernated sessions when the table is the hub's own. */
  terminate(): void {
    this.closed = true;
    for (const conn of this.connections) conn.terminate();
    if (this.ownsResumption) this.resumption.closeAll();
  }
}
