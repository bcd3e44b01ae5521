/** Command-line flags of `npm run server` (src/server/cli.ts), parsed and validated. */
import { POLICY_NAMES, type PolicyName, type Show } from "../protocol/policy/types";
import { parseAwayShows } from "../protocol/policy/away-shows";
import { isLogLevel, LOG_LEVELS } from "./logger";
import { DEFAULT_HOSTS, DEFAULT_WEBSOCKET_PATH, type ReferenceServerOptions } from "./index";
import { domainpartProblem, prepDomainpart } from "../protocol/jid";
import { isSaslMechanismName, SASL_MECHANISMS, type SaslMechanismName } from "./stream/sasl";
import type { VirtualHostConfig } from "./types";
import type { C2sSettings } from "./tcp/c2s-start";
import { DEFAULT_C2S_PORT } from "./tcp/c2s-endpoint";
import { DEFAULT_DATA_DIR } from "./tcp/certificate";

export const DEFAULT_PORT = 5280;

export const USAGE = `Usage: npm run server -- [options]

Reference XMPP server of XMPP Push Playground: XMPP over WebSocket (RFC 7395) and over TCP
(RFC 6120, STARTTLS required) with XEP-0357 push decisions per virtual host, and the decision log
at GET /xmpp-push/log.

Options:
  --port <n>                    HTTP/WebSocket port (default ${DEFAULT_PORT}; 0 = any free port)
  --host <address>              address to bind, HTTP and TCP (default 127.0.0.1; another
                                address exposes dev registration to that network)
  --c2s-port <n>                XMPP over TCP with STARTTLS (default ${DEFAULT_C2S_PORT}; 0 = off); a taken
                                port is reported and the server runs WebSocket-only
  --c2s-tls-port <n>            also direct TLS (XEP-0368) on this port (default off)
  --data-dir <dir>              where the generated TLS certificate is kept (default ${DEFAULT_DATA_DIR})
  --cert <file.pem> --key <file.pem>
                                your own TLS certificate and key instead of the generated one
  --no-default-accounts         do not create alice, bob and pushsvc (password "pass") on
                                every virtual host
  --host-policy <domain>=<policy>
                                a virtual host and its push policy (${POLICY_NAMES.join(", ")});
                                repeatable; when given, replaces the defaults:
                                ${DEFAULT_HOSTS.map((h) => `${h.domain}=${h.policy}`).join(" ")}
  --path <path>                 WebSocket path (default ${DEFAULT_WEBSOCKET_PATH})
  --accounts <file.json>        accounts file: { "<domain>": { "<user>": "<password>" } }
  --no-dev-registration         only accounts from --accounts may log in
                                (default: a new username registers on its first PLAIN login)
  --sasl-mechanisms <list>      comma-separated, in offer order (default SCRAM-SHA-256,
                                SCRAM-SHA-1,PLAIN); PLAIN alone lets clients that always
                                pick SCRAM register new usernames
  --app-server-timeout <ms>     wait for an App Server's publish answer (default 30000)
  --away-shows <list>           <show> values the push policies treat as away, on every
                                virtual host (default away,xa; e.g. away,xa,dnd)
  --handshake-timeout <ms>      connect-to-bind limit (default 30000)
  --max-stanza-bytes <n>        largest accepted frame (default 262144)
  --no-stream-management        do not offer XEP-0198 (default: offered, with resumption)
  --resumption-timeout <s>      seconds a dropped XEP-0198 session stays resumable before it
                                is gone and its unacked messages go offline (default 60)
  --log-level <level>           ${LOG_LEVELS.join(", ")} (default info; debug shows push decisions)
  --allow-origin <origin|*>     let browser pages from this origin connect (repeatable;
                                default: only http(s)://localhost, 127.0.0.1, [::1])
  --log-frames                  with --log-level debug, log every frame (SASL masked)
  -h, --help                    show this help
`;

export type CliResult =
  | { kind: "help" }
  | { kind: "run"; port: number; host: string; options: ReferenceServerOptions; c2s: C2sSettings }
  | { kind: "error"; message: string };

function positiveInt(flag: string, value: string, { allowZero = false, max = Number.MAX_SAFE_INTEGER } = {}): number | string {
  if (!/^\d+$/.test(value)) return `${flag} expects a whole number, got ${JSON.stringify(value)}`;
  const n = Number(value);
  if ((!allowZero && n === 0) || n > max) return `${flag} must be ${allowZero ? "0" : "1"}..${max}, got ${value}`;
  return n;
}

export function parseCliArgs(argv: readonly string[]): CliResult {
  const options: ReferenceServerOptions = { defaultAccounts: true };
  const c2s: C2sSettings = { port: DEFAULT_C2S_PORT };
  let port = DEFAULT_PORT;
  let host = "127.0.0.1";
  const hosts: VirtualHostConfig[] = [];
  const withValue = new Set([
    "--port", "--host", "--host-policy", "--path", "--accounts", "--sasl-mechanisms",
    "--app-server-timeout", "--handshake-timeout", "--max-stanza-bytes", "--log-level", "--allow-origin",
    "--resumption-timeout", "--c2s-port", "--c2s-tls-port", "--data-dir", "--cert", "--key",
  ]);
  const origins: string[] = [];
  let anyOrigin = false;
  let awayShows: Show[] | null = null;
  withValue.add("--away-shows");

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "-h" || arg === "--help") return { kind: "help" };
    const eq = arg.indexOf("=");
    const flag = arg.startsWith("--") && eq !== -1 ? arg.slice(0, eq) : arg;
    let value: string | undefined;
    if (withValue.has(flag)) {
      value = eq !== -1 && arg.startsWith("--") ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === "") return { kind: "error", message: `${flag} needs a value` };
    } else if (eq !== -1 && arg.startsWith("--")) {
      return { kind: "error", message: `${flag} takes no value` };
    }

    switch (flag) {
      case "--port": {
        const n = positiveInt(flag, value as string, { allowZero: true, max: 65535 });
        if (typeof n === "string") return { kind: "error", message: n };
        port = n;
        break;
      }
      case "--host":
        host = value as string;
        break;
      case "--c2s-port":
      case "--c2s-tls-port": {
        const n = positiveInt(flag, value as string, { allowZero: flag === "--c2s-port", max: 65535 });
        if (typeof n === "string") return { kind: "error", message: n };
        if (flag === "--c2s-port") c2s.port = n;
        else c2s.tlsPort = n;
        break;
      }
      case "--data-dir":
        c2s.dataDir = value;
        break;
      case "--cert":
        c2s.certFile = value;
        break;
      case "--key":
        c2s.keyFile = value;
        break;
      case "--no-default-accounts":
        options.defaultAccounts = false;
        break;
      case "--host-policy": {
        const m = /^([^=]+)=(.+)$/.exec(value as string);
        if (!m) return { kind: "error", message: `--host-policy expects <domain>=<policy>, got ${JSON.stringify(value)}` };
        const domain = prepDomainpart(m[1] as string);
        const policy = m[2] as string;
        const problem = domainpartProblem(domain);
        if (problem) return { kind: "error", message: `--host-policy: bad domain ${JSON.stringify(domain)} (${problem})` };
        if (!(POLICY_NAMES as readonly string[]).includes(policy)) {
          return { kind: "error", message: `--host-policy: unknown policy ${JSON.stringify(policy)} (choose ${POLICY_NAMES.join(", ")})` };
        }
        if (hosts.some((h) => h.domain === domain)) return { kind: "error", message: `--host-policy: ${domain} given twice` };
        hosts.push({ domain, policy: policy as PolicyName });
        break;
      }
      case "--path":
        if (!(value as string).startsWith("/")) return { kind: "error", message: `--path must start with "/"` };
        options.path = value;
        break;
      case "--accounts":
        options.accountsFile = value;
        break;
      case "--no-dev-registration":
        options.devRegistration = false;
        break;
      case "--sasl-mechanisms": {
        const list = (value as string).split(",").map((s) => s.trim().toUpperCase()).filter(Boolean);
        const bad = list.find((m) => !isSaslMechanismName(m));
        if (bad !== undefined || list.length === 0) {
          return { kind: "error", message: `--sasl-mechanisms: unknown mechanism ${JSON.stringify(bad ?? "")} (supported: ${SASL_MECHANISMS.join(", ")})` };
        }
        options.saslMechanisms = [...new Set(list)] as SaslMechanismName[];
        break;
      }
      case "--app-server-timeout":
      case "--handshake-timeout":
      case "--max-stanza-bytes": {
        const n = positiveInt(flag, value as string, { max: flag === "--max-stanza-bytes" ? 64 * 1024 * 1024 : 3_600_000 });
        if (typeof n === "string") return { kind: "error", message: n };
        if (flag === "--app-server-timeout") options.appServerTimeoutMs = n;
        else if (flag === "--handshake-timeout") options.handshakeTimeoutMs = n;
        else options.maxStanzaBytes = n;
        break;
      }
      case "--no-stream-management":
        options.streamManagement = false;
        break;
      case "--resumption-timeout": {
        const n = positiveInt(flag, value as string, { max: 86_400 });
        if (typeof n === "string") return { kind: "error", message: n };
        options.resumptionTimeoutMs = n * 1000;
        break;
      }
      case "--log-level":
        if (!isLogLevel(value as string)) {
          return { kind: "error", message: `--log-level: unknown level ${JSON.stringify(value)} (choose ${LOG_LEVELS.join(", ")})` };
        }
        options.logLevel = value as ReferenceServerOptions["logLevel"];
        break;
      case "--log-frames":
        options.logFrames = true;
        break;
      case "--allow-origin":
        if (value === "*") anyOrigin = true;
        else if (/^https?:\/\/[^/\s]+$/.test(value as string)) origins.push(value as string);
        else return { kind: "error", message: `--allow-origin expects an origin like http://host:port or *, got ${JSON.stringify(value)}` };
        break;
      case "--away-shows": {
        const parsed = parseAwayShows(value as string);
        if (!parsed.ok) return { kind: "error", message: `--away-shows: ${parsed.error}` };
        awayShows = parsed.shows;
        break;
      }
      default:
        return { kind: "error", message: `unknown option ${JSON.stringify(arg)} (see --help)` };
    }
  }
  if (hosts.length > 0) options.hosts = hosts;
  if (awayShows) options.hosts = (options.hosts ?? DEFAULT_HOSTS).map((h) => ({ ...h, options: { ...h.options, awayShows } }));
  if (anyOrigin) options.allowedOrigins = "any";
  else if (origins.length > 0) options.allowedOrigins = origins;
  if ((c2s.certFile === undefined) !== (c2s.keyFile === undefined)) return { kind: "error", message: "--cert and --key go together: give both PEM files" };
  return { kind: "run", port, host, options, c2s: { ...c2s, host } };
}
