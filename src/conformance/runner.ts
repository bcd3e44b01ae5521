/**
 * Runs the §C catalogue against one server and judges it: the same code for the CLI, the tests
 * and (later) the UI's Scenarios panel. Isomorphic: only the scenario harness (xmpp.js), timers
 * and globalThis.crypto.
 *
 * A run starts with a preflight (the account, the sender and the sink log in; disco#info of the
 * account and of the domain tells which server this is and what it advertises), then runs each
 * scenario on a fresh harness. On shared accounts (real servers) every scenario is wrapped in
 * housekeeping: the registrations it made are disabled afterwards and the messages it left offline
 * are drained (a resource sends available presence), so one scenario's leftovers cannot push into
 * the next one's observation; a scenario during which another client messaged the account is run
 * again.
 *
 * On the reference server (its disco identity, or the decision-log feature) a run is fast by
 * default (issue 14): `accounts: "auto"` gives each scenario fresh usernames (the server registers
 * them on a first PLAIN login), so `concurrency: "auto"` runs REFERENCE_CONCURRENCY scenarios at
 * once, and "no push" is settled from its decision log and ping round trips instead of fixed
 * windows. Real servers keep shared accounts, one scenario at a time, and the windows.
 */
import { POLICY_NAMES } from "../protocol/policy/types";
import type { PolicyName } from "../protocol/policy/types";
import { SCENARIOS, scenarioById } from "../scenarios/catalogue";
import type { Scenario } from "../scenarios/expectations";
import { DEFAULT_WAITS, PushHarness } from "../scenarios/harness";
import type { Credentials, HarnessWaits, Mechanism, PushHarnessOptions } from "../scenarios/harness";
import { judge, matchingPolicies, missingFeatures } from "../scenarios/judge";
import { runScenario } from "../scenarios/run";
import type { HarnessEvent, Observation } from "../scenarios/types";
import { hintFor, wantsHint } from "./hints";
import { identifyPolicy, summarize } from "./identify";
import { identifyServer } from "./server-identity";
import type { ServerIdentity } from "./server-identity";
import type { AccountMode, PolicySource, ScenarioReport, SuiteHarnessListener, SuiteProgress, SuiteReport, SuiteTarget } from "./types";

export interface RunSuiteOptions {
  target: SuiteTarget;
  /** Scenarios or their ids, run in the order given (default: the whole catalogue). */
  scenarios?: readonly (Scenario | string)[];
  /** Judge under this policy, or the one the server names in its disco#info (default `spec`). */
  policy?: PolicyName | "from-disco";
  onProgress?: (event: SuiteProgress) => void;
  /** Every harness event of every scenario (the UI's live view). */
  onHarnessEvent?: SuiteHarnessListener;
  /**
   * Scenarios run at once with fresh accounts (default 1; `auto`: REFERENCE_CONCURRENCY on the
   * reference server, 1 elsewhere); shared accounts always run one by one.
   */
  concurrency?: number | "auto";
  /**
   * Run scenarios that need a feature the server does not advertise anyway: they are still
   * judged n/a (and give no evidence for identification), and `ungated` holds what they showed.
   */
  runUnsupported?: boolean;
  /**
   * Shared accounts: how often a scenario runs again when someone else messaged the account
   * meanwhile (their messages push too, so the observation is not the scenario's own). Default 2.
   */
  retries?: number;
}

/** Scenarios at once on the reference server with fresh accounts and `concurrency: "auto"`. */
export const REFERENCE_CONCURRENCY = 10;

/** What a run does against this server, from what the target asks and what the preflight found. */
export function resolveRunMode(
  target: Pick<SuiteTarget, "accounts" | "settle" | "mechanism">,
  server: ServerIdentity,
  concurrency: number | "auto" | undefined,
): { accounts: AccountMode; settle: "window" | "decision-log"; concurrency: number; mechanism: Mechanism | undefined } {
  const reference = server.kind === "reference";
  const choice = target.accounts ?? "shared";
  const accounts: AccountMode = choice === "auto" ? (reference ? "fresh" : "shared") : choice;
  const settleChoice = target.settle ?? "auto";
  const settle = settleChoice === "auto" ? (reference ? "decision-log" : "window") : settleChoice;
  const wanted = concurrency === "auto" ? (reference ? REFERENCE_CONCURRENCY : 1) : (concurrency ?? 1);
  // The reference server registers a new username on its first PLAIN login only (SCRAM needs a stored account).
  const mechanism = target.mechanism ?? (reference && accounts === "fresh" ? "PLAIN" : undefined);
  return { accounts, settle, concurrency: accounts === "shared" ? 1 : Math.max(1, Math.floor(wanted)), mechanism };
}

export class UnknownScenarioError extends Error {
  constructor(readonly ids: string[]) {
    super(`unknown scenario ${ids.join(", ")} (the catalogue has ${SCENARIOS.map((s) => s.id).join(", ")})`);
    this.name = "UnknownScenarioError";
  }
}

/** Catalogue scenarios by id (case-insensitive); throws UnknownScenarioError naming every unknown id. */
function selectScenarios(selection?: readonly (Scenario | string)[]): Scenario[] {
  if (!selection) return [...SCENARIOS];
  const unknown: string[] = [];
  const picked = selection.flatMap((item) => {
    if (typeof item !== "string") return [item];
    const scenario = scenarioById(item.trim().toUpperCase());
    if (!scenario) unknown.push(item);
    return scenario ? [scenario] : [];
  });
  if (unknown.length > 0) throw new UnknownScenarioError(unknown);
  return picked;
}

export async function runSuite(options: RunSuiteOptions): Promise<SuiteReport> {
  const scenarios = selectScenarios(options.scenarios);
  const startedAt = Date.now();
  const waits: HarnessWaits = { ...DEFAULT_WAITS, ...options.target.waits };

  const pre = await preflight(options.target, waits);
  const server = identifyServer(pre.domainIdentities, pre.accountFeatures);
  const mode = resolveRunMode(options.target, server, options.concurrency);
  const target: SuiteTarget = { ...options.target, accounts: mode.accounts, settle: mode.settle };
  if (mode.mechanism) target.mechanism = mode.mechanism;
  const shared = mode.accounts === "shared";
  const { policy, source, note } = choosePolicy(options.policy ?? "spec", server);
  const base: Omit<SuiteReport, "scenarios" | "summary" | "identification" | "durationMs"> = {
    format: "xmpp-push-conformance/1",
    target: {
      name: target.name,
      service: target.service,
      domain: target.domain,
      account: `${target.account.username}@${target.account.domain ?? target.domain}`,
      accounts: mode.accounts,
      settle: mode.settle,
    },
    server,
    accountFeatures: pre.accountFeatures,
    policy,
    policySource: source,
    runUnsupported: options.runUnsupported ?? false,
    ...(note ? { policyNote: note } : {}),
    startedAt: new Date(startedAt).toISOString(),
    waits,
  };
  if (pre.fatal) {
    return { ...base, fatal: pre.fatal, scenarios: [], summary: summarize([]), identification: identifyPolicy({ scenarios: [] }), durationMs: Date.now() - startedAt };
  }
  options.onProgress?.({
    type: "preflight",
    server,
    accountFeatures: pre.accountFeatures,
    policy,
    policySource: source,
    mode: { accounts: mode.accounts, settle: mode.settle, concurrency: mode.concurrency },
  });
  // What earlier runs or other clients left offline; each scenario then drains after itself.
  if (shared && scenarios.length > 0) await drain(target, waits, `start-${randomHex(3)}`);

  const reports: (ScenarioReport | undefined)[] = new Array(scenarios.length);
  const runOne = async (index: number): Promise<void> => {
    const scenario = scenarios[index] as Scenario;
    options.onProgress?.({ type: "scenario-start", index, total: scenarios.length, id: scenario.id, name: scenario.name });
    const report = await runScenarioReport(scenario, {
      target,
      waits,
      shared,
      policy,
      server,
      accountFeatures: pre.accountFeatures,
      runUnsupported: options.runUnsupported ?? false,
      retries: shared ? Math.max(0, Math.floor(options.retries ?? 2)) : 0,
      onHarnessEvent: options.onHarnessEvent,
    });
    reports[index] = report;
    const done = reports.filter((r): r is ScenarioReport => r !== undefined);
    const identification = identifyPolicy({ scenarios: done });
    report.hint = wantsHint(report.verdict, report.matched) ? hintFor(report.id, server, identification.best) : null;
    options.onProgress?.({ type: "scenario-done", index, total: scenarios.length, report, identification });
  };
  const concurrency = mode.concurrency;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, scenarios.length) }, async () => {
      while (next < scenarios.length) await runOne(next++);
    }),
  );

  const finished = reports.filter((r): r is ScenarioReport => r !== undefined);
  const identification = identifyPolicy({ scenarios: finished });
  // A server that does not name itself gets hints for what it behaves like, known only now.
  for (const r of finished) r.hint = wantsHint(r.verdict, r.matched) ? hintFor(r.id, server, identification.best) : null;
  return { ...base, scenarios: finished, summary: summarize(finished), identification, durationMs: Date.now() - startedAt };
}

// ---------------------------------------------------------------------------------------------

interface ScenarioContext {
  target: SuiteTarget;
  waits: HarnessWaits;
  shared: boolean;
  policy: PolicyName;
  server: ServerIdentity;
  accountFeatures: string[] | null;
  runUnsupported: boolean;
  retries: number;
  onHarnessEvent?: SuiteHarnessListener;
}

async function runScenarioReport(scenario: Scenario, ctx: ScenarioContext): Promise<ScenarioReport> {
  const startedAt = Date.now();
  const housekeeping: string[] = [];
  let drainedMessages = 0;
  const listener = ctx.onHarnessEvent;
  const onEvent = listener ? (event: HarnessEvent) => listener(scenario.id, event) : undefined;
  // A scenario the preflight disco already rules out is skipped by runScenario: it sends nothing.
  const applies = ctx.accountFeatures === null || (scenario.needs ?? []).every((f) => ctx.accountFeatures?.includes(f));
  const attempts = ctx.shared && (applies || ctx.runUnsupported) ? 1 + ctx.retries : 1;

  let observation: Observation;
  for (let attempt = 1; ; attempt++) {
    const tag = `${scenario.id.toLowerCase()}-${randomHex(3)}`;
    observation = await runScenario(scenario, new PushHarness(harnessOptions(ctx.target, ctx.waits, tag, onEvent)), { runUnsupported: ctx.runUnsupported });
    if (!ctx.shared || observation.skipped) break;
    housekeeping.push(...(await cleanup(ctx.target, ctx.waits, tag, observation)));
    // Messages the scenario left offline are taken now, so the next scenario starts clean; their
    // senders (and those of what the resources received) show whether anyone else used the account.
    const drained = await drain(ctx.target, ctx.waits, `${tag}-after`);
    drainedMessages = drained.from.length;
    if (drained.problem) housekeeping.push(drained.problem);
    const foreign = foreignSenders(observation, drained.from);
    if (foreign.length === 0 && drained.others.length === 0) break;
    const last = attempt >= attempts;
    const what = [
      ...(foreign.length > 0 ? [`received messages from ${foreign.join(", ")}`] : []),
      ...(drained.others.length > 0 ? [`had other sessions online (${drained.others.join(", ")})`] : []),
    ];
    housekeeping.push(
      `attempt ${attempt}: the account ${what.join(" and ")} during the scenario (another client is using it); ${last ? "the result may include pushes for them" : "running it again"}`,
    );
    if (last) break;
  }

  const judgement = judge(scenario, ctx.policy, observation);
  // Evidence for identification only where the scenario applies (a run of an unsupported one is n/a).
  const evidence = !observation.aborted && !observation.skipped && missingFeatures(scenario, observation) === null;
  const report: ScenarioReport = {
    id: scenario.id,
    name: scenario.name,
    level: scenario.level,
    needs: [...(scenario.needs ?? [])],
    verdict: judgement.verdict,
    matched: judgement.matched,
    detail: judgement.detail,
    mismatches: judgement.mismatches,
    notes: judgement.notes,
    matches: evidence ? matchingPolicies(scenario, observation) : [],
    comparable: evidence ? POLICY_NAMES.filter((p) => !scenario.expected[p].na && !scenario.expected[p].record) : [],
    hint: null,
    durationMs: Date.now() - startedAt,
    drainedMessages,
    housekeeping,
    observation,
  };
  if (ctx.runUnsupported) {
    const ungated = judge(scenario, ctx.policy, observation, { ignoreNeeds: true });
    report.ungated = {
      verdict: ungated.verdict,
      matched: ungated.matched,
      detail: ungated.detail,
      mismatches: ungated.mismatches,
      matches: matchingPolicies(scenario, observation),
    };
  }
  return report;
}

/**
 * Senders of messages to the account that this scenario did not send: what its resources
 * received live, and what it left offline (`offlineFrom`). Bounces and the account's own
 * resources do not count.
 */
export function foreignSenders(observation: Observation, offlineFrom: readonly string[]): string[] {
  const ours = new Set([observation.sender, observation.sink].filter((j): j is string => j !== null));
  const bare = (jid: string) => jid.split("/")[0] ?? jid;
  const live = observation.deliveries.filter((d) => d.role === "account" && d.type !== "error").map((d) => d.from);
  const foreign = [...live, ...offlineFrom].filter((from) => from !== "" && !ours.has(from) && bare(from) !== observation.account && from !== observation.domain);
  return [...new Set(foreign)];
}

/** Harness options for one scenario: fresh resources (and, in fresh mode, fresh usernames) tagged `tag`. */
function harnessOptions(target: SuiteTarget, waits: HarnessWaits, tag: string, onEvent?: (event: HarnessEvent) => void): PushHarnessOptions {
  const fresh = target.accounts === "fresh";
  const user = (c: Credentials): Credentials => (fresh ? { ...c, username: `${c.username}-${tag}` } : { ...c });
  const options: PushHarnessOptions = {
    service: target.service,
    domain: target.domain,
    account: user(target.account),
    sender: { ...user(target.sender), resource: `B-${tag}` },
    sink: { ...user(target.sink), resource: `sink-${tag}` },
    waits,
    resourceSuffix: `-${tag}`,
  };
  if (target.mechanism) options.mechanism = target.mechanism;
  if (target.settle === "decision-log") options.settleFromDecisionLog = true;
  if (onEvent) options.onEvent = onEvent;
  return options;
}

interface Preflight {
  accountFeatures: string[] | null;
  domainIdentities: { category: string; type: string; name?: string }[] | null;
  fatal?: string;
}

/** The three accounts log in (in parallel); the account asks disco#info of itself and of its domain. */
async function preflight(target: SuiteTarget, waits: HarnessWaits): Promise<Preflight> {
  const tag = `pre-${randomHex(3)}`;
  const options = harnessOptions(target, waits, tag);
  const account = new PushHarness(options);
  const sender = new PushHarness({ ...options, account: options.sender, resourceSuffix: `-${tag}` });
  const sink = new PushHarness({ ...options, account: options.sink, resourceSuffix: `-${tag}` });
  const login = async (h: PushHarness, role: string, extra: (h: PushHarness) => PushHarness = (x) => x): Promise<string | null> => {
    try {
      await extra(h.connect("probe")).disconnect("probe");
      return null;
    } catch {
      return `the ${role} cannot log in: ${h.observation().aborted ?? "unknown error"}`;
    } finally {
      await h.close();
    }
  };
  const problems = await Promise.all([
    login(account, "account", (h) => h.disco("probe", undefined, "account-disco").disco("probe", target.domain, "domain-disco")),
    login(sender, "sender"),
    login(sink, "sink"),
  ]);
  const accountDisco = account.iq("account-disco");
  const domainDisco = account.iq("domain-disco");
  const result: Preflight = {
    accountFeatures: accountDisco?.outcome === "result" ? (accountDisco.features ?? []) : null,
    domainIdentities: domainDisco?.outcome === "result" ? (domainDisco.identities ?? []) : null,
  };
  const fatal = problems.filter((p): p is string => p !== null);
  if (fatal.length > 0) result.fatal = `${fatal.join("; ")} (${target.service}, domain ${target.domain})`;
  return result;
}

function choosePolicy(requested: PolicyName | "from-disco", server: ServerIdentity): { policy: PolicyName; source: PolicySource; note?: string } {
  if (requested !== "from-disco") return { policy: requested, source: "option" };
  if (server.policy) return { policy: server.policy, source: "disco" };
  const named = server.name ? `its identity is '${server.name}'` : "it gave no server identity";
  return { policy: "spec", source: "default", note: `the server's disco#info names no policy (${named}); judged under spec` };
}

/**
 * Offline messages left on a shared account (by a scenario, earlier runs or other clients) would
 * be delivered in the middle of the next scenario: a resource with available presence takes them.
 * Returns the senders of the messages it took, one entry per message.
 */
async function drain(target: SuiteTarget, waits: HarnessWaits, tag: string): Promise<{ from: string[]; others: string[]; problem?: string }> {
  const h = new PushHarness(harnessOptions(target, waits, `${tag}-d`));
  try {
    await h
      .connect("drain")
      .presence("drain", "available")
      .collect("drain", { quietMs: Math.min(waits.noPushMs, 500), maxMs: waits.pushMs })
      .disconnect("drain");
    // On initial presence the server also sends the presence of the account's other available
    // resources: none should be there but the drain itself.
    const own = h.jidOf("drain") ?? "";
    const bare = (jid: string) => jid.split("/")[0] ?? jid;
    const others = h.presences.filter((p) => p.type === undefined && p.from !== own && p.from.includes("/") && bare(p.from) === h.account).map((p) => p.from);
    return { from: h.deliveries.filter((d) => d.type !== "error").map((d) => d.from), others: [...new Set(others)] };
  } catch {
    return { from: [], others: [], problem: `drain failed: ${h.observation().aborted ?? "unknown error"}` };
  } finally {
    await h.close();
  }
}

/** Disables every registration the scenario may have made (all nodes of its sink's full JID). */
async function cleanup(target: SuiteTarget, waits: HarnessWaits, tag: string, observation: Observation): Promise<string[]> {
  const registered = observation.iqs.some((i) => i.kind === "enable" && i.outcome !== "error");
  const sinkJid = observation.sink ?? harnessSinkJid(target, tag);
  if (!registered) return [];
  const h = new PushHarness(harnessOptions(target, waits, `${tag}-c`));
  try {
    await h.connect("cleanup").disable("cleanup", { jid: sinkJid, node: null, label: "cleanup" }).disconnect("cleanup");
    const outcome = h.iq("cleanup");
    // ejabberd answers item-not-found when nothing was left to disable: that is a clean state too.
    return outcome?.outcome === "timeout" ? [`cleanup: no answer to disabling ${sinkJid}`] : [];
  } catch {
    return [`cleanup failed: ${h.observation().aborted ?? "unknown error"}`];
  } finally {
    await h.close();
  }
}

function harnessSinkJid(target: SuiteTarget, tag: string): string {
  const sink = harnessOptions(target, DEFAULT_WAITS, tag).sink;
  return `${sink.username}@${sink.domain ?? target.domain}/${sink.resource}`;
}

function randomHex(bytes: number): string {
  const buf = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(buf);
  return Array.from(buf, (b) => b.toString(16).padStart(2, "0")).join("");
}
