/**
 * The observation steps: probes that file what one action caused once things went quiet, and
 * expectations that wait (woken by each arrival, never longer than their window) for publishes or
 * deliveries.
 */
import type { ProbeRecord, PublishKind, ObservedPublish } from "../types";
import { sleep } from "../wait";
import type { HarnessContext } from "./context";
import { describePublishes } from "./describe";
import { HarnessStepError } from "./errors";
import type { CollectOptions, ExpectDeliveryOptions, ExpectNoPushOptions, ExpectPushOptions } from "./options";

function publishMatches(p: ObservedPublish, nodeLabel: string | undefined, kind: PublishKind | "any"): boolean {
  if (kind !== "any" && p.kind !== kind) return false;
  return nodeLabel === undefined || p.nodeLabel === nodeLabel;
}

/**
 * On the reference server: ping round trips until the server has processed what the scenario did,
 * the decision log's delayed publishes waited out, and round trips again, so everything it pushed
 * has arrived. False when there is no log to read (the caller watches its fixed window instead).
 */
async function settledByServer(ctx: HarnessContext): Promise<boolean> {
  if (!ctx.decisionLog) return false;
  await ctx.sessions.barrierAll();
  if (!(await ctx.decisionLog.settle(ctx.sessions.account, ctx.waits.pushMs))) return false;
  await ctx.sessions.barrierAll();
  return true;
}

/** Waits until nothing new arrived for `quietMs` (at most `maxMs`), then files the probe. */
export async function collectProbe(ctx: HarnessContext, label: string, options: CollectOptions): Promise<ProbeRecord> {
  const quietMs = options.quietMs ?? ctx.waits.noPushMs;
  const maxMs = options.maxMs ?? Math.max(ctx.waits.pushMs, quietMs);
  const startedAt = Date.now();
  if (await settledByServer(ctx)) return ctx.log.closeProbe(label, startedAt);
  for (;;) {
    const lastActivity = Math.max(startedAt, ctx.log.lastActivityAt());
    const now = Date.now();
    if (now - lastActivity >= quietMs || now - startedAt >= maxMs) break;
    await ctx.log.activity.next(Math.min(quietMs - (now - lastActivity), maxMs - (now - startedAt)));
  }
  return ctx.log.closeProbe(label, startedAt);
}

/** What `expectPush` waits for, in words. */
export function describeExpectedPush(options: ExpectPushOptions): string {
  return `${options.count ?? 1} push(es)${options.node ? ` to ${options.node}` : ""}`;
}

/** Waits for exactly `count` matching publishes, then consumes everything that arrived (matching or not). */
export async function expectPush(ctx: HarnessContext, options: ExpectPushOptions): Promise<string> {
  const count = options.count ?? 1;
  const matches = () => ctx.log.pendingPublishes().filter((p) => publishMatches(p, options.node, options.kind ?? "message"));
  await ctx.log.activity.until(() => matches().length >= count, options.within ?? ctx.waits.pushMs);
  const found = matches();
  const pending = ctx.log.consumePublishes();
  if (found.length !== count) {
    throw new HarnessStepError(`expected ${describeExpectedPush(options)}, got ${found.length}; arrived: ${describePublishes(pending)}`);
  }
  return describePublishes(pending);
}

/** Watches for `windowMs`; fails on a matching publish. Consumes all. */
export async function expectNoPush(ctx: HarnessContext, options: ExpectNoPushOptions, windowMs: number): Promise<void> {
  if (!(await settledByServer(ctx))) await sleep(windowMs);
  const found = ctx.log.consumePublishes().filter((p) => publishMatches(p, options.node, options.kind ?? "message"));
  if (found.length > 0) throw new HarnessStepError(`expected no push, got ${describePublishes(found)}`);
}

/** The last message B sent (or one with `body`) reaches this account resource. */
export async function expectDelivery(ctx: HarnessContext, resource: string, options: ExpectDeliveryOptions): Promise<void> {
  const body = options.body ?? ctx.log.sent.at(-1)?.body;
  if (body === undefined) throw new HarnessStepError("no message with a body was sent");
  const found = () => ctx.log.deliveries.some((d) => d.role === "account" && d.resource === resource && d.body === body);
  if (!(await ctx.log.activity.until(found, options.within ?? ctx.waits.pushMs))) {
    throw new HarnessStepError(`${resource} did not receive '${body}'`);
  }
}
