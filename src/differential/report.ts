/** The campaign's report: the text `npm run differential` prints, and its JSON for the README table. */
import type { RealServerName } from "../real-servers/realServers";
import type { CampaignResult, DivergenceReport, PairRun } from "./campaign";
import { sideBySide } from "./compare";
import { describeOp } from "./ops";
import { printScenario } from "./scenario-print";

export interface ReportContext {
  server: RealServerName;
  seed: number;
  leftTitle: string;
  rightTitle: string;
  quietMs: number;
  hibernationQuietMs: number;
  /** Behaviour the comparison leaves out on purpose, said in the output. */
  excluded: readonly string[];
}

export function agreementPercent(result: Pick<CampaignResult, "sequences" | "agreements">): number {
  return result.sequences === 0 ? 100 : (100 * result.agreements) / result.sequences;
}

/** What follows the first divergent step cannot have caused it: the shrunk run without it. */
export function trimAfterDivergence(run: PairRun): PairRun {
  const step = run.divergence?.step;
  if (step === undefined) return run;
  const keep = step + 1;
  return { ...run, ops: run.ops.slice(0, keep), left: { steps: run.left.steps.slice(0, keep) }, right: { steps: run.right.steps.slice(0, keep) } };
}

export function divergenceText(d: DivergenceReport, ctx: ReportContext, n: number): string {
  const run = trimAfterDivergence(d.shrunk);
  const div = run.divergence;
  const where = div ? `step ${div.step} (${div.aspects.join(", ")})` : "no longer diverges";
  const lines = [
    `--- divergence ${n}: sequence #${d.index}, ${d.reproduced ? `reproduced, shrunk in ${d.shrinkRuns} runs to ${run.ops.length} operations` : "NOT reproduced on a second run (timing)"}; first difference at ${where}`,
    ...run.ops.map((op, i) => `  ${i}. ${describeOp(op)}`),
    "",
    sideBySide(run.left, run.right, [ctx.leftTitle, ctx.rightTitle], div),
  ];
  if (d.reproduced && div) {
    const emulated = div.right;
    const what = emulated ? `step ${div.step}: ${[...emulated.publishes.map((p) => `push ${p}`), ...emulated.deliveries.map((x) => `deliver ${x}`)].join("; ") || "nothing"}${emulated.iq ? ` (iq ${emulated.iq})` : ""}` : "fewer steps";
    lines.push(
      "",
      "catalogue scenario (paste into src/scenarios/catalogue/*.ts):",
      printScenario({
        id: `CD${d.index}`,
        server: ctx.server,
        seed: ctx.seed,
        ops: run.ops,
        real: run.left,
        divergence: what,
        quietMs: ctx.quietMs,
        hibernationQuietMs: ctx.hibernationQuietMs,
      }),
    );
  }
  return lines.join("\n");
}

export function formatCampaign(result: CampaignResult, ctx: ReportContext): string {
  const lines = [
    `differential: ${ctx.leftTitle} vs ${ctx.rightTitle}, seed ${ctx.seed}`,
    ...ctx.excluded.map((e) => `excluded from the comparison: ${e}`),
    ...result.divergences.map((d, i) => divergenceText(d, ctx, i + 1)),
    "",
    `sequences run:  ${result.sequences}`,
    `agreements:     ${result.agreements}`,
    `agreement:      ${agreementPercent(result).toFixed(1)} %`,
    `exercised:      ${result.coverage.operations} operations; ${result.coverage.publishes} pushes in ${result.coverage.withPush} sequences, ${result.coverage.deliveries} deliveries, ${result.coverage.withHibernation} sequences with a hibernated session (${result.coverage.withResume} resumed, ${result.coverage.withRedelivery} with a message re-sent), ${result.coverage.withNodelessEnable} with an enable without node (counted on the real server)`,
    `divergences:    ${result.divergences.length} (${result.divergences.filter((d) => d.reproduced).length} reproduced)`,
    `elapsed:        ${(result.elapsedMs / 1000).toFixed(1)} s`,
  ];
  return lines.join("\n");
}

export interface CampaignJson {
  target: RealServerName;
  seed: number;
  sequences: number;
  agreements: number;
  agreementPercent: number;
  coverage: CampaignResult["coverage"];
  divergences: { index: number; reproduced: boolean; operations: string[]; step: number | null; aspects: string[] }[];
  elapsedMs: number;
  excluded: readonly string[];
}

export function campaignJson(result: CampaignResult, ctx: ReportContext): CampaignJson {
  return {
    target: ctx.server,
    seed: ctx.seed,
    sequences: result.sequences,
    agreements: result.agreements,
    agreementPercent: Number(agreementPercent(result).toFixed(2)),
    coverage: result.coverage,
    divergences: result.divergences.map((d) => ({
      index: d.index,
      reproduced: d.reproduced,
      operations: trimAfterDivergence(d.shrunk).ops.map(describeOp),
      step: d.shrunk.divergence?.step ?? null,
      aspects: d.shrunk.divergence?.aspects ?? [],
    })),
    elapsedMs: result.elapsedMs,
    excluded: ctx.excluded,
  };
}
