/** disco#info results for the account's bare JID and the domain. */
import { createStore, type StoreApi } from "zustand/vanilla";
import type { DiscoResult, DiscoTarget } from "../model";

export interface DiscoState {
  results: Record<DiscoTarget, DiscoResult | null>;
  pending: Record<DiscoTarget, boolean>;
  setPending(target: DiscoTarget, pending: boolean): void;
  setResult(result: DiscoResult): void;
  clear(): void;
}

export function createDiscoStore(): StoreApi<DiscoState> {
  return createStore<DiscoState>()((set, get) => ({
    results: { account: null, domain: null },
    pending: { account: false, domain: false },
    setPending: (target, pending) => set({ pending: { ...get().pending, [target]: pending } }),
    setResult: (result) =>
      set({
        results: { ...get().results, [result.target]: result },
        pending: { ...get().pending, [result.target]: false },
      }),
    clear: () => set({ results: { account: null, domain: null }, pending: { account: false, domain: false } }),
  }));
}

export type AwaySupport = "unknown" | "advertised" | "not-advertised";

/** Whether the server advertised `tigase:push:away:0` (account disco first, then domain). */
export function awaySupport(s: Pick<DiscoState, "results">): AwaySupport {
  const { account, domain } = s.results;
  if (account?.outcome === "result" && account.supportsAway) return "advertised";
  if (domain?.outcome === "result" && domain.supportsAway) return "advertised";
  if (account?.outcome === "result" || domain?.outcome === "result") return "not-advertised";
  return "unknown";
}

/** One sentence for the away toggle, explaining what the flag will do on this server. */
export function awayToggleExplanation(s: Pick<DiscoState, "results">): string {
  switch (awaySupport(s)) {
    case "advertised":
      return "The server advertises tigase:push:away:0: with away on, it also pushes while all your receiving resources are away (away/xa).";
    case "not-advertised":
      return "The server does not advertise tigase:push:away:0: it will probably ignore away='true' (Prosody and ejabberd accept and ignore it), so pushes follow its own rules.";
    default:
      return "Connect a resource of the account: disco#info runs on connect and tells whether the server supports tigase:push:away:0.";
  }
}
