// What the editor shows at the end of each query line after a run (Error Lens style, one
// decoration per line, no extra lens rows): the variant and k named, the prediction, and a mark
// that means what it says: ✓ only when every seed got the query right, ✗ when none did, ◐ when
// some did. Which run it shows: the newest complete run of the file; a newer cancelled or failed
// run never replaces it silently (the header lens says it is there). Pure (unit-tested); the
// decorations in lineDecorations.ts only draw these.
import type { DemoFile, QueryRecord } from "../core/types";
import { defined } from "../core/defined";

export type LineMark = "right" | "wrong" | "mixed";

export interface SeedResult {
  /** Index of the record in the run's records (the key the results panel selects it by). */
  key: number;
  seed: number;
  predicted: string;
  tied?: string[];
  prob: number;
  correct: boolean;
}

export interface LineResult {
  /** 0-based line of the query example. */
  line: number;
  mark: LineMark;
  /** The end-of-line text, e.g. "gold, k=8: ✓ positive (p 0.93)". */
  text: string;
  /** One entry per seed in which the example was a query. */
  seeds: SeedResult[];
}

const MARK: Record<LineMark, string> = { right: "✓", wrong: "✗", mixed: "◐" };

function prediction(s: Pick<SeedResult, "predicted" | "tied">): string {
  return s.predicted === "" ? `tie (${(s.tied ?? []).join(", ")})` : s.predicted;
}

/** The k shown by default: the largest k of the variant. */
export function defaultK(records: readonly QueryRecord[], variant: string): number | undefined {
  let k: number | undefined;
  for (const r of records) if (r.variant === variant && (k === undefined || r.k > k)) k = r.k;
  return k;
}

/** Per query line, the result of `variant` at `k` over the seeds in which the example was a query. */
export function lineResults(file: Pick<DemoFile, "examples">, records: readonly QueryRecord[], variant: string, k: number, opts: { partial?: boolean } = {}): LineResult[] {
  const bySeed = new Map<number, SeedResult[]>();
  records.forEach((r, key) => {
    if (r.variant !== variant || r.k !== k) return;
    const prob = r.labels.find((l) => l.label === r.predicted)?.prob ?? 0;
    const list = bySeed.get(r.queryIndex) ?? [];
    list.push({ key, seed: r.seed, predicted: r.predicted, ...(r.tied ? { tied: r.tied } : {}), prob, correct: r.predicted === r.gold });
    bySeed.set(r.queryIndex, list);
  });
  const out: LineResult[] = [];
  for (const ex of file.examples) {
    const seeds = bySeed.get(ex.index);
    if (!seeds?.length) continue;
    seeds.sort((a, b) => a.seed - b.seed);
    const right = seeds.filter((s) => s.correct).length;
    const mark: LineMark = right === seeds.length ? "right" : right === 0 ? "wrong" : "mixed";
    const where = `${opts.partial ? "partial run · " : ""}${variant}, k=${k}`;
    let what: string;
    const only = seeds.length === 1 ? seeds[0] : undefined;
    if (only) {
      what = only.predicted === "" ? prediction(only) : `${only.predicted} (p ${only.prob.toFixed(2)})`;
    } else {
      const preds = new Map<string, number>();
      for (const s of seeds) preds.set(prediction(s), (preds.get(prediction(s)) ?? 0) + 1);
      const [top] = defined([...preds.entries()].sort((a, b) => b[1] - a[1])[0], "the most frequent prediction");
      what = `${right} of ${seeds.length} seeds right${preds.size === 1 ? ` · ${mark === "right" ? "" : "predicted "}${top}` : ""}`;
    }
    out.push({ line: ex.line - 1, mark, text: `${where}: ${MARK[mark]} ${what}`, seeds });
  }
  return out;
}

export interface RunLike {
  runId: string;
  live: boolean;
  /** complete | interrupted | failed | running. */
  status: string;
  /** Display name (file · start time). */
  name: string;
}

/**
 * The run whose results the lines show: the newest complete one. A newer run that was cancelled
 * or failed is named in `note` instead of replacing it; with no complete run at all, the newest
 * partial run is shown and marked partial.
 */
export function pickLineRun<R extends RunLike>(runsNewestFirst: readonly R[]): { run: R; partial: boolean; note?: string } | undefined {
  const done = runsNewestFirst.filter((r) => !r.live);
  const complete = done.find((r) => r.status === "complete");
  const newest = done[0];
  if (complete) {
    const newer = newest && newest !== complete ? newest : undefined;
    return { run: complete, partial: false, ...(newer ? { note: `a newer run (${newer.name}) was ${newer.status === "failed" ? "failed" : "cancelled"}: these lines show ${complete.name}` } : {}) };
  }
  return newest ? { run: newest, partial: true, note: `no complete run yet: these lines show the partial run ${newest.name}` } : undefined;
}

/** Markdown of a line's hover: each seed's prediction, each with a link that selects it in the results panel. */
export function lineHover(r: LineResult, runId: string, variant: string, k: number, note?: string): string {
  const link = (key: number) => `command:iclProbe.showQuery?${encodeURIComponent(JSON.stringify([runId, key]))}`;
  const rows = r.seeds.map(
    (s) => `- seed ${s.seed}: ${s.correct ? "✓ right" : "✗ wrong"}, predicted **${prediction(s)}**${s.predicted ? ` (p ${s.prob.toFixed(3)})` : ""} · [Show in the results panel](${link(s.key)})`,
  );
  return [`**ICL Probe** · ${variant}, k=${k}`, "", ...rows, ...(note ? ["", `_${note}_`] : [])].join("\n");
}
