// Names that tell runs apart: the demo file and when the run started, to the second, in local
// time ("sentiment.icl.jsonl · 2026-12-01 12:03:04"); two runs that would still share a name get
// "(2)", "(3)" in start order. The panel's columns, the side panel's history and the pickers all
// use these names. Pure.

const pad = (n: number) => String(n).padStart(2, "0");

/** "2026-12-01 12:03:04" (local time) from an ISO timestamp; undefined when it is not one. */
export function stampOf(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return undefined;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export interface NamedRun {
  runId: string;
  file: string;
  startedAt?: string;
}

/** The run's name before de-duplication: file · start time (or the run id when no time is known). */
export function runName(r: NamedRun): string {
  return `${r.file} · ${stampOf(r.startedAt) ?? r.runId}`;
}

/** Distinct names for all `runs` (the oldest of a clash keeps the plain name). */
export function distinctRunNames(runs: readonly NamedRun[]): Map<string, string> {
  const byName = new Map<string, NamedRun[]>();
  for (const r of runs) {
    const n = runName(r);
    byName.set(n, [...(byName.get(n) ?? []), r]);
  }
  const out = new Map<string, string>();
  for (const [name, group] of byName) {
    const sorted = [...group].sort((a, b) => (a.startedAt ?? "").localeCompare(b.startedAt ?? "") || a.runId.localeCompare(b.runId));
    sorted.forEach((r, i) => out.set(r.runId, i === 0 ? name : `${name} (${i + 1})`));
  }
  return out;
}
