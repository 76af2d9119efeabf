// Older results files still load: each step lifts version n to n+1, then the current schema is
// validated. Version history (docs/RESULTS_SCHEMA.md):
//  1: development draft. Records held `scores: {label, logProb, meanLogProb, firstTokenLogProb, tokens}[]`
//     without renormalised probabilities or the gold rank; the manifest had no status, progress or
//     plan fingerprint, and `machine` was `{threads}` only.
//  2: current. Derived fields are stored so the report and CSV never recompute them differently.

/** Thrown for files that are not results files or cannot be migrated. */
export class ResultsError extends Error {
  constructor(
    readonly file: string,
    readonly path: string,
    detail: string,
  ) {
    super(`${file}: ${path ? `at ${path}: ` : ""}${detail}`);
    this.name = "ResultsError";
  }
}

type Json = Record<string, unknown>;

function softmaxProbs(logProbs: number[]): number[] {
  const m = Math.max(...logProbs);
  const e = logProbs.map((l) => Math.exp(l - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

/** 1-based rank of `gold` by descending log-prob (ties count in gold's favour, as the engine does). */
export function goldRankOf(labels: { label: string; logProb: number }[], gold: string): number {
  const g = labels.find((l) => l.label === gold);
  if (!g) return labels.length;
  return 1 + labels.filter((l) => l.logProb > g.logProb).length;
}

function v1to2(doc: Json, file: string): Json {
  const manifest = { ...(doc.manifest as Json) };
  const records = Array.isArray(doc.records) ? (doc.records as Json[]) : [];
  const out = records.map((r, i) => {
    const scores = r.scores as Json[] | undefined;
    if (!Array.isArray(scores)) throw new ResultsError(file, `/records/${i}/scores`, "version 1 record has no scores array");
    const probs = softmaxProbs(scores.map((s) => Number(s.logProb)));
    const labels = scores.map((s, j) => ({ ...s, prob: probs[j] }));
    const { scores: _dropped, ...rest } = r;
    return { ...rest, labels, goldRank: goldRankOf(labels as unknown as { label: string; logProb: number }[], String(r.gold)) };
  });
  const oldMachine = (manifest.machine as Json | undefined) ?? {};
  const engine = { ...(manifest.engine as Json), threads: Number(oldMachine.threads ?? 0) };
  const settings = manifest.settings as Json | undefined;
  const total =
    settings && Array.isArray(settings.variants) && Array.isArray(settings.k) && Array.isArray(settings.seeds)
      ? settings.variants.length * settings.k.length * settings.seeds.length * Number(settings.queries ?? 0)
      : out.length;
  return {
    ...doc,
    schemaVersion: 2,
    manifest: {
      ...manifest,
      engine,
      machine: { platform: "unknown", arch: "unknown", cpus: Number(oldMachine.threads ?? 0), node: "unknown" },
      planFingerprint: "v1",
      status: manifest.endedAt ? "complete" : "interrupted",
      progress: { done: out.length, total },
    },
    records: out,
  };
}

const STEPS: Record<number, (doc: Json, file: string) => Json> = { 1: v1to2 };

/** Lifts a parsed results document to `target` version; throws ResultsError naming the file. */
export function migrateResults(doc: unknown, file: string, target: number): Json {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new ResultsError(file, "", "not an ICL Probe results file (expected a JSON object with schemaVersion, manifest and records)");
  }
  let cur = doc as Json;
  const v0 = cur.schemaVersion;
  if (typeof v0 !== "number" || !Number.isInteger(v0)) {
    throw new ResultsError(file, "/schemaVersion", "missing or not an integer: not an ICL Probe results file");
  }
  if (v0 > target) {
    throw new ResultsError(file, "/schemaVersion", `version ${v0} was written by a newer icl-probe; this build reads versions 1 to ${target}. Update icl-probe.`);
  }
  for (let v = v0; v < target; v++) {
    const step = STEPS[v];
    if (!step) throw new ResultsError(file, "/schemaVersion", `no migration from version ${v}; versions 1 to ${target} are supported`);
    cur = step(cur, file);
  }
  return cur;
}
