/** The virtual hosts one session manager serves, each with its push policy and options. */
import { getPolicy } from "../../protocol/policy";
import { DEFAULT_POLICY_OPTIONS, type PolicyOptions, type PushPolicy } from "../../protocol/policy/types";
import type { VirtualHostConfig } from "../types";

export interface Host {
  domain: string;
  policy: PushPolicy;
  options: PolicyOptions;
}

export class HostTable {
  private readonly hosts = new Map<string, Host>();

  constructor(configs: readonly VirtualHostConfig[]) {
    if (configs.length === 0) throw new Error("the session manager needs at least one virtual host");
    for (const config of configs) {
      const domain = config.domain.toLowerCase();
      if (this.hosts.has(domain)) throw new Error(`virtual host ${domain} is configured twice`);
      this.hosts.set(domain, {
        domain,
        policy: getPolicy(config.policy),
        options: { ...DEFAULT_POLICY_OPTIONS, ...config.options },
      });
    }
  }

  get(domain: string): Host | null {
    return this.hosts.get(domain.toLowerCase()) ?? null;
  }

  /** For callers that already know the domain is local (a bound session's). */
  require(domain: string): Host {
    const host = this.get(domain);
    if (!host) throw new Error(`${domain} is not a virtual host of this server`);
    return host;
  }

  isLocal(domain: string): boolean {
    return this.hosts.has(domain.toLowerCase());
  }

  list(): Host[] {
    return [...this.hosts.values()];
  }
}
