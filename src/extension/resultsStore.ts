// Runs known to the editor: results.json files found under the workspace's results folder plus
// runs in progress. Holds the full records in the extension host (the webviews get view models).
// No `vscode` import: the file scan uses node:fs so it is unit-tested.
import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { join, relative, dirname } from "node:path";
import { parseResults } from "../core/results/load";
import type { ResultsLike } from "../shared/resultsShape";
import { runStatus, summarizeRun, type RunSummary } from "../shared/viewModel";
import { analyseRun, type RunAnalysis } from "../core/analysis";
import { distinctRunNames } from "../shared/runNames";
import { demoFileName, modelName } from "../shared/resultsShape";
import { toyNotice } from "../shared/toyModels";

export interface RunEntry {
  runId: string;
  /** results.json path, once written. */
  path?: string;
  results: ResultsLike;
  /** Demo file path the run used (from the manifest). */
  demoPath?: string;
  /** True while a probe is writing it. */
  live: boolean;
  mtimeMs: number;
}

type Listener = (changed: string | undefined) => void;

/** Run id from a results path: the run folder relative to the results root. */
export function runIdFor(path: string, root?: string): string {
  const dir = dirname(path);
  const rel = root ? relative(root, dir) : "";
  return rel && !rel.startsWith("..") ? rel.split(/[\\/]/).join("/") : dir.split(/[\\/]/).slice(-1)[0] || path;
}

/** Finds results.json files under `root` (bounded depth, skips node_modules and dot folders below it). */
export function findResultsFiles(root: string, maxDepth = 4): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(dir, n);
      if (n === "results.json") out.push(p);
      else if (depth < maxDepth && n !== "node_modules" && !n.startsWith(".")) {
        try {
          if (statSync(p).isDirectory()) walk(p, depth + 1);
        } catch {
          /* vanished */
        }
      }
    }
  };
  if (existsSync(root)) walk(root, 0);
  return out;
}

/** The run's start time: the manifest's, else the time in its folder name ("2026-12-01T12-03-04-123"). */
function startedAt(r: RunEntry): string | undefined {
  const m = r.results.manifest?.startedAt;
  if (typeof m === "string") return m;
  const t = /(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})(?:-(\d{3}))?$/.exec(r.runId);
  return t ? `${t[1]}T${t[2]}:${t[3]}:${t[4]}.${t[5] ?? "000"}Z` : undefined;
}

export class ResultsStore {
  private readonly runs = new Map<string, RunEntry>();
  private readonly listeners = new Set<Listener>();
  /** Problems met while loading files (shown in the log). */
  readonly loadErrors: string[] = [];
  /** One analysis per run entry, reused by the panel, the side panel and the history until the entry changes. */
  private readonly analyses = new WeakMap<RunEntry, RunAnalysis>();

  onDidChange(l: Listener): { dispose(): void } {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  }
  private fire(runId?: string): void {
    for (const l of this.listeners) l(runId);
  }

  get(runId: string): RunEntry | undefined {
    return this.runs.get(runId);
  }
  all(): RunEntry[] {
    return [...this.runs.values()].sort((a, b) => b.mtimeMs - a.mtimeMs);
  }
  latestFor(demoPath: string): RunEntry | undefined {
    return this.all().find((r) => r.demoPath === demoPath && r.results.records.length > 0);
  }
  /** Runs of one demo file with records, newest first. */
  runsFor(demoPath: string): RunEntry[] {
    return this.all().filter((r) => r.demoPath === demoPath && r.results.records.length > 0);
  }
  /** Distinct display names of every run (file · start time to the second). */
  names(): Map<string, string> {
    return distinctRunNames(this.all().map((r) => ({ runId: r.runId, file: demoFileName(r.results.manifest), startedAt: startedAt(r) })));
  }
  name(runId: string): string {
    return this.names().get(runId) ?? runId;
  }
  summaries(): RunSummary[] {
    // A live run is never complete; otherwise the manifest's status decides.
    const names = this.names();
    return this.all().map((r) => ({
      ...summarizeRun(r.runId, r.results, this.analysisOf(r), r.live ? false : undefined),
      warnings: r.results.records.filter((x) => x.warnings?.length).length,
      name: names.get(r.runId),
      status: runStatus(r.results, r.live),
      toy: toyNotice(modelName(r.results.manifest), demoFileName(r.results.manifest)),
    }));
  }

  /**
   * The run's analysis (metrics, summary rows, verdicts), computed once per entry: a live run's
   * snapshots replace the entry, so each snapshot is analysed once however many views show it.
   */
  analysis(runId: string): RunAnalysis | undefined {
    const e = this.runs.get(runId);
    return e && this.analysisOf(e);
  }

  private analysisOf(e: RunEntry): RunAnalysis {
    let a = this.analyses.get(e);
    if (!a) {
      try {
        a = analyseRun(e.results);
      } catch (err) {
        // A malformed record (no label scores, rank 0) must not take the views down: show no numbers and say why.
        this.loadErrors.push(`${e.path ?? e.runId}: ${(err as Error).message}`);
        a = { metrics: [], summary: [], verdicts: [], figures: [] };
      }
      this.analyses.set(e, a);
    }
    return a;
  }

  /** Adds or replaces a run (live updates replace the records as snapshots arrive); `analysis` when the caller already has the run's. */
  put(entry: Omit<RunEntry, "mtimeMs"> & { mtimeMs?: number }, analysis?: RunAnalysis): RunEntry {
    const e: RunEntry = { ...entry, mtimeMs: entry.mtimeMs ?? Date.now() };
    if (analysis) this.analyses.set(e, analysis);
    if (!e.demoPath) {
      const d = (e.results.manifest as { demoFile?: { path?: string } | string } | undefined)?.demoFile;
      e.demoPath = typeof d === "string" ? d : d?.path;
    }
    this.runs.set(e.runId, e);
    this.fire(e.runId);
    return e;
  }

  remove(runId: string): void {
    if (this.runs.delete(runId)) this.fire(runId);
  }

  /** Loads one results file; returns the entry or throws ResultsError with a clear message. */
  loadFile(path: string, root?: string): RunEntry {
    const text = readFileSync(path, "utf8");
    const results = parseResults(text, path) as unknown as ResultsLike;
    const runId = runIdFor(path, root);
    const prev = this.runs.get(runId);
    if (prev?.live) return prev;
    return this.put({ runId, path, results, live: false, mtimeMs: statSync(path).mtimeMs });
  }

  /** Rescans `root` for results files; files that fail to load are reported, not fatal. */
  scan(root: string): number {
    let n = 0;
    this.loadErrors.length = 0;
    for (const p of findResultsFiles(root)) {
      const runId = runIdFor(p, root);
      const prev = this.runs.get(runId);
      // A run being written is the probe controller's: its checkpoints are never re-read here.
      if (prev?.live) continue;
      try {
        const m = statSync(p).mtimeMs;
        if (prev && prev.path === p && prev.mtimeMs >= m) continue;
        this.loadFile(p, root);
        n++;
      } catch (e) {
        this.loadErrors.push((e as Error).message);
      }
    }
    return n;
  }
}
