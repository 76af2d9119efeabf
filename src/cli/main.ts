// icl-probe: the command-line face of the tool (run / preview / report). main() returns the exit
// code instead of exiting so tests can call it in-process; the shim bin/icl-probe.js exits with it.
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { EXIT, USAGE, UsageError, parseCommand, type Command } from "./args";
import { defined } from "../core/defined";
import type { DemoFile, Problem, ProbeSettings } from "../core/types";
import { parseDemoBytes, printable } from "../core/demoFile";
import { toIclJsonl } from "../core/demoFile/serialize";
import { PlanError, planExperiment, materializeGroup, exampleAt, examplesAt, VariantCache } from "../core/experiment/plan";
import { buildPrompt, renderPromptText } from "../core/prompt";
import { VariantError, createVariant, getVariant, parseVariantKey, readsLexicon, type VariantInstance } from "../core/variants";
import { withTokenizer, type VocabEntry } from "../core/tokenizer";
import { PreflightError } from "../runner/preflight";
import { PrepareError, prepareRun, variantKeys, type PreparedRun, type PrepareInput } from "../runner/prepare";
import { checkGgufStart } from "../engine/ggufCheck";
import { ResultsError } from "../core/results/migrate";
import { pAboveChanceText } from "../core/results/summary";
import { analyseRun, type RunAnalysis } from "../core/analysis";
import { EngineClient } from "../engine/client";
import { EngineFailure } from "../engine/protocol";
import { defaultModelPath } from "../engine/defaultModel";
import { runExperiment, RunError, type ProgressEvent } from "../runner/run";
import { writeFigures, writeOutputs, writeReportFromFile } from "../runner/outputs";
import { OutputError, writeFileAtomic } from "../runner/checkpoint";
import type { ResultsFile, ScoringMode } from "../core/results/schema";
import { tryLoadLexicon } from "../node/lexicon";
import { createProgressReporter } from "./progress";
import { formatDuration } from "../core/format";
import { STUDIES, StudyError, findStudy, resolveStudy, withStudyGrid, type ResolvedStudy } from "../core/study";
import { studyPlanText } from "../core/study/describe";
import { warningLines } from "./warnings";
import { isRemoteSpec } from "../remote/spec";
import { MAX_SEQUENCES_PER_REQUEST, RemoteEngine } from "../remote/engine";
import { checkRemoteVariants, connectRemote } from "./remote";
import { rateText, remoteJson, remoteSummary } from "../remote/summary";
import { describeEstimate } from "../runner/estimate";

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Whether stderr is an interactive terminal (progress bar) or not (plain lines). */
  tty: boolean;
  /** SIGINT source; tests pass their own. */
  onInterrupt?: (handler: () => void) => () => void;
}

const defaultIo = (): Io => ({
  out: (s) => process.stdout.write(s.endsWith("\n") ? s : s + "\n"),
  err: (s) => process.stderr.write(s.endsWith("\n") ? s : s + "\n"),
  tty: !!process.stderr.isTTY,
  onInterrupt: (h) => {
    process.on("SIGINT", h);
    return () => process.off("SIGINT", h);
  },
});

/**
 * `icl-probe preview ... | head`: the reader closes the pipe early. Node reports that as an EPIPE
 * error event on stdout, which would end the process with a stack trace; the output simply
 * stops instead.
 */
export function guardPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.listenerCount("error") > 0) continue;
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
}

export async function main(argv: string[], io?: Io): Promise<number> {
  if (!io) {
    guardPipes();
    io = defaultIo();
  }
  let cmd: Command;
  try {
    cmd = parseCommand(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`icl-probe: ${e.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    throw e;
  }
  try {
    switch (cmd.cmd) {
      case "help":
        io.out(USAGE);
        return EXIT.ok;
      case "report":
        return report(cmd, io);
      case "preview":
        return await preview(cmd, io);
      case "run":
        return await run(cmd, io, argv);
      case "import":
        return importData(cmd, io);
      case "study":
        return await study(cmd, io, argv);
      case "studyList":
        return studyList(io);
    }
  } catch (e) {
    return reportError(e, io);
  }
}

function reportError(e: unknown, io: Io): number {
  if (e instanceof UsageError) {
    io.err(`icl-probe: ${e.message}`);
    return EXIT.usage;
  }
  if (e instanceof EngineFailure) {
    io.err(printable(`icl-probe: model error (${e.code}): ${e.message}${e.hint ? `\n  ${e.hint}` : ""}`));
    return EXIT.model;
  }
  if (e instanceof ResultsError) {
    io.err(printable(`icl-probe: ${e.message}`));
    return EXIT.badInput;
  }
  if (e instanceof OutputError || e instanceof PreflightError) {
    io.err(printable(`icl-probe: ${e.message}\n  ${e.hint}`));
    return EXIT.badInput;
  }
  if (e instanceof StudyError) {
    io.err(`icl-probe: ${e.message}\n  ${e.hint}`);
    return EXIT.usage;
  }
  if (e instanceof PlanError || e instanceof RunError) {
    io.err(`icl-probe: ${e.message}\n  ${e.hint}`);
    return e instanceof PlanError ? EXIT.badInput : EXIT.usage;
  }
  if (e instanceof VariantError) {
    io.err(`icl-probe: ${e.message}${e.hint ? `\n  ${e.hint}` : ""}`);
    return EXIT.badInput;
  }
  io.err(`icl-probe: unexpected error: ${(e as Error)?.stack ?? String(e)}`);
  return EXIT.usage;
}

/** One problem as a file:line:col line; text from the file is printed with control characters escaped. */
export function formatProblem(p: Problem): string {
  return printable(`${p.file}:${p.line}:${p.column}: ${p.severity}: ${p.message}${p.hint ? ` (${p.hint})` : ""}`).replace(/[\r\n]+/g, " ");
}

/** Reads the lines of a --classes file (one class name per line; blank lines and # comments skipped). */
function readClassesFile(path: string): string[] {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new UsageError(`--classes ${path}: file not found`);
  if (statSync(abs).isDirectory()) throw new UsageError(`--classes ${path}: is a directory, not a classes file`);
  const lines = readFileSync(abs, "utf8")
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
  if (lines.length < 2) throw new UsageError(`--classes ${path}: needs at least two class names, one per line`);
  return lines;
}

/** Overrides with the --classes file read into labelMap. */
function withClasses(overrides: Partial<ProbeSettings>, classesFile: string | undefined): Partial<ProbeSettings> {
  return classesFile ? { ...overrides, labelMap: readClassesFile(classesFile) } : overrides;
}

/** The demo file's bytes; prints a located error and returns undefined when there is no such file. */
function readDemoBytes(path: string, io: Io): Buffer | undefined {
  const abs = resolve(path);
  if (!existsSync(abs)) {
    io.err(`${printable(path)}:1:1: error: file not found (check the path; demo files are JSON Lines, a JSON array, CSV/TSV or LABEL:text lines)`);
    return undefined;
  }
  if (statSync(abs).isDirectory()) {
    io.err(`${printable(path)}:1:1: error: is a directory, not a demo file`);
    return undefined;
  }
  return readFileSync(abs);
}

/** Prints a parsed file's problems (those `ignore` keeps) and what was read; returns the number of errors. */
function printParse(path: string, file: DemoFile, io: Io, opts: { quiet?: boolean; ignore?: (p: Problem) => boolean } = {}): number {
  const problems = opts.ignore ? file.problems.filter((p) => !opts.ignore!(p)) : file.problems;
  for (const p of problems) io.err(formatProblem(p));
  const errors = problems.filter((p) => p.severity === "error").length;
  if (!opts.quiet || errors) io.err(printable(`read ${path} as ${file.shape}: ${file.examples.length} examples, ${file.classes.length} classes`));
  if (errors) io.err(printable(`icl-probe: ${path} has ${errors} error(s); fix them and run again.`));
  return errors;
}

/** Reads, parses and validates a demo file for preview and import; prints every problem; undefined when it has errors. */
function loadDemoFile(path: string, overrides: Partial<ProbeSettings>, io: Io, opts: { quiet?: boolean; ignore?: (p: Problem) => boolean } = {}): { file: DemoFile } | undefined {
  const bytes = readDemoBytes(path, io);
  if (!bytes) return undefined;
  const file = parseDemoBytes(bytes, path, overrides);
  return printParse(path, file, io, opts) ? undefined : { file };
}

function defaultOutDir(demoPath: string): string {
  const name = basename(demoPath).replace(/\.(icl\.jsonl|jsonl|csv|tsv)$/i, "");
  return join("icl-results", name || "run");
}

/** argv without `name <value>` / `name=value` (the resume hint re-adds --out with the absolute path). */
function withoutOption(argv: string[], name: string): string[] {
  const out: string[] = [];
  let valueNext = false;
  for (const arg of argv) {
    if (valueNext) valueNext = false;
    else if (arg === name) valueNext = true;
    else if (!arg.startsWith(name + "=")) out.push(arg);
  }
  return out;
}

function quoteArg(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

/** Unknown variant ids and malformed keys are usage errors (exit 1), named with the closest known ids. */
function checkVariantIds(variants: readonly string[]): string[] {
  try {
    return variantKeys(variants);
  } catch (e) {
    throw e instanceof PrepareError ? new UsageError(printable(e.message)) : e;
  }
}

async function run(cmd: Extract<Command, { cmd: "run" }>, io: Io, argv: string[]): Promise<number> {
  const overrides = withClasses(cmd.overrides, cmd.classesFile);
  return execute({ ...cmd, outDir: resolve(cmd.out ?? defaultOutDir(cmd.file)) }, { overrides }, io, argv);
}

/** What `run` and `study` hand to execute(): the demo file and the flags. */
interface Job {
  file: string;
  model?: string;
  outDir: string;
  resume: boolean;
  json: boolean;
  batchSize?: number;
  onOverflow?: Extract<Command, { cmd: "run" }>["onOverflow"];
  concurrency?: number;
  timeoutSeconds?: number;
  study?: ResolvedStudy;
  /** Stop after the first demo set's estimate (study --estimate). */
  estimate?: boolean;
  /** Scoring mode ("exact" unless --fast). */
  mode: ScoringMode;
}

/**
 * Runs a job through the one runner: the preparation the editor shares, the engine, Ctrl-C,
 * progress, the run's files, the printed summary, the resume hint. `prep` is what the caller adds
 * to the preparation (the settings overrides; a study's grid and manifest; what to print once the
 * plan is made).
 */
async function execute(cmd: Job, prep: Pick<PrepareInput, "overrides" | "adjustSettings" | "study"> & { onPlanned?: (run: PreparedRun) => void }, io: Io, argv: string[]): Promise<number> {
  const bytes = readDemoBytes(cmd.file, io);
  if (!bytes) return EXIT.badInput;
  const { outDir } = cmd;
  const remote = isRemoteSpec(cmd.model);
  const modelPath = remote ? cmd.model!.trim() : resolve(cmd.model ?? defaultModelPath());
  // The one preparation the editor shares (runner/prepare.ts): everything that can be known
  // before the model loads is answered here, in this order: the file's problems, variant keys,
  // the plan, variants this file cannot have, the server's limits, the results folder, the model path.
  let prepared: PreparedRun;
  try {
    const p = await prepareRun({
      path: cmd.file,
      content: bytes,
      overrides: prep.overrides,
      ...(prep.adjustSettings ? { adjustSettings: prep.adjustSettings } : {}),
      ...(prep.study ? { study: prep.study } : {}),
      modelPath,
      remote,
      outDir,
      onParsed: (f) => printParse(cmd.file, f, io, { quiet: cmd.json }),
      ...(remote ? { checkSettings: checkRemoteVariants } : {}),
    });
    if (!p.ready) return EXIT.badInput;
    prepared = p.run;
  } catch (e) {
    if (!(e instanceof PrepareError)) throw e;
    if (e.code !== "no-buildable-variant") throw new UsageError(printable(e.message));
    for (const u of e.unbuildable) io.err(printable(`icl-probe: skipping ${u.variant}: ${u.reason}`));
    io.err("icl-probe: no variant of this run can be built for this file; see above.");
    return EXIT.badInput;
  }
  const { file, settings } = prepared;
  prep.onPlanned?.(prepared);
  for (const u of prepared.unbuildable) io.err(printable(`icl-probe: skipping ${u.variant}: ${u.reason}`));
  const engine: EngineClient | RemoteEngine = remote
    ? await connectRemote(modelPath, { concurrency: cmd.concurrency, timeoutSeconds: cmd.timeoutSeconds, log: (level, msg) => (level === "error" || (level === "warn" && !cmd.json)) && io.err(msg) })
    : await EngineClient.start({ log: (level, msg) => level === "error" && io.err(`engine: ${msg}`) });
  const controller = new AbortController();
  let interrupts = 0;
  const off = io.onInterrupt?.(() => {
    interrupts++;
    if (interrupts === 1) {
      io.err("\nicl-probe: stopping after the query in flight (Ctrl-C again to quit at once)...");
      controller.abort();
    } else {
      process.exit(EXIT.interrupted);
    }
  });
  const progress = createProgressReporter(io, cmd.json, engine instanceof RemoteEngine ? () => rateText(engine) : undefined);
  const resumeCmd = ["icl-probe", ...withoutOption(argv, "--out").filter((a) => a !== "--resume" && a !== "--estimate"), "--out", outDir, "--resume"];
  let estimated = false;
  const resumeLine = `  ${resumeCmd.map(quoteArg).join(" ")}`;
  try {
    if (!cmd.resume && existsSync(join(outDir, "results.json"))) io.err(`note: replacing the earlier run in ${outDir} (pass --resume to continue it instead)`);
    if (engine instanceof RemoteEngine) {
      if (!cmd.json) {
        io.err(`model ${engine.model} on ${engine.api} at ${engine.spec.host} (context ${engine.contextLength} tokens, up to ${engine.concurrency} requests in flight); writing ${outDir}`);
        io.err(`estimate for the whole plan: ${(await describeEstimate(file, settings, MAX_SEQUENCES_PER_REQUEST, (t) => engine.tokenize(t))).text}`);
      }
    } else {
      const info = await engine.load(modelPath, { mode: cmd.mode });
      if (!cmd.json) io.err(`model ${basename(modelPath)} (${info.architecture}, vocabulary ${info.vocabSize}, ${info.threads} threads, ${info.mode} scoring); writing ${outDir}`);
    }
    const outcome = await runExperiment(prepared, {
      engine,
      signal: controller.signal,
      outDir,
      resume: cmd.resume,
      batchSize: cmd.batchSize,
      onOverflow: cmd.onOverflow,
      onProgress: (p: ProgressEvent) => {
        // A study says how long it takes as soon as its first demo set is measured.
        if (cmd.study && !estimated && p.measuredGroups > 0 && p.etaSeconds !== undefined) {
          estimated = true;
          progress.stop();
          io.err(`first demo set measured: about ${formatDuration(p.etaSeconds)} left for ${p.total - p.done} queries on ${basename(modelPath)} (the estimate is updated as the run goes)`);
          if (cmd.estimate) controller.abort();
        }
        progress.update(p);
      },
    });
    progress.stop();
    if (outcome.error instanceof OutputError) {
      // The folder stopped taking writes: the CSVs and report would fail the same way.
      io.err(printable(`icl-probe: ${outcome.error.message}.\n  ${outcome.error.hint}\nResume with:\n${resumeLine}`));
      return EXIT.badInput;
    }
    // The run log's request and retry counts.
    if (engine instanceof RemoteEngine) io.err(remoteSummary(engine));
    // One analysis of the run for every output: the files, the printed summary and --json.
    const analysis = analyseRun(outcome.results);
    let files: ReturnType<typeof writeOutputs>;
    let figureFiles: ReturnType<typeof writeFigures> | undefined;
    try {
      files = writeOutputs(outDir, outcome.results, analysis);
      if (cmd.study) figureFiles = writeFigures(outDir, studyFigures(analysis, cmd.study));
    } catch (e) {
      if (!(e instanceof OutputError)) throw e;
      io.err(printable(`icl-probe: ${e.message}; results.json and the journal keep what was scored. ${e.hint}`));
      io.err(`Resume with:\n${resumeLine}`);
      return EXIT.badInput;
    }
    if (cmd.json) {
      io.out(
        JSON.stringify(
          {
            status: outcome.status,
            outDir,
            files,
            done: outcome.results.manifest.progress,
            resumed: outcome.resumed,
            error: outcome.error?.message,
            summary: analysis.summary,
            warnings: outcome.results.warnings,
            ...(cmd.study && figureFiles ? { figures: studyFigures(analysis, cmd.study).map((f) => ({ id: f.id, number: f.number, status: f.status, missing: f.missing })), figureFiles } : {}),
            ...(engine instanceof RemoteEngine ? { remote: remoteJson(engine) } : {}),
          },
          null,
          2,
        ),
      );
    } else if (!(cmd.estimate && estimated)) {
      printSummary(analysis, outcome.results, io, { collapseDraws: !!cmd.study });
      if (cmd.study) printFigures(analysis, cmd.study, io);
      // Skipped variants are in the warnings block (variant-skipped); cells too long for the context here.
      for (const c of outcome.results.manifest.skipped ?? []) if (c.code === "context-overflow") io.err(printable(`icl-probe: ${c.variant}: ${c.reason}`));
      io.err(
        `wrote ${files.results}\n      ${files.scoresCsv}\n      ${files.summaryCsv}\n      ${files.report}${figureFiles ? `\n      ${figureFiles.data}\n      ${figureFiles.svgs.length} figures in ${join(outDir, "figures")}` : ""}`,
      );
    }
    if (outcome.status === "complete") return EXIT.ok;
    const m = outcome.results.manifest.progress;
    const err = outcome.error;
    if (cmd.estimate && estimated && interrupts === 0) {
      io.err(`icl-probe: estimate only: ${m.done} of ${m.total} queries scored. Continue with:\n${resumeLine}`);
      return EXIT.ok;
    }
    // Ctrl-C in a terminal signals the engine process too; whatever error that caused, the user interrupted.
    if (outcome.status === "interrupted" || interrupts > 0) {
      io.err(`icl-probe: run interrupted after ${m.done} of ${m.total} queries. Resume with:\n${resumeLine}`);
      return EXIT.interrupted;
    }
    if (err instanceof PreflightError) {
      // A resume would meet the same prompts: say what to change instead.
      io.err(printable(`icl-probe: run stopped after ${m.done} of ${m.total} queries: ${err.message}\n  ${err.hint}`));
      return EXIT.badInput;
    }
    io.err(printable(`icl-probe: run failed after ${m.done} of ${m.total} queries${err ? `: ${err.message}` : ""}. Resume with:\n${resumeLine}`));
    return err instanceof EngineFailure ? EXIT.model : EXIT.usage;
  } finally {
    progress.stop();
    off?.();
    await engine.dispose().catch(() => undefined);
  }
}

/** icl-probe study: a study entry (src/core/study) resolved into one plan and run like any other. */
async function study(cmd: Extract<Command, { cmd: "study" }>, io: Io, argv: string[]): Promise<number> {
  const def = findStudy(cmd.study);
  if (!def) throw new UsageError(`unknown study "${cmd.study}" (known: ${STUDIES.map((s) => s.id).join(", ")}; icl-probe study --list)`);
  const mapping = withClasses(cmd.overrides, cmd.classesFile);
  const resolved = resolveStudy(def, cmd.options);
  const name = basename(cmd.file).replace(/\.(icl\.jsonl|jsonl|csv|tsv)$/i, "") || "run";
  const outDir = resolve(cmd.out ?? join("icl-results", `${name}-${def.id}`));
  return execute(
    { file: cmd.file, model: cmd.model, outDir, resume: cmd.resume, json: cmd.json, mode: cmd.mode, study: resolved, estimate: cmd.estimate },
    {
      overrides: { ...mapping, ...resolved.overrides, ...(cmd.selection ? { selection: cmd.selection } : {}) },
      adjustSettings: (settings) => withStudyGrid(settings, resolved),
      study: resolved.manifest,
      onPlanned: (run) => {
        if (cmd.json) return;
        io.err(studyPlanText(resolved.manifest, run.plan, basename(cmd.file)));
        for (const n of resolved.notes) io.err(`  note: ${n}`);
      },
    },
    io,
    argv,
  );
}

function studyList(io: Io): number {
  for (const s of STUDIES) {
    io.out(`${s.id.padEnd(10)} ${s.name}: ${s.question}`);
    io.out(`           ${s.source}`);
    const d = s.defaults;
    io.out(`           defaults: k = ${d.k}${d.kCurve.length ? `, k curve ${d.kCurve.join(", ")}` : ""}, ${d.seeds} seeds, ${d.queries} queries per seed${d.draws ? `, ${d.draws} random g` : ""}`);
    for (const n of s.notes) io.out(wrap(n, 100, "             ", "           - "));
  }
  return EXIT.ok;
}

/** The study's figures, from the run's analysis. */
function studyFigures(analysis: RunAnalysis, r: ResolvedStudy) {
  return analysis.figures.filter((f) => r.manifest.figures.includes(f.id));
}

/** Prints each figure's state: complete, or what is missing and how to add it. */
function printFigures(analysis: RunAnalysis, r: ResolvedStudy, io: Io): void {
  io.out("");
  for (const f of studyFigures(analysis, r)) {
    io.out(`Figure ${f.number} ${f.title}: ${f.status}${f.missing ? `. ${f.missing.text} (icl-probe study ... --figures ${f.number} --resume)` : ""}`);
  }
}

export function printSummary(analysis: RunAnalysis, results: ResultsFile, io: Io, opts: { collapseDraws?: boolean } = {}): void {
  const all = analysis.summary;
  // A study's random draws (ra-token#0..49...) are one line per id and k; summary.csv has each.
  const rows = opts.collapseDraws ? all.filter((r) => !/#\d+$/.test(r.variant)) : all;
  const pct = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? "   –  " : `${(100 * x).toFixed(1).padStart(5)}%`);
  const iv = (r: (typeof rows)[number]) => (Number.isFinite(r.accuracy.low) ? `${pct(r.accuracy.low)}–${pct(r.accuracy.high)}` : "      –       ");
  io.out(`${"variant".padEnd(18)} ${"k".padStart(3)}  accuracy  95% interval     p > chance   macro-F1  chance  logreg`);
  for (const r of rows) {
    io.out(
      `${r.variant.padEnd(18)} ${String(r.k).padStart(3)}  ${pct(r.accuracy.value)}   ${iv(r)}  ${pAboveChanceText(r).padEnd(12)} ${r.macroF1.value.toFixed(3).padStart(7)}  ${pct(r.chance)} ${pct(r.logreg)}`,
    );
  }
  if (opts.collapseDraws) {
    const groups = new Map<string, { id: string; k: string; rows: typeof all }>();
    for (const r of all.filter((x) => /#\d+$/.test(x.variant))) {
      const id = r.variant.replace(/#\d+$/, "");
      const key = `${id}|${r.k}`;
      const group = groups.get(key) ?? { id, k: String(r.k), rows: [] };
      group.rows.push(r);
      groups.set(key, group);
    }
    for (const { id, k, rows: g } of groups.values()) {
      const accs = g.map((r) => r.accuracy.value);
      io.out(`${`${id}#n`.padEnd(18)} ${k.padStart(3)}  ${g.length} draws of g: accuracy ${pct(Math.min(...accs))} to ${pct(Math.max(...accs))} (each in summary.csv; across g: figures 3 and 4)`);
    }
  }
  const units = rows[0]?.units === "prompts" ? "one seed: distinct prompts are the units (exact binomial, Clopper-Pearson)" : "units are seeds (exact sign-flip test, inverted for the interval)";
  if (rows.length) io.out(`(${units}; docs/STATISTICS.md)`);
  // Verdicts whole: the statement, then every condition the rule checked.
  for (const v of analysis.verdicts) {
    io.out("");
    io.out(`${v.id.padEnd(15)} ${v.status.toUpperCase()}`);
    io.out(printable(wrap(v.text, 100, "  ")));
    for (const c of v.conditions) io.out(printable(wrap(`${CONDITION_MARK[c.status] ?? "?"} ${c.text}: ${c.detail}`, 100, "    ", "  ")));
  }
  const ws = warningLines(results);
  if (ws.length) io.out("");
  for (const line of ws) io.out(line);
}

const CONDITION_MARK: Record<string, string> = { pass: "[pass]", fail: "[fail]", untestable: "[untestable]" };

/** Word-wraps `text` to `width` columns; `first` prefixes the first line, `indent` the others (default: `first`). */
export function wrap(text: string, width: number, indent: string, first = indent): string {
  const lines: string[] = [];
  let line = first;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const pre = line === first || line === indent ? line : line + " ";
    if (pre.length + word.length > width && line.trim()) {
      lines.push(line);
      line = indent + word;
    } else line = pre + word;
  }
  if (line.trim()) lines.push(line);
  return lines.join("\n");
}

/** Mapping rows printed without --full (pa-word maps every word of the file). */
const PREVIEW_ROWS = 40;
/** Prompt tokens shown at the end of the prompt with --model. */
const PREVIEW_TOKENS = 16;

async function preview(cmd: Extract<Command, { cmd: "preview" }>, io: Io): Promise<number> {
  const { id } = parseVariantKey(cmd.variant);
  const def = getVariant(id);
  if (!def) checkVariantIds([cmd.variant]);
  if (def!.needsTokenizer && !cmd.model) {
    io.err(
      `icl-probe: ${printable(cmd.variant)} works on the model's token ids; its prompt depends on the tokenizer. Add --model <gguf> to preview it with that model's tokens, or preview a text-level variant.`,
    );
    return EXIT.usage;
  }
  const overrides = withClasses(cmd.overrides, cmd.classesFile);
  // The preview shows one k: the file's other k values must not stop it.
  const loaded = loadDemoFile(cmd.file, cmd.k !== undefined ? { ...overrides, k: [cmd.k] } : overrides, io, { quiet: true, ignore: (p) => cmd.k === undefined && p.code === "k-too-large" });
  if (!loaded) return EXIT.badInput;
  const { file } = loaded;
  const k = cmd.k ?? file.settings.k.find((x) => x > 0 && x < file.examples.length) ?? file.settings.k.find((x) => x < file.examples.length) ?? 0;
  const seed = cmd.seed ?? file.settings.seeds[0] ?? 1;
  // Same plan as a run with these settings, so the preview shows a query the run would score.
  // A file too small for the default number of queries still previews (queries capped to fit).
  const settings = { ...file.settings, variants: [cmd.variant], k: [k], seeds: [seed], queries: Math.max(1, Math.min(file.settings.queries, file.examples.length - k)) };
  const plan = planExperiment({ file, settings });
  const lexicon = readsLexicon(id) ? tryLoadLexicon() : undefined;
  const variants = new VariantCache(file, settings, lexicon ? { lexicon } : {});
  const qn = cmd.query ?? 0;
  const pool = defined(plan.queryPools[seed], `query pool of seed ${seed}`);
  const query = pool[qn];
  if (query === undefined) throw new UsageError(`--query ${qn}: the run has ${pool.length} queries per seed (0..${pool.length - 1})`);
  const group = plan.groups.find((g) => g.queries.includes(query))!;
  // With --model: the model's tokenizer (loaded alone, no weights needed) for token ids and token-level variants.
  let engine: EngineClient | undefined;
  try {
    let vocab: { id: number; text: string; piece?: string; type: VocabEntry["type"] }[] | undefined;
    if (cmd.model) {
      const modelPath = resolve(cmd.model);
      await checkGgufStart(modelPath);
      engine = await EngineClient.start({});
      await engine.load(modelPath, { vocabOnly: true });
      vocab = await engine.vocab();
      if (def!.needsTokenizer) {
        const t = { vocab: vocab.map((x) => ({ id: x.id, text: x.piece ?? x.text, type: x.type })), cache: new Map<string, number[]>() };
        const e = engine;
        variants.set(
          cmd.variant,
          seed,
          await withTokenizer(
            t.vocab,
            (texts) => e.tokenize(texts),
            (tok) => createVariant(cmd.variant, { ...variants.context(seed), tokenizer: tok }),
            t.cache,
          ),
        );
      }
    }
    const item = defined(materializeGroup(plan, { ...group, queries: [query], calibrationInputs: [] }, file, variants)[0], "the previewed query");
    const v = variants.get(cmd.variant, seed);
    const out = (line: string) => io.out(printable(line));
    out(`variant   ${v.key}: ${v.title} (${v.family})`);
    out(`read as   ${file.shape}`);
    out(`seed ${seed}, k = ${k}, demos ${group.demoIndices.map((i) => `#${i}`).join(" ") || "(none)"}, query #${item.queryIndex} (line ${exampleAt(file.examples, item.queryIndex).line})`);
    out(`gold      ${JSON.stringify(item.gold)}${item.goldAlt !== undefined ? `  (also ${JSON.stringify(item.goldAlt)})` : ""}`);
    out(
      `labels    ${item.labels
        .slice(0, cmd.full ? undefined : PREVIEW_ROWS)
        .map((l) => JSON.stringify(item.labelSep + l))
        .join(", ")}${!cmd.full && item.labels.length > PREVIEW_ROWS ? `, ... ${item.labels.length - PREVIEW_ROWS} more (--full for all)` : ""}  (each scored after the prompt)`,
    );
    out("");
    out("----- prompt (exact text; the label follows it) -----");
    const prompt = buildPrompt(settings, v.demos(examplesAt(file.examples, group.demoIndices)), item.input, v.labelSpace);
    io.out(printable(renderPromptText(prompt)));
    out("----- end of prompt -----");
    if (engine && vocab) await printTokens(engine, vocab, prompt, v, cmd.full, out);
    out("");
    out(`mapping (${v.mapping.kind})`);
    if (v.mapping.rows.length === 0) out("  (none)");
    const rows = cmd.full ? v.mapping.rows : v.mapping.rows.slice(0, PREVIEW_ROWS);
    const w = Math.max(4, ...rows.map((r) => r.from.length));
    for (const r of rows) out(`  ${r.from.padEnd(w)} -> ${r.to}${r.chain ? `   chain: ${r.chain.join(" > ")}` : ""}${r.note ? `   (${r.note})` : ""}`);
    if (rows.length < v.mapping.rows.length) out(`  ... ${v.mapping.rows.length - rows.length} more rows (--full prints all ${v.mapping.rows.length})`);
    for (const warn of v.mapping.warnings) out(`  warning: ${warn}`);
    return EXIT.ok;
  } finally {
    await engine?.dispose().catch(() => undefined);
  }
}

/** --model: the ids and pieces of the prompt's last tokens and of each label's scored continuation. */
async function printTokens(
  engine: EngineClient,
  vocab: { id: number; text: string; piece?: string }[],
  prompt: ReturnType<typeof buildPrompt>,
  v: VariantInstance,
  full: boolean,
  out: (s: string) => void,
): Promise<void> {
  const piece = (id: number) => JSON.stringify(vocab[id]?.piece ?? vocab[id]?.text ?? "?");
  const tok = (ids: number[]) => ids.map((id) => `${id} ${piece(id)}`).join(", ");
  out("");
  if (v.tokens) {
    const t = await withTokenizer(
      vocab.map((x) => ({ id: x.id, text: x.piece ?? x.text, type: "normal" as const })),
      (texts) => engine.tokenize(texts),
      () => v.tokens!(prompt),
      new Map(),
    );
    out(`----- token ids sent to the model (${v.key} works on ids) -----`);
    out(`prefix    ${t.prefixTokens.length} tokens`);
    out(`query     ${tok(t.queryTokens.slice(-PREVIEW_TOKENS))}${t.queryTokens.length > PREVIEW_TOKENS ? ` (last ${PREVIEW_TOKENS} of ${t.queryTokens.length})` : ""}`);
    const n = full ? t.labelTokens.length : Math.min(PREVIEW_ROWS, t.labelTokens.length);
    for (const [i, ids] of t.labelTokens.slice(0, n).entries()) out(`label     ${JSON.stringify(prompt.labels[i])}: ${tok(ids)}`);
    return;
  }
  const text = prompt.prefix + prompt.query;
  const labels = full ? prompt.labels : prompt.labels.slice(0, PREVIEW_ROWS);
  const tokenized = await engine.tokenize([text, ...labels.map((l) => text + prompt.labelSep + l)]);
  const base = defined(tokenized[0], "the prompt's tokens");
  out(`----- tokens (the prompt is ${base.length} tokens; its last ${Math.min(PREVIEW_TOKENS, base.length)}) -----`);
  out(`prompt    ... ${tok(base.slice(-PREVIEW_TOKENS))}`);
  labels.forEach((l, i) => {
    const full = defined(tokenized[i + 1], `the tokens of label ${JSON.stringify(l)}`);
    let d = 0;
    while (d < base.length && d < full.length && base[d] === full[d]) d++;
    out(`label     ${JSON.stringify(l)}: ${tok(full.slice(d))}${d < base.length ? `   (merges with the prompt's last ${base.length - d} token(s))` : ""}`);
  });
  if (labels.length < prompt.labels.length) out(`          ... ${prompt.labels.length - labels.length} more labels (--full for all)`);
}

/** icl-probe import: any readable shape -> a ready *.icl.jsonl with a header line. */
function importData(cmd: Extract<Command, { cmd: "import" }>, io: Io): number {
  const overrides = withClasses(cmd.overrides, cmd.classesFile);
  // k is a probe setting: when it was not chosen, the default k values that fit are written.
  const kChosen = overrides.k !== undefined;
  const loaded = loadDemoFile(cmd.file, overrides, io, { ignore: (p) => !kChosen && p.code === "k-too-large" });
  if (!loaded) return EXIT.badInput;
  const { file } = loaded;
  const fitting = file.settings.k.filter((k) => k <= file.examples.length - 1);
  const kOut = !kChosen && fitting.length < file.settings.k.length ? (fitting.length ? fitting : [0]) : undefined;
  const out = resolve(cmd.out ?? join(dirname(resolve(cmd.file)), `${basename(cmd.file).replace(/\.(icl\.jsonl|jsonl|ndjson|json|csv|tsv|tab|txt|label)$/i, "") || "data"}.icl.jsonl`));
  if (out === resolve(cmd.file)) throw new UsageError(`import: the output ${out} is the input file; choose another --out`);
  if (existsSync(out) && !cmd.force) {
    io.err(printable(`icl-probe: ${out} exists; pass --force to replace it, or choose another --out`));
    return EXIT.usage;
  }
  writeFileAtomic(out, toIclJsonl(file, { source: basename(cmd.file), ...(kOut ? { k: kOut } : {}) }));
  io.err(printable(`wrote ${out} (${file.examples.length} examples, ${file.classes.length} classes${kOut ? `, k ${JSON.stringify(kOut)}` : ""}); probe it with: icl-probe run ${quoteArg(out)}`));
  return EXIT.ok;
}

function report(cmd: Extract<Command, { cmd: "report" }>, io: Io): number {
  const out = resolve(cmd.out ?? join(dirname(resolve(cmd.file)), "report.html"));
  if (!existsSync(cmd.file)) {
    io.err(`icl-probe: ${cmd.file}: file not found`);
    return EXIT.badInput;
  }
  const results = writeReportFromFile(cmd.file, out);
  io.err(`wrote ${out} (${results.records.length} records, ${results.manifest.status} run)`);
  return EXIT.ok;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`icl-probe: ${(e as Error)?.stack ?? e}\n`);
      process.exitCode = 1;
    },
  );
}
