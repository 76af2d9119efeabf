// Runs a planned experiment through the engine (node side): progress, cancellation, crash-safe
// checkpoints and resume. The engine is passed in (already started and loaded), so the CLI, the
// extension and the tests share this code and own the engine's lifetime.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { defined } from "../core/defined";
import type { DemoFile, LabelScore, ProbeSettings, QueryRecord } from "../core/types";
import { EngineFailure, type EmbeddingRows, type ItemScore, type ModelInfo, type ScoreItem, type TextScoreItem, type TokenScoreItem } from "../engine/protocol";
import { linearGroupScores } from "../core/linear/gLinear";
import { getVariant, readsLexicon, type VariantContext } from "../core/variants";
import { tokenizeAll, withTokenizer, type VocabEntry } from "../core/tokenizer";
import { tryLoadLexicon } from "../node/lexicon";
import { planExperiment, materializeGroup, examplesAt, VariantCache, withoutVariants, type ExperimentPlan, type MaterializedItem, type PlanGroup } from "../core/experiment/plan";
import { createVariant, VariantError, type VariantInstance } from "../core/variants";
import { PreflightError, checkLabelTokens, dropGroups, findOverflows, overflowMessage, type OverflowPolicy } from "./preflight";
import { toCalibrationRecord, toQueryRecord } from "../core/experiment/records";
import {
  type SkippedCell,
  RESULTS_SCHEMA_VERSION,
  calibrationKey,
  recordKey,
  type CalibrationRecord,
  type EngineManifest,
  type ModelManifest,
  type ResultsFile,
  type RunManifest,
  type ScoringMode,
} from "../core/results/schema";
import { parseResults } from "../core/results/load";
import { Journal, JOURNAL_FILE, OutputError, RESULTS_FILE, outputError, writeFileAtomic, type JournalEntry } from "./checkpoint";
import { machineManifest, modelManifest, sha256Text } from "./manifest";
import { toolVersion } from "../node/packageRoot";
import { computeBaselines, groupBaseline, type GroupBaseline } from "../core/experiment/baselines";
import { demoSpans, SCORE_PLAN_VERSION, textScoreItem } from "../engine/items";
import type { DemoSpan } from "../engine/protocol";
import { groupWork, WorkMeter } from "../core/experiment/work";
import type { StudyManifest } from "../core/study";
import { summarizeWarnings, type RunWarning, type ScoreWarning } from "../core/warnings";

export interface EngineScoreOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /**
   * Per-item results as they are scored. When the engine supports it, each result is journaled at
   * once, so a kill loses only the query in flight even inside a large batch; engines without it
   * ignore the option and results are journaled when the batch returns.
   */
  onItem?: (s: ItemScore) => void;
}

/** What the runner needs from an engine (EngineClient satisfies it). */
export interface EngineLike {
  info(): Promise<ModelInfo>;
  score(items: ScoreItem[], opts?: EngineScoreOptions): Promise<ItemScore[]>;
  /** Preferred when present: the engine's own scoring time feeds the overhead figure. */
  scoreWithStats?(items: ScoreItem[], opts?: EngineScoreOptions): Promise<{ items: ItemScore[]; stats: { ms: number } }>;
  /** Needed by token-level variants (ra-token, g-token, g-linear, pa-token) only. */
  tokenize?(texts: string[]): Promise<number[][]>;
  /** Input-embedding rows of token ids (g-linear). An engine without it runs everything else; g-linear is then skipped with a reason. */
  tokenEmbeddings?(tokens: number[]): Promise<EmbeddingRows>;
  vocab?(): Promise<{ id: number; text: string; piece?: string; type: VocabEntry["type"] }[]>;
  /** What the manifest records for an engine without a model file (a vLLM or SGLang server). */
  describe?(): Promise<{ engine: RunManifest["engine"]; model: ModelManifest }>;
}

export interface RunConfig {
  /** The parsed demo file (problems already checked by the caller). */
  file: DemoFile;
  /** Exact text of the demo file (its sha256 goes into the manifest and the plan fingerprint). */
  fileText: string;
  /** SHA-256 of the file's bytes, when the caller read bytes (non-UTF-8 files); default: of fileText. */
  fileSha256?: string;
  /** Resolved settings (file header merged with overrides). */
  settings: ProbeSettings;
  modelPath: string;
  /** Extra variant context (word lists, a lexicon); the WordNet lexicon is loaded when a variant needs it. */
  variantContext?: Partial<VariantContext>;
  /** The context size the model was loaded with (LoadOptions.contextSize); default its training context. */
  contextSize?: number;
  /** The study this run is (src/core/study), recorded in the manifest. */
  study?: StudyManifest;
  /** The plan made by prepareRun (prepare.ts); made here from file and settings when absent. */
  plan?: ExperimentPlan;
}

export interface ProgressEvent {
  /** Scored queries so far (including those restored on resume). */
  done: number;
  total: number;
  variant: string;
  k: number;
  seed: number;
  /**
   * Seconds left at the rate of this session, weighted by each demo set's work (characters the
   * engine evaluates, src/core/experiment/work.ts); undefined until something was measured.
   */
  etaSeconds?: number;
  /** Demo sets finished in this session: the first estimate comes with the first one. */
  measuredGroups: number;
  elapsedMs: number;
}

export interface RunOptions {
  engine: EngineLike;
  signal?: AbortSignal;
  onProgress?: (p: ProgressEvent) => void;
  /** Directory for results.json and the journal; without it nothing is written. */
  outDir?: string;
  /** Continue the run found in outDir (same plan fingerprint), skipping completed records. */
  resume?: boolean;
  /**
   * Max query items per engine request (a demo set's content-free calibration items go first, in a
   * request of their own). Default: the whole demo
   * set, so its prefix is evaluated once in one request. Measured on this project's 2-core test
   * machine, one query per request was about 3x slower (per-request wake-up costs of the engine's
   * threads), so small batches trade speed for a finer checkpoint when the engine cannot stream
   * per-item results (see EngineScoreOptions.onItem).
   */
  batchSize?: number;
  /** Cells whose prompts exceed the context: "stop" (default) before scoring, or "skip" them with a recorded reason. */
  onOverflow?: OverflowPolicy;
  /** Minimum interval between atomic results.json snapshots while running (default 2000 ms; the journal has every record meanwhile). */
  snapshotEveryMs?: number;
  /**
   * Each snapshot of the run as it is written (every snapshotEveryMs while running, and the final
   * one), so that a caller shows live results from memory instead of reading results.json back.
   */
  onSnapshot?: (results: ResultsFile) => void;
}

export interface RunOutcome {
  results: ResultsFile;
  status: "complete" | "interrupted" | "failed";
  error?: Error;
  /** Engine time spent scoring in this session (from the engine's stats when available). */
  engineMs: number;
  wallMs: number;
  /** Records restored from a previous session. */
  resumed: number;
  /** Variants left out of the run, with the reason (also a "variant-skipped" run warning): g-linear on an engine that cannot read embeddings. */
  skipped: { variant: string; reason: string }[];
}

export class RunError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = "RunError";
  }
}

/**
 * Everything that determines the plan and the numbers; resume refuses results from another one.
 * The scoring mode changes the numbers (F32 vs F16 KV cache), so a resume never mixes modes;
 * threads and context size do not (measured bit-identical, docs/ENGINE.md), so they stay out.
 * The scoring plan's version does (how prompts are split into prefix and query, and so the
 * engine's cuts: SCORE_PLAN_VERSION).
 */
export function planFingerprint(fileSha: string, modelSha: string, settings: ProbeSettings, mode: ScoringMode | undefined): string {
  return sha256Text(JSON.stringify({ v: RESULTS_SCHEMA_VERSION, plan: SCORE_PLAN_VERSION, fileSha, modelSha, settings, mode })).slice(0, 32);
}

/** The manifest's engine block: what computed the scores (context and batch size as allocated when scoring). */
export function engineManifest(info: ModelInfo): EngineManifest {
  return {
    name: "node-llama-cpp",
    version: info.nodeLlamaCppVersion,
    threads: info.threads,
    threadsReason: info.threadsReason,
    mode: info.mode,
    kvCacheType: info.kvCacheType,
    flashAttention: info.flashAttention,
    batchSize: info.batchSize,
    contextSize: info.contextSize,
    // Local engine, once a context exists: the sequences whose queries were decoded together
    // (1 in exact mode), and fast mode's measured deviation from exact mode.
    ...(info.mode && info.sequences > 0 ? { sequences: info.sequences } : {}),
    ...(info.measuredDeviationFromExact !== undefined ? { measuredDeviationFromExact: info.measuredDeviationFromExact } : {}),
  };
}

/**
 * What determines the numbers of every record, whatever the variants and k: the file, the model
 * and the settings without variants, k and grid. Query pools and demo sets depend on the seed, k,
 * queries and selection only, and each variant is built per (variant, seed), so a run whose
 * variants or k grew can keep the records of the run it extends (the study's "run just those").
 */
export function dataFingerprint(fileSha: string, modelSha: string, settings: ProbeSettings, mode: ScoringMode | undefined): string {
  const rest: Record<string, unknown> = { ...settings };
  delete rest.variants;
  delete rest.k;
  delete rest.grid;
  const sorted = Object.fromEntries(
    Object.keys(rest)
      .sort()
      .map((k) => [k, rest[k]]),
  );
  return sha256Text(JSON.stringify({ v: RESULTS_SCHEMA_VERSION, plan: SCORE_PLAN_VERSION, fileSha, modelSha, settings: sorted, mode })).slice(0, 32);
}

export async function runExperiment(config: RunConfig, opts: RunOptions): Promise<RunOutcome> {
  const t0 = performance.now();
  const { engine, signal } = opts;
  const planned = config.plan ?? planExperiment({ file: config.file, settings: config.settings });
  const info = await engine.info();
  // Variants are created (and g-linear's embeddings read) before anything is scored, so a variant
  // that cannot be built fails fast and one this engine cannot run is left out with its reason.
  const variants = await prepareVariants(planned, config, engine);
  const skipped = [...variants.skipped].map(([variant, reason]) => ({ variant, reason }));
  const plan = withoutVariants(
    planned,
    skipped.map((x) => x.variant),
  );
  const skippedCells: SkippedCell[] = skipped.map((x) => ({ variant: x.variant, code: "variant-unbuildable", reason: x.reason }));
  const described = engine.describe ? await engine.describe() : undefined;
  const model = described?.model ?? (await modelManifest(config.modelPath, info));
  const fileSha = config.fileSha256 ?? sha256Text(config.fileText);
  const fingerprint = planFingerprint(fileSha, model.sha256, config.settings, info.mode);
  const manifest: RunManifest = {
    tool: { name: "icl-probe", version: toolVersion() },
    engine: described?.engine ?? engineManifest(info),
    model,
    demoFile: {
      path: config.file.path,
      sha256: fileSha,
      format: config.file.format,
      ...(config.file.shape ? { shape: config.file.shape } : {}),
      ...(config.file.encoding ? { encoding: config.file.encoding } : {}),
      examples: config.file.examples.length,
      classes: [...config.file.classes],
    },
    // As JSON will store it (undefined keys dropped), so the returned results equal the file.
    settings: JSON.parse(JSON.stringify(config.settings)) as ProbeSettings,
    planFingerprint: fingerprint,
    startedAt: new Date().toISOString(),
    status: "running",
    progress: { done: 0, total: plan.totalQueries },
    machine: machineManifest(),
    ...(config.study ? { study: config.study } : {}),
  };

  const records = new Map<string, QueryRecord>();
  const calibration = new Map<string, CalibrationRecord>();
  const resultsPath = opts.outDir ? join(opts.outDir, RESULTS_FILE) : undefined;
  const journalPath = opts.outDir ? join(opts.outDir, JOURNAL_FILE) : undefined;
  // Journal entries of these plans are this run's (the run it extends, when the variants grew).
  const fingerprints = new Set([fingerprint]);
  if (opts.resume && resultsPath && journalPath) {
    if (existsSync(resultsPath)) {
      const prev = parseResults(readFileSync(resultsPath, "utf8"), resultsPath);
      if (prev.manifest.planFingerprint !== fingerprint) checkExtension(prev, plan, resultsPath, dataFingerprint(fileSha, model.sha256, config.settings, info.mode));
      fingerprints.add(prev.manifest.planFingerprint);
      manifest.startedAt = prev.manifest.startedAt;
      for (const r of prev.records) records.set(recordKey(r), r);
      for (const c of prev.calibration ?? []) calibration.set(calibrationKey(c), c);
    }
    for (const e of Journal.read(journalPath, fingerprints)) {
      if (e.type === "record") records.set(recordKey(e.record), e.record);
      else calibration.set(calibrationKey(e.record), e.record);
    }
  }
  const resumed = records.size;
  const journal = journalPath ? new Journal(journalPath) : undefined;
  if (journal && !opts.resume) journal.remove();
  // A write that fails (disk full, folder gone read-only) stops the scoring at once: scoring on
  // would only produce queries that cannot be kept.
  let writeFailure: OutputError | undefined;
  const stop = new AbortController();
  const forwardAbort = (): void => stop.abort();
  if (signal?.aborted) stop.abort();
  signal?.addEventListener("abort", forwardAbort);
  const journalAppend = (entry: JournalEntry): void => {
    if (writeFailure || !journal) return;
    try {
      journal.append([entry]);
    } catch (e) {
      writeFailure = outputError(e, journal.path);
      stop.abort();
    }
  };

  // Warnings about the run as a whole (variants that fell back), found when the variants are built.
  let runWarnings: RunWarning[] = [];
  const snapshot = (status: RunManifest["status"]): ResultsFile => {
    manifest.status = status;
    manifest.progress = { done: records.size, total: plan.totalQueries };
    if (status !== "running") manifest.endedAt = new Date().toISOString();
    const recs = orderedRecords(plan, records);
    const cal = config.settings.calibrate ? orderedCalibration(plan, calibration) : undefined;
    const res: ResultsFile = {
      schemaVersion: RESULTS_SCHEMA_VERSION,
      manifest: { ...manifest },
      records: recs,
      ...(cal ? { calibration: cal } : {}),
      warnings: { run: runWarnings, summary: summarizeWarnings(recs, cal ?? [], runWarnings) },
    };
    return res;
  };
  let lastSnapshot = performance.now();
  const persist = (res: ResultsFile): void => {
    if (resultsPath) writeFileAtomic(resultsPath, JSON.stringify(res));
    lastSnapshot = performance.now();
    opts.onSnapshot?.(res);
  };

  // Before any scoring: unbuildable variants are out already (prepareVariants); then label words
  // the model cannot tell apart, and prompts longer than the context (runner/preflight.ts).
  if (skipped.length && plan.variants.length === 0) {
    throw new PreflightError(
      "no-buildable-variant",
      `no variant of this run can be built for ${config.file.path}: ${skipped.map((c) => `${c.variant}: ${c.reason}`).join(" ")}`,
      "Add the word lists the messages ask for, or choose other variants (--variants).",
    );
  }
  if (engine.tokenize) {
    const tokenize = (texts: string[]) => engine.tokenize!(texts);
    await checkLabelTokens(config.file, config.settings, tokenize);
    const limit = config.contextSize || info.trainContextSize;
    const cells = await findOverflows(plan, config.file, variants, tokenize, limit, info.addsBos);
    if (cells.length) {
      const message = overflowMessage(cells, limit, info.fileName);
      if ((opts.onOverflow ?? "stop") === "stop") {
        const k = Math.min(...cells.map((c) => c.largestK));
        throw new PreflightError(
          "context-overflow",
          message,
          `Use k values up to ${k} (--k), shorter examples or a model with a longer context; or skip these cells and run the rest (--on-overflow skip). Resuming would fail the same way.`,
        );
      }
      for (const c of cells)
        skippedCells.push({ variant: c.variant, k: c.k, seed: c.seed, code: "context-overflow", reason: `${c.tokens} tokens > context ${limit}; largest k that fits about ${c.largestK}` });
      const over = new Set(cells.map((c) => `${c.variant}|${c.k}|${c.seed}`));
      dropGroups(plan, (g) => over.has(`${g.variant}|${g.k}|${g.seed}`));
    }
  }
  if (skippedCells.length) manifest.skipped = skippedCells;
  // Which synonym, antonym or keyword each natural-g variant chose, so the results say it.
  const mappings: NonNullable<RunManifest["mappings"]> = [];
  for (const variant of plan.variants) {
    if (!getVariant(variant)?.needsLexicon) continue;
    for (const seed of config.settings.seeds) mappings.push({ variant, seed, rows: variants.get(variant, seed).mapping.rows.map((r) => ({ ...r })) });
  }
  if (mappings.length) manifest.mappings = mappings;
  manifest.progress = { done: 0, total: plan.totalQueries };
  runWarnings = [...variantWarnings(plan, variants), ...skipped.map((x): RunWarning => ({ code: "variant-skipped", message: x.reason, variant: x.variant }))];

  const batchSize = Math.max(1, opts.batchSize ?? Number.MAX_SAFE_INTEGER);
  const snapshotEvery = opts.snapshotEveryMs ?? 2000;
  let engineMs = 0;
  const baselines = new Map<string, GroupBaseline>();
  const isDone = (g: PlanGroup, q: number): boolean => records.has(recordKey({ ...g, queryIndex: q }));
  // g-linear's demo sets are least squares in this process: no engine work.
  const meter = new WorkMeter(plan, (g) => (variants.get(g.variant, g.seed).linear ? 0 : groupWork(config.file, config.settings, g)), isDone);
  const emit = (g: PlanGroup): void => {
    if (!opts.onProgress) return;
    opts.onProgress({
      done: records.size,
      total: plan.totalQueries,
      variant: g.variant,
      k: g.k,
      seed: g.seed,
      etaSeconds: meter.etaSeconds(),
      measuredGroups: meter.groupsMeasured,
      elapsedMs: performance.now() - t0,
    });
  };

  let status: RunOutcome["status"] = "complete";
  let error: Error | undefined;
  try {
    const overflowed = new Set<string>();
    for (const group of plan.groups) {
      if (overflowed.has(`${group.variant}|${group.k}|${group.seed}`)) continue;
      const pending = group.queries.filter((q) => !isDone(group, q));
      if (pending.length === 0) continue;
      if (writeFailure) throw writeFailure;
      if (signal?.aborted) throw abortError();
      emit(group);
      // Wall time of the whole demo set (prompts, engine, baselines): what the estimate extrapolates.
      let groupStart = performance.now();
      const items = materializeGroup(plan, group, config.file, variants, (q) => records.has(recordKey({ ...group, queryIndex: q })));
      const inst = variants.get(group.variant, group.seed);
      if (inst.linear) {
        // tau_g-Linear: least squares on the model's input embeddings, no language-model scoring
        // (and so no calibration inputs).
        const qs = items.filter((i) => i.kind === "query");
        const demos = inst.demos(examplesAt(config.file.examples, group.demoIndices));
        const rows = variants.embeddings.get(`${group.variant}|${group.seed}`)!;
        const scored = linearGroupScores(
          inst.linear,
          demos,
          qs.map((q) => q.input),
          inst.labelSpace,
          (id) => rows.get(id)!,
        );
        qs.forEach((item, j) => {
          const r = toQueryRecord(group, item, defined(scored[j], `tau_g-Linear scores of query ${item.id}`), []);
          records.set(recordKey(r), r);
          journal?.append([{ type: "record", fingerprint, record: r }]);
        });
        meter.add(group, qs.length, performance.now() - groupStart);
        meter.groupsMeasured++;
        try {
          if (!baselines.has(group.id)) baselines.set(group.id, groupBaseline(group, config.file, variants));
        } catch {
          // Retried (and reported) after the run, as for model-scored groups.
        }
        emit(group);
        if (performance.now() - lastSnapshot >= snapshotEvery) persist(snapshot("running"));
        continue;
      }
      const cfItems = items.filter((i) => i.kind === "calibration");
      const qItems = items.filter((i) => i.kind === "query");
      // Calibration scores of this demo set: restored, or scored in the group's first request.
      const cfProbs = (): LabelScore[][] => cfItems.map((i) => calibration.get(calibrationKey({ ...group, input: i.input }))?.labels).filter((p): p is LabelScore[] => !!p);
      const cfMissing = cfItems.filter((i) => !calibration.has(calibrationKey({ ...group, input: i.input })));
      // The content-free inputs go first, in a request of their own: every query's calibrated
      // prediction needs all of them, and engines stream results in their own order (the local
      // scorer walks prompts depth-first, a server finishes requests as it can).
      const batches: MaterializedItem[][] = cfMissing.length ? [cfMissing] : [];
      for (let start = 0; start < qItems.length; start += batchSize) batches.push(qItems.slice(start, start + batchSize));
      for (const batch of batches) {
        if (writeFailure) throw writeFailure;
        if (signal?.aborted) throw abortError();
        const byId = new Map(batch.map((b) => [b.id, b]));
        const seen = new Set<string>();
        // What the runner itself found about an item (demo spans, token splits), kept with the engine's.
        const found = new Map<string, ScoreWarning[]>();
        const accept = (s: ItemScore): void => {
          const item = byId.get(s.id);
          if (!item || seen.has(s.id)) return;
          seen.add(s.id);
          const labels = s.labels as LabelScore[];
          const warnings = [...(s.warnings ?? []), ...(found.get(s.id) ?? [])];
          if (item.kind === "calibration") {
            const c = toCalibrationRecord(group, item, labels, warnings);
            calibration.set(calibrationKey(c), c);
            journalAppend({ type: "calibration", fingerprint, record: c });
          } else {
            const r = toQueryRecord(group, item, labels, cfProbs(), warnings);
            records.set(recordKey(r), r);
            journalAppend({ type: "record", fingerprint, record: r });
          }
        };
        const tb = performance.now();
        let scored: ItemScore[];
        // The group's items share one prefix, so its demo spans are located once.
        const first = defined(batch[0], "the batch's first item");
        const spans = demoSpans(config.settings, first.demos, first);
        if (spans.length < first.demos.length) for (const b of batch) found.set(b.id, [spansMissing(spans.length, first.demos.length)]);
        const scoreItems: ScoreItem[] = inst.tokens
          ? await Promise.all(batch.map((b) => tokenScoreItem(b, spans, inst.tokens!.bind(inst), variants.tokens!, found)))
          : batch.map((b) => toScoreItem(plan.settings.template, b, spans));
        const request = engine.scoreWithStats ? engine.scoreWithStats(scoreItems, { signal: stop.signal, onItem: accept }) : engine.score(scoreItems, { signal: stop.signal, onItem: accept });
        // While the engine process scores, this process is idle: fit the demo set's baselines
        // (logistic regression) now instead of after the run. Synchronous, so the request's
        // promise cannot reject unobserved before it is awaited below.
        if (!baselines.has(group.id)) {
          try {
            baselines.set(group.id, groupBaseline(group, config.file, variants));
          } catch {
            // Retried (and reported) after the run; a baseline problem must not abandon the request.
          }
        }
        let out: Awaited<typeof request>;
        try {
          out = await request;
        } catch (e) {
          // The pre-check measures prompts from their parts; should one still not fit, the engine's
          // own check lands here, and the same policy applies.
          if ((e as { code?: string })?.code !== "context-overflow") throw e;
          if ((opts.onOverflow ?? "stop") === "stop")
            throw new PreflightError(
              "context-overflow",
              (e as Error).message,
              "Use smaller k values (--k), or skip such cells and run the rest (--on-overflow skip). Resuming would fail the same way.",
            );
          skippedCells.push({ variant: group.variant, k: group.k, seed: group.seed, code: "context-overflow", reason: (e as Error).message });
          manifest.skipped = skippedCells;
          const cell = `${group.variant}|${group.k}|${group.seed}`;
          overflowed.add(cell);
          dropGroups(plan, (g) => `${g.variant}|${g.k}|${g.seed}` === cell);
          break;
        }
        if (Array.isArray(out)) {
          scored = out;
          engineMs += performance.now() - tb;
        } else {
          scored = out.items;
          engineMs += out.stats.ms;
        }
        // Items not streamed (engines without onItem) are accepted here.
        for (const s of scored) accept(s);
        if (writeFailure) throw writeFailure;
        const now = performance.now();
        meter.add(group, batch.filter((b) => b.kind === "query").length, now - groupStart);
        groupStart = now;
        if (batch === batches[batches.length - 1]) meter.groupsMeasured++;
        emit(group);
        // The journal already holds every record; the snapshot is refreshed at most every
        // snapshotEveryMs (a full rewrite + fsync per demo set cost ~5% of the engine time on the
        // standard probe) and always when the run ends, however it ends.
        if (performance.now() - lastSnapshot >= snapshotEvery) persist(snapshot("running"));
      }
    }
  } catch (e) {
    error = writeFailure ?? (e as Error);
    status = writeFailure || e instanceof OutputError ? "failed" : isAbort(e, signal) ? "interrupted" : "failed";
  }
  signal?.removeEventListener("abort", forwardAbort);
  // A results folder that stopped taking writes: say how much is on disk and how to go on.
  const safeMessage = (e: unknown): OutputError => {
    const oe = outputError(e, resultsPath ?? "");
    const safe = resumed + (journal?.records ?? 0);
    const what = oe.code === "disk-full" ? "disk full" : oe.message;
    return new OutputError(oe.code, oe.path, `${what}: ${safe} quer${safe === 1 ? "y is" : "ies are"} safe in the journal; free space and run --resume`, oe.hint);
  };
  if (error instanceof OutputError) error = safeMessage(error);

  // The context (and its batch size) grew to the longest prompt while scoring: record what was used.
  if (status !== "failed" && !described) {
    try {
      manifest.engine = engineManifest(await engine.info());
    } catch {
      // An engine that cannot answer keeps the start-of-run description.
    }
  }
  let results = snapshot(status === "complete" ? "complete" : status === "interrupted" ? "interrupted" : "failed");
  if (status === "failed" && error) results.manifest.error = error.message;
  if (status === "complete") {
    try {
      results = { ...results, baselines: computeBaselines(plan, config.file, variants, baselines) };
    } catch (e) {
      // Baselines are extra information: a failure there must not lose the model's results.
      results.manifest.error = `baselines not computed: ${(e as Error).message}`;
    }
  }
  try {
    persist(results);
    if (status === "complete") journal?.remove();
    else journal?.close();
  } catch (e) {
    // The previous results.json is intact (atomic write) and the journal holds every record.
    journal?.close();
    error = safeMessage(e);
    status = "failed";
    results.manifest.status = "failed";
    results.manifest.error = error.message;
  }
  // Cells left out before or during scoring, with the reason (the variants that could not be built, prompts too long).
  return { results, status, error, engineMs, wallMs: performance.now() - t0, resumed, skipped: skippedCells.map(({ variant, reason }) => ({ variant, reason })) };
}

interface TokenSupport {
  vocab: VocabEntry[];
  fetch: (texts: string[]) => Promise<number[][]>;
  cache: Map<string, number[]>;
}

/** Variant instances for the whole plan, created before any scoring so a variant that cannot be built fails fast. */
class PreparedVariants extends VariantCache {
  tokens?: TokenSupport;
  /** g-linear: token id -> input-embedding row, per `${variant}|${seed}`. */
  readonly embeddings = new Map<string, Map<number, number[]>>();
  /** Variants this engine cannot run -> why. */
  readonly skipped = new Map<string, string>();
}

/** Creates every (variant, seed) instance; a variant that cannot be built is skipped with its reason. */
async function prepareVariants(plan: ExperimentPlan, config: RunConfig, engine: EngineLike): Promise<PreparedVariants> {
  const defs = plan.variants.map((v) => getVariant(v));
  const extra: Partial<VariantContext> = { ...config.variantContext };
  if (!extra.lexicon && plan.variants.some(readsLexicon)) {
    const lex = tryLoadLexicon();
    if (lex) extra.lexicon = lex;
  }
  const cache = new PreparedVariants(config.file, config.settings, extra);
  if (defs.some((d) => d?.needsTokenizer)) {
    if (!engine.vocab || !engine.tokenize) throw new RunError("token-level variants need the engine's tokenizer", "use an engine that supports vocab and tokenize requests");
    // TokenizerAccess is synchronous: a cache filled from the engine, re-run until complete (withTokenizer).
    const vocab = (await engine.vocab()).map((v) => ({ id: v.id, text: v.piece ?? v.text, type: v.type }));
    const tokenize = engine.tokenize.bind(engine);
    cache.tokens = { vocab, fetch: (texts) => tokenize(texts), cache: new Map() };
  }
  for (const variant of plan.variants) {
    const def = getVariant(variant);
    try {
      for (const seed of config.settings.seeds) {
        if (def?.needsTokenizer && cache.tokens) {
          const t = cache.tokens;
          cache.set(variant, seed, await withTokenizer(t.vocab, t.fetch, (tok) => createVariant(variant, { ...cache.context(seed), tokenizer: tok }), t.cache));
        } else cache.get(variant, seed);
      }
    } catch (e) {
      if (!(e instanceof VariantError)) throw e;
      cache.skipped.set(variant, `${variant} skipped: ${e.message}${e.hint ? ` ${e.hint}` : ""}`);
    }
  }
  for (const variant of plan.variants) {
    for (const seed of config.settings.seeds) {
      if (cache.skipped.has(variant)) continue;
      const linear = cache.get(variant, seed).linear;
      if (!linear) continue;
      if (!engine.tokenEmbeddings) {
        cache.skipped.set(variant, `${variant} skipped: this engine cannot read the model's input embeddings (token_embd rows), which tau_g-Linear is fitted on.`);
        continue;
      }
      const ids = [...new Set([...Object.values(linear.inputTokens).flat(), ...Object.values(linear.responseTokens)])];
      try {
        const got = await engine.tokenEmbeddings(ids);
        cache.embeddings.set(`${variant}|${seed}`, new Map(ids.map((id, i) => [id, defined(got.rows[i], `the input embedding row of token ${id}`)])));
      } catch (e) {
        if (!(e instanceof EngineFailure && e.code === "unsupported")) throw e;
        cache.skipped.set(variant, `${variant} skipped: ${e.message}`);
      }
    }
  }
  return cache;
}

/**
 * pa-token: the variant turns the text prompt into permuted token ids for the engine, with each
 * label's boundary overlap (so a merge is scored as the text path scores it) and the demos' token
 * counts (for the largest-k report on a context overflow). Its own warnings go into `found`.
 */
async function tokenScoreItem(
  i: MaterializedItem,
  spans: readonly DemoSpan[],
  tokens: NonNullable<VariantInstance["tokens"]>,
  t: TokenSupport,
  found: Map<string, ScoreWarning[]>,
): Promise<TokenScoreItem> {
  const { p, demoTokenLengths } = await withTokenizer(
    t.vocab,
    t.fetch,
    (tok) => ({
      p: tokens({ prefix: i.prefix, query: i.query, labelSep: i.labelSep, labels: i.labels }),
      demoTokenLengths: tokenizeAll(
        tok,
        spans.map((d, j) => i.prefix.slice(d.start, spans[j + 1]?.start ?? i.prefix.length)),
      ).map((x) => x.length),
    }),
    t.cache,
  );
  if (p.warnings.length) found.set(i.id, [...(found.get(i.id) ?? []), ...p.warnings]);
  return {
    id: i.id,
    prefixTokens: p.prefixTokens,
    queryTokens: p.queryTokens,
    labelTokens: p.labelTokens,
    labels: i.labels,
    ...(i.kind === "query" ? { gold: i.gold } : {}),
    ...(p.labelOverlap.some((o) => o > 0) ? { labelOverlap: p.labelOverlap } : {}),
    ...(demoTokenLengths.length ? { demoTokenLengths } : {}),
  };
}

/**
 * A text item with the demos' spans, so the engine checks demo label tokens and can name the
 * largest k that fits; the template's lead moves into the prefix, which the engine evaluates
 * once per demo set (textScoreItem).
 */
function toScoreItem(template: string, i: MaterializedItem, spans: DemoSpan[]): TextScoreItem {
  return textScoreItem(template, { id: i.id, prefix: i.prefix, query: i.query, labelSep: i.labelSep, labels: i.labels, ...(i.kind === "query" ? { gold: i.gold } : {}) }, spans);
}

function spansMissing(found: number, demos: number): ScoreWarning {
  return {
    code: "demo-spans-missing",
    message: `only ${found} of the ${demos} demonstrations could be located in the prompt, so the demo label-token check and the largest-k overflow report did not cover the rest.`,
  };
}

/** The variants' own warnings (mapping.warnings: fallbacks), once per variant and seed, as run-level warnings. */
function variantWarnings(plan: ExperimentPlan, variants: VariantCache): RunWarning[] {
  const out: RunWarning[] = [];
  for (const variant of plan.variants)
    for (const seed of plan.settings.seeds)
      for (const message of variants.get(variant, seed).mapping.warnings) out.push({ code: "variant-fallback", message: `${variant} (seed ${seed}): ${message}`, variant, seed });
  return out;
}

function abortError(): Error {
  const e = new Error("cancelled");
  e.name = "AbortError";
  return e;
}

function isAbort(e: unknown, signal?: AbortSignal): boolean {
  const err = e as { name?: string; code?: string };
  return err?.name === "AbortError" || err?.code === "cancelled" || (signal?.aborted ?? false);
}

/** Records in plan order, so that an interrupted-and-resumed run writes the same file as an uninterrupted one. */
function orderedRecords(plan: ExperimentPlan, records: Map<string, QueryRecord>): QueryRecord[] {
  const out: QueryRecord[] = [];
  for (const g of plan.groups)
    for (const q of g.queries) {
      const r = records.get(recordKey({ ...g, queryIndex: q }));
      if (r) out.push(r);
    }
  return out;
}

function orderedCalibration(plan: ExperimentPlan, cal: Map<string, CalibrationRecord>): CalibrationRecord[] {
  const out: CalibrationRecord[] = [];
  for (const g of plan.groups)
    for (const input of g.calibrationInputs) {
      const c = cal.get(calibrationKey({ ...g, input }));
      if (c) out.push(c);
    }
  return out;
}

/**
 * Resuming with other settings is extending the run when only its variants or k grew: the records
 * are those of the same file, model and data settings, and every one of them is in the new plan
 * (none would be dropped). Otherwise the results are another run's.
 */
function checkExtension(prev: ResultsFile, plan: ExperimentPlan, resultsPath: string, data: string): void {
  const m = prev.manifest;
  // The data fingerprint below is recomputed from the stored settings by this build, so it cannot
  // see a run scored under another plan; the stored plan fingerprint can: this build computes
  // another one for the run's own file, model, settings and mode.
  if (planFingerprint(m.demoFile.sha256, m.model.sha256, m.settings, m.engine.mode) !== m.planFingerprint) {
    throw new RunError(
      `${resultsPath} was scored by another version of icl-probe, whose scoring plan differs from this one's (the prompts' split into shared prefix and query, or the results schema), so its numbers would not match new ones exactly; it cannot be resumed or extended`,
      "keep it as it is (it stays readable) and run again into another --out directory, or drop --resume to score it anew in place",
    );
  }
  if (dataFingerprint(m.demoFile.sha256, m.model.sha256, m.settings, m.engine.mode) !== data) {
    throw new RunError(
      `${resultsPath} comes from a different run (demo file, model, settings or scoring mode differ), so it cannot be resumed`,
      "run again with the same file, model and flags (--fast too), or drop --resume / choose another --out directory",
    );
  }
  const planned = new Set<string>();
  for (const g of plan.groups) for (const q of g.queries) planned.add(recordKey({ ...g, queryIndex: q }));
  const dropped = prev.records.filter((r) => !planned.has(recordKey(r)));
  if (dropped.length) {
    const cells = [...new Set(dropped.map((r) => `${r.variant} at k = ${r.k}`))];
    throw new RunError(
      `resuming ${resultsPath} with these settings would drop ${dropped.length} of its records (${cells.slice(0, 4).join(", ")}${cells.length > 4 ? ", ..." : ""})`,
      "resume with every variant and k the run had (a run can grow, not shrink), or choose another --out directory",
    );
  }
}
