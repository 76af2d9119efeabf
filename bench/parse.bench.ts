// Parse speed of demonstration files: 100,000 generated lines (JSONL, and the same data as
// CSV), parsed in memory; median of several runs. Goal: well under one second per file.
import { performance } from "node:perf_hooks";
import { parseDemoFile } from "../src/core/demoFile";
import { defined } from "../src/core/defined";

const LINES = 100_000;
const RUNS = 5;
const WORDS = ["a", "gorgeous", "witty", "film", "dull", "plot", "cast", "superb", "boring", "script", "scene", "music", "ending", "story", "slow", "sharp"];
const LABELS = ["negative", "positive", "neutral", "mixed"];

/** Deterministic pseudo-random text (a linear congruential generator is enough for filler). */
function generate(n: number): { input: string; label: string }[] {
  let x = 12345;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  return Array.from({ length: n }, (_, i) => {
    const len = 6 + (next() % 14);
    const words = Array.from({ length: len }, () => WORDS[next() % WORDS.length]);
    return { input: `${i} ${words.join(" ")}`, label: defined(LABELS[i % LABELS.length], "a label") };
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return defined(s[Math.floor(s.length / 2)], "the median of the timed runs");
}

function time(text: string, path: string): { ms: number; examples: number; errors: number } {
  let examples = 0;
  let errors = 0;
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    const f = parseDemoFile(text, path);
    times.push(performance.now() - t0);
    examples = f.examples.length;
    errors = f.problems.filter((p) => p.severity === "error").length;
  }
  return { ms: median(times), examples, errors };
}

export async function run(): Promise<object> {
  const rows = generate(LINES - 1);
  const header = JSON.stringify({ "icl-probe": 1, labels: LABELS, k: [0, 4, 8, 16] });
  const jsonl = [header, ...rows.map((r) => JSON.stringify(r))].join("\n");
  const csv = [header, "input,label", ...rows.map((r) => `"${r.input}",${r.label}`)].join("\n");

  // Floor for comparison within the same run (machine load varies): split + JSON.parse per line.
  const floorTimes: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    for (const line of jsonl.split("\n")) JSON.parse(line);
    floorTimes.push(performance.now() - t0);
  }
  const floorMs = median(floorTimes);
  const j = time(jsonl, "bench.icl.jsonl");
  const c = time(csv, "bench.csv");
  const fmt = (name: string, lines: number, t: { ms: number; examples: number; errors: number }) =>
    `${name.padEnd(6)} ${String(lines).padStart(8)} ${t.ms.toFixed(1).padStart(9)} ${Math.round(lines / (t.ms / 1000))
      .toLocaleString("en-US")
      .padStart(14)} ${String(t.examples).padStart(9)} ${String(t.errors).padStart(7)}`;
  console.log(`parseDemoFile, median of ${RUNS} runs, ${(jsonl.length / 1e6).toFixed(1)} MB JSONL`);
  console.log("format    lines        ms        lines/s  examples  errors");
  console.log(fmt("jsonl", LINES, j));
  console.log(fmt("csv", LINES + 1, c));
  console.log(`floor (split + JSON.parse per line): ${floorMs.toFixed(1)} ms; parseDemoFile/floor = ${(j.ms / floorMs).toFixed(2)}x`);
  return {
    lines: LINES,
    ms: Math.round(j.ms * 10) / 10,
    linesPerSec: Math.round(LINES / (j.ms / 1000)),
    csv: { lines: LINES + 1, ms: Math.round(c.ms * 10) / 10, linesPerSec: Math.round((LINES + 1) / (c.ms / 1000)) },
    floorMs: Math.round(floorMs * 10) / 10,
    ratioToFloor: Math.round((j.ms / floorMs) * 100) / 100,
    examples: j.examples,
    errors: j.errors + c.errors,
  };
}

if (require.main === module) void run().then((r) => console.log(JSON.stringify(r)));
