/**
 * `npm run differential -- --timers`: sequences where the enabling resource freezes with its socket
 * open (it stops answering `<r/>`), a message comes, and nothing happens for longer than the
 * server's ack timer, so that the pushes no message causes at that moment are compared: Prosody's
 * smacks-ack-delayed push (an `<r/>` unanswered for smacks_max_ack_delay, 30 s, then
 * mod_cloud_notify's 1 s timer), ejabberd's ack_timeout (60 s: the socket is closed, the session
 * goes pending and c2s_session_pending pushes for its queue). Opt-in: each sequence lasts the timer.
 */
import fc from "fast-check";
import type { RealServerName } from "../real-servers/realServers";
import { enableArbitrary, opArbitrary, opsOf, sendArbitrary, validSequence } from "./ops";
import type { RawSequence } from "./ops";

/**
 * How long `outwait` waits: the timer from the last stanza the frozen resource got (the previous
 * step's ping round trip), what follows it, and a margin for this shared machine. Seen by
 * scripts/probe-timer-pushes.ts: Prosody's push 31.0 s after the message, ejabberd's close at 60.0 s.
 */
export const OUTWAIT_MS: Record<RealServerName, number> = {
  prosody: 34_000,
  ejabberd: 63_000,
};

/**
 * Records, constants and arrays only (see ops.ts), so that fast-check shrinks a re-checked example.
 * Only sequences whose freeze applies (the `before` operations may leave the resource connected
 * without XEP-0198): a sequence without it would be an ordinary one.
 */
export const timersSequenceArbitrary: fc.Arbitrary<RawSequence> = fc
  .record({
    before: fc.array(opArbitrary, { maxLength: 2 }),
    enable: enableArbitrary,
    withhold: fc.constant(true as const),
    between: fc.array(opArbitrary, { maxLength: 2 }),
    send: sendArbitrary,
    after: fc.array(opArbitrary, { maxLength: 1 }),
  })
  .filter((raw) => validSequence(opsOf(raw)).some((op) => op.op === "outwait"));
