// Helpers the scenarios share: an e2e-sized copy of an example demo file, the results files the
// extension writes, and independent recomputation of what its charts must show.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import type { Page } from "playwright-core";
import type { QueryRecord } from "../../src/core/types";
import { chartsIn, focusWorkbench, paletteEntries, repoRoot, waitUntil, webviewDocuments, type ChartData } from "./harness";

export const fixtures = join(repoRoot, "test", "e2e", "fixtures");
export const defaultModel = join(repoRoot, "models", "icl-toy.gguf");
export const sharedModel = join(process.env.ICL_SHARED_MODELS ?? join(repoRoot, "..", "shared", "models"), "stories260K.gguf");

/**
 * User settings that pick the model the probes run on: the embedded default
 * (models/icl-toy.gguf) when it exists; otherwise the small shared stories260K.gguf, said aloud.
 */
export function modelSettings(): Record<string, unknown> {
  if (existsSync(defaultModel)) return {};
  if (existsSync(sharedModel)) {
    console.log(`# e2e: ${defaultModel} is missing; probes use ${sharedModel}`);
    return { "iclProbe.modelPath": sharedModel };
  }
  return {};
}

/** Why probes cannot run, or undefined. */
export function missingModel(): string | undefined {
  return existsSync(defaultModel) || existsSync(sharedModel) ? undefined : `no model: neither ${defaultModel} nor ${sharedModel} exists`;
}
export const examples = join(repoRoot, "examples");

/**
 * Writes examples/<name> into the workspace with a smaller probe header (the example's own grid
 * is sized for research runs; the e2e tests need a run of a few seconds). Only the header's
 * grid fields change; template, labels and examples stay the example's own.
 */
export function writeSmallDemo(workspace: string, name = "sentiment.icl.jsonl", grid: Record<string, unknown> = {}): string {
  const lines = readFileSync(join(examples, name), "utf8").split("\n");
  const header = JSON.parse(lines[0]!) as Record<string, unknown>;
  if (!("icl-probe" in header)) throw new Error(`examples/${name} has no header line`);
  Object.assign(header, { k: [0, 2], seeds: [1], queries: 6, variants: ["gold", "flipped"], calibrate: false }, grid);
  lines[0] = JSON.stringify(header);
  const target = join(workspace, name);
  writeFileSync(target, lines.join("\n"));
  return target;
}

export interface ResultsOnDisk {
  path: string;
  mtimeMs: number;
  data: { manifest?: Record<string, unknown>; records: QueryRecord[]; [k: string]: unknown };
}

/** Results JSON files under the workspace's results folder (.icl-probe/results by default). */
export function resultsFiles(workspace: string, folder = join(".icl-probe", "results")): ResultsOnDisk[] {
  const dir = join(workspace, folder);
  if (!existsSync(dir)) return [];
  const out: ResultsOnDisk[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".json")) {
        try {
          const data = JSON.parse(readFileSync(p, "utf8"));
          if (data && Array.isArray(data.records)) out.push({ path: p, mtimeMs: statSync(p).mtimeMs, data });
        } catch {
          /* being written */
        }
      }
    }
  };
  walk(dir);
  return out.sort((a, b) => a.mtimeMs - b.mtimeMs);
}

/** The extension's id for a run: its folder under the workspace's results folder ("sentiment/2026-12-01T12-03-04-123"). */
export function runIdOf(workspace: string, r: ResultsOnDisk, folder = join(".icl-probe", "results")): string {
  return relative(join(workspace, folder), dirname(r.path)).split(sep).join("/");
}

/** Waits for a results file not in `before` whose records satisfy `done`. */
export async function waitForNewResults(workspace: string, before: readonly ResultsOnDisk[], done: (r: ResultsOnDisk) => boolean, timeout = 120_000): Promise<ResultsOnDisk> {
  const old = new Set(before.map((r) => `${r.path}@${r.mtimeMs}`));
  return waitUntil(
    () =>
      resultsFiles(workspace)
        .reverse()
        .find((r) => !old.has(`${r.path}@${r.mtimeMs}`) && done(r)),
    "a results file on disk",
    timeout,
    500,
  );
}

/**
 * Accuracy of each (variant, k, seed) as docs/STATISTICS.md defines it, recomputed from the
 * records: the share of right answers over the seed's distinct prompts (demo set + query text;
 * duplicates count once, by the share of them that is right). Key: `${variant}|${k}|${seed}`.
 */
export function accuracyBySeed(records: readonly QueryRecord[]): Map<string, number> {
  const tally = new Map<string, Map<string, { c: number; n: number }>>();
  for (const r of records) {
    const cell = `${r.variant}|${r.k}|${r.seed}`;
    const prompts = tally.get(cell) ?? new Map();
    tally.set(cell, prompts);
    const key = `${r.demoIndices.join(",")}|${r.input}`;
    const t = prompts.get(key) ?? { c: 0, n: 0 };
    prompts.set(key, t);
    t.n += 1;
    if (r.predicted === r.gold) t.c += 1;
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  return new Map([...tally].map(([cell, prompts]) => [cell, mean([...prompts.values()].map((t) => t.c / t.n))]));
}

/** Accuracy per variant and k: the mean over seeds of accuracyBySeed. */
export function accuracyByVariantK(records: readonly QueryRecord[]): Map<string, Map<number, number>> {
  const sums = new Map<string, Map<number, number[]>>();
  for (const [cell, acc] of accuracyBySeed(records)) {
    const [variant, k] = cell.split("|");
    if (variant === undefined) throw new Error(`accuracyBySeed's cell ${cell} has no variant`);
    const byK = sums.get(variant) ?? new Map<number, number[]>();
    sums.set(variant, byK);
    byK.set(Number(k), [...(byK.get(Number(k)) ?? []), acc]);
  }
  return new Map([...sums].map(([v, byK]) => [v, new Map([...byK].map(([k, xs]) => [k, xs.reduce((a, b) => a + b, 0) / xs.length]))]));
}

/** A chart data point as a number: Chart.js takes numbers, {x, y} or {k, acc}-like objects. */
export function pointValue(p: unknown): number | undefined {
  if (typeof p === "number") return p;
  if (p && typeof p === "object") {
    const o = p as Record<string, unknown>;
    for (const key of ["y", "acc", "value", "prob"]) if (typeof o[key] === "number") return o[key] as number;
  }
  return undefined;
}

/** Values as fractions: a chart drawn in percent is divided by 100. */
export function asFractions(values: (number | undefined)[]): (number | undefined)[] {
  const max = Math.max(...values.filter((v): v is number => typeof v === "number"));
  return max > 1.000001 ? values.map((v) => (v === undefined ? v : v / 100)) : values;
}

export const close = (a: number | undefined, b: number, eps = 1e-6) => a !== undefined && Math.abs(a - b) <= eps;

/** All charts of all webview documents on the page. */
export async function allCharts(page: Page): Promise<ChartData[]> {
  const out: ChartData[] = [];
  for (const f of webviewDocuments(page)) out.push(...(await chartsIn(f).catch(() => [])));
  return out;
}

/**
 * Finds, for every variant in `expected`, a dataset labelled with the variant whose points at the
 * chart's k labels equal the recomputed accuracies. Returns a list of mismatches (empty = match).
 */
export function matchAccuracyChart(charts: readonly ChartData[], expected: Map<string, Map<number, number>>): { chart?: ChartData; problems: string[] } {
  let best: { chart?: ChartData; problems: string[] } = { problems: ["no chart with a dataset per variant"] };
  // The panel marks its accuracy chart; other webviews (the side panel) are searched as they are.
  const marked = charts.filter((c) => c.testid === "accuracy-chart");
  for (const chart of marked.length ? marked : charts) {
    const problems: string[] = [];
    for (const [variant, byK] of expected) {
      const candidates = chart.datasets.filter((d) => d.label === variant || d.label.startsWith(`${variant} `) || d.label.startsWith(`${variant}:`) || d.label.includes(`(${variant})`));
      const ok = candidates.some((d) => datasetMatches(chart, d.data, byK));
      if (!ok) problems.push(`${variant}: no dataset matches ${JSON.stringify([...byK])} (candidates: ${candidates.map((d) => `${d.label}=${JSON.stringify(d.data)}`).join("; ") || "none"})`);
    }
    if (problems.length === 0) return { chart, problems };
    if (best.problems.length > problems.length || !best.chart) best = { chart, problems };
  }
  return best;
}

function datasetMatches(chart: ChartData, data: unknown[], byK: Map<number, number>): boolean {
  // Points either carry their k ({x: k, y: acc}) or line up with the chart's labels (k values).
  const pairs: [number, number | undefined][] = data.map((p, i) => {
    const x =
      p && typeof p === "object" && typeof (p as { x?: unknown }).x === "number"
        ? (p as { x: number }).x
        : p && typeof p === "object" && typeof (p as { k?: unknown }).k === "number"
          ? (p as { k: number }).k
          : Number(String(chart.labels[i] ?? "").replace(/^k\s*=\s*/, ""));
    return [x, pointValue(p)];
  });
  const fr = asFractions(pairs.map(([, v]) => v));
  const got = new Map(pairs.map(([k], i) => [k, fr[i]]));
  for (const [k, acc] of byK) if (!close(got.get(k), acc)) return false;
  return true;
}

/** True when the palette offers the command (a feature has landed). */
export async function hasCommand(page: Page, title: string): Promise<boolean> {
  const rows = await paletteEntries(page, title);
  await focusWorkbench(page);
  return rows.some((r) => r.includes(title));
}

/** Text of every visible notification toast, joined, for assertion messages. */
export async function toastsText(page: Page): Promise<string> {
  return (await page.locator(".notification-toast").allInnerTexts()).map((t) => t.replace(/\s+/g, " ").trim()).join(" || ");
}
