// The runs behind a figure, grouped for display: a study's 50 draws ra-token#0..49 at k = 32 are
// one entry, not fifty. Shared by the panel's Hypotheses view and the HTML report.
import type { FigureRun } from "../core/figures/types";

export interface RunGroup {
  /** "ra-token#0..49" or "gold". */
  label: string;
  /** The first variant key of the group (what a click selects). */
  variant: string;
  k: number[];
}

export function groupRuns(runs: readonly FigureRun[]): RunGroup[] {
  const out = new Map<string, { id: string; draws: number[]; variant: string; k: Set<number> }>();
  for (const r of runs) {
    const m = /^(.*)#(\d+)$/.exec(r.variant);
    const id = m ? `${m[1]}#` : r.variant;
    const g = out.get(id) ?? { id, draws: [], variant: r.variant, k: new Set<number>() };
    if (m && !g.draws.includes(Number(m[2]))) g.draws.push(Number(m[2]));
    g.k.add(r.k);
    out.set(id, g);
  }
  return [...out.values()].map((g) => {
    const d = [...g.draws].sort((a, b) => a - b);
    const [first] = d;
    const last = d[d.length - 1];
    const label = first === undefined || last === undefined ? g.id : d.length === 1 ? `${g.id}${first}` : last - first === d.length - 1 ? `${g.id}${first}..${last}` : `${g.id}n (${d.length} draws)`;
    return { label, variant: g.variant, k: [...g.k].sort((a, b) => a - b) };
  });
}

/** "ra-string at k = 0, 4, 8; ra-token#0..49 at k = 32". */
export function runsText(runs: readonly FigureRun[]): string {
  return groupRuns(runs)
    .map((g) => `${g.label} at k = ${g.k.join(", ")}`)
    .join("; ");
}
