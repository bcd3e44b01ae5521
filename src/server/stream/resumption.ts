/**
 * XEP-0198 resumption across WebSockets: the sessions that enabled `resume`, by resumption id, and
 * the hibernation of those whose socket went away without `<close/>`. One instance per endpoint.
 *
 * A hibernated session stays bound in the session manager (presence kept, stanzas queued) until a
 * new stream resumes it or `resumptionTimeoutMs` passes; then it is gone for good and its unacked
 * stanzas go back to the session manager (`sessionClosed(…, "expired", unacked)`). Ids of expired
 * sessions are remembered for a while, so a late `<resume/>` learns "expired" (with our last `h`,
 * as Prosody answers) rather than "unknown".
 */
import type { HibernationWindowControl, Logger, SessionCloseReason, StanzaSink } from "../types";
import type { BoundSession } from "./bound-session";

/** Expired resumption ids remembered for the "expired" answer (oldest forgotten first). */
const REMEMBERED_EXPIRED = 1000;
/** setTimeout's longest delay (2^31-1 ms, about 24.8 days); a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Entry {
  session: BoundSession;
  timer: ReturnType<typeof setTimeout> | null;
  hibernatedAt: number | null;
  /** Counts the session's hibernations, so a window control of an earlier one does nothing. */
  episode: number;
}

export type ResumeLookup =
  | { kind: "found"; session: BoundSession }
  | { kind: "expired"; h: number }
  | { kind: "unknown" };

export class ResumableSessions {
  private readonly byId = new Map<string, Entry>();
  private readonly expired = new Map<string, { account: string; h: number }>();
  private closed = false;

  constructor(
    private readonly sink: StanzaSink,
    private readonly logger: Logger,
  ) {}

  /** Sessions currently waiting in hibernation. */
  get hibernatedCount(): number {
    let n = 0;
    for (const entry of this.byId.values()) if (entry.hibernatedAt !== null) n++;
    return n;
  }

  /** After `<enabled resume='true'/>`. */
  register(session: BoundSession): void {
    const id = session.sm?.resumeId;
    if (!id) throw new Error("register() needs a session with a resumption id");
    this.byId.set(id, { session, timer: null, hibernatedAt: null, episode: 0 });
  }

  /** A `<resume previd/>` from an authenticated `account`: only its own sessions are found. */
  lookup(id: string, account: string): ResumeLookup {
    const entry = this.byId.get(id);
    if (entry && entry.session.account === account) return { kind: "found", session: entry.session };
    const gone = this.expired.get(id);
    if (gone && gone.account === account) return { kind: "expired", h: gone.h };
    return { kind: "unknown" };
  }

  /**
   * The socket of a resumable session went away without `<close/>`: keep the session, start the
   * resumption timer and tell the session manager.
   */
  hibernate(session: BoundSession): void {
    const sm = session.sm;
    const id = sm?.resumeId;
    const entry = id ? this.byId.get(id) : undefined;
    if (!sm || !entry || entry.session !== session) throw new Error(`hibernate(): ${session.jid} is not a registered resumable session`);
    if (this.closed) {
      this.finish(session, "error");
      return;
    }
    session.hibernate({ end: (condition) => this.endHibernated(session, condition === "conflict" ? "replaced" : "error") });
    entry.hibernatedAt = Date.now();
    entry.episode++;
    this.startExpiry(entry, sm.resumptionTimeoutMs);
    this.logger.info("session hibernated (XEP-0198)", {
      jid: session.jid,
      session: session.id,
      unacked: sm.unacked,
      resumptionTimeoutMs: sm.resumptionTimeoutMs,
    });
    try {
      this.sink.sessionHibernated?.(session, { unacked: sm.pending(), resumptionTimeoutMs: sm.resumptionTimeoutMs, window: this.windowOf(entry) });
    } catch (err) {
      this.logger.error("session manager failed in sessionHibernated", { error: err, jid: session.jid });
    }
  }

  /**
   * Issue 13: lets the session manager move this hibernation's end (a push-enabled session is kept
   * longer on Prosody and ejabberd, until its first important push). A later hibernation of the
   * same session gets a new control; this one then does nothing.
   */
  private windowOf(entry: Entry): HibernationWindowControl {
    const episode = entry.episode;
    return {
      restart: (timeoutMs) => {
        if (entry.hibernatedAt === null || entry.episode !== episode || this.byId.get(entry.session.sm?.resumeId ?? "") !== entry) return;
        this.startExpiry(entry, timeoutMs);
        this.logger.info("hibernation window moved", { jid: entry.session.jid, session: entry.session.id, expiresInMs: timeoutMs });
      },
      unacked: () => entry.session.sm?.unacked ?? 0,
    };
  }

  private startExpiry(entry: Entry, timeoutMs: number): void {
    if (entry.timer) clearTimeout(entry.timer);
    const session = entry.session;
    entry.timer = setTimeout(() => this.expire(session), Math.min(Math.max(0, timeoutMs), MAX_TIMER_MS));
    entry.timer.unref?.();
  }

  /**
   * A new stream resumes the session: stop its timer. Returns how long it hibernated (0 when its old
   * socket was still open). The session stays registered: the new stream keeps resumption on.
   */
  wake(session: BoundSession): number {
    const id = session.sm?.resumeId;
    const entry = id ? this.byId.get(id) : undefined;
    if (!entry || entry.session !== session) return 0;
    if (entry.timer) clearTimeout(entry.timer);
    const hibernatedMs = entry.hibernatedAt === null ? 0 : Date.now() - entry.hibernatedAt;
    entry.timer = null;
    entry.hibernatedAt = null;
    return hibernatedMs;
  }

  /** The session ended while a stream carried it (clean close, stream error): no longer resumable. */
  forget(session: BoundSession): void {
    const id = session.sm?.resumeId;
    const entry = id ? this.byId.get(id) : undefined;
    if (!id || !entry || entry.session !== session) return;
    if (entry.timer) clearTimeout(entry.timer);
    this.byId.delete(id);
  }

  /** Server shutdown: hibernated sessions end with the server. */
  closeAll(): void {
    this.closed = true;
    for (const entry of [...this.byId.values()]) {
      if (entry.hibernatedAt !== null) this.endHibernated(entry.session, "error");
    }
    this.byId.clear();
  }

  private expire(session: BoundSession): void {
    const sm = session.sm;
    const id = sm?.resumeId;
    if (!sm || !id || this.byId.get(id)?.session !== session) return;
    this.expired.set(id, { account: session.account, h: sm.inbound });
    if (this.expired.size > REMEMBERED_EXPIRED) {
      const oldest = this.expired.keys().next().value;
      if (oldest !== undefined) this.expired.delete(oldest);
    }
    this.logger.info("hibernated session expired (XEP-0198)", { jid: session.jid, session: session.id, unacked: sm.unacked });
    this.finish(session, "expired");
  }

  private endHibernated(session: BoundSession, reason: SessionCloseReason): void {
    this.logger.info("hibernated session ended", { jid: session.jid, session: session.id, reason });
    this.finish(session, reason);
  }

  private finish(session: BoundSession, reason: SessionCloseReason): void {
    this.forget(session);
    const unacked = session.sm?.drain() ?? [];
    session.end();
    try {
      this.sink.sessionClosed(session, reason, unacked);
    } catch (err) {
      this.logger.error("session manager failed in sessionClosed", { error: err, jid: session.jid });
    }
  }
}
