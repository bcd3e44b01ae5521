/**
 * Domain and event types of the playground SPA, split by concern. Session classes (src/app/xmpp)
 * produce these, the Playground's services (src/app/playground) are the only writers into the
 * stores, and React components only read them.
 */
export type { DataForm, PresenceState, Show, StanzaErrorSpec } from "../../protocol/policy/types";
export * from "./lanes";
export * from "./errors";
export * from "./timeline-events";
export * from "./console";
export * from "./profile";
export * from "./operations";
