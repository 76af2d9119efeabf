// Runs probes from the editor: validates the demo file and the model first (clear messages),
// starts the engine on the first probe (never at activation), runs the experiment through the
// shared runner (src/runner/run.ts) in a cancellable progress notification with the ETA, shows
// live results from the runner's snapshots (in memory, onSnapshot), and writes the CSVs and the
// HTML report at the end.
// A second probe while one runs asks whether to queue it or cancel the running one.
// The controller is the only writer of the ProbeState (probeState.ts) that every view follows.
import * as vscode from "vscode";
import { basename, join } from "node:path";
import { decodeDemoBytes, needsColumnMapping } from "../core/demoFile";
import type { ProbeSettings } from "../core/types";
import type { ResultsFile } from "../core/results/schema";
import { findStudy, resolveStudy, withStudyGrid, type StudyManifest, type StudyOptions } from "../core/study";
import { studyPlanText } from "../core/study/describe";
import { runExperiment, type EngineLike, type ProgressEvent } from "../runner/run";
import { prepareRun, type PreparedRun, type PrepareInput } from "../runner/prepare";
import { writeFigures, writeOutputs } from "../runner/outputs";
import { analyseRun } from "../core/analysis";
import { OutputError, RESULTS_FILE } from "../runner/checkpoint";
import { EngineFailure, type LoadOptions, type ModelInfo } from "../engine/protocol";
import { EngineClient } from "../engine/client";
import type { ResultsStore } from "./resultsStore";
import type { ExtensionSettings } from "./settings";
import type { ModelRegistry } from "./modelPicker";
import type { ModelStatus } from "../shared/webviewProtocol";
import { log, showError, engineLog } from "./log";
import { formatDuration } from "../core/format";
import type { ProbeState } from "./probeState";
import type { ProbeOutcome } from "../shared/probeStatus";
import { createHash } from "node:crypto";
import { MAX_SEQUENCES_PER_REQUEST, RemoteEngine } from "../remote/engine";
import { describeSpec, isRemoteSpec, parseRemoteSpec } from "../remote/spec";
import { unsupportedOnServer } from "../remote/limits";
import { rateText, remoteSummary } from "../remote/summary";
import { describeEstimate } from "../runner/estimate";
import { defined } from "../core/defined";

/** The engine as the controller uses it (EngineClient satisfies it); isolated for tests. */
export interface ProbeEngine extends EngineLike {
  load(modelPath: string, options?: LoadOptions): Promise<ModelInfo>;
  dispose(): Promise<void>;
  readonly alive: boolean;
}

export interface ProbeRequest {
  uri: vscode.Uri;
  /** Variants chosen by the user (else header / settings). */
  variants?: string[];
  /** A study (src/core/study) instead of the file's variants: its plan is one run. */
  study?: { id: string; options: StudyOptions };
  /**
   * Continue a run in its own folder (resume an interrupted one, or extend one with more variants:
   * the runner keeps every record it has). `settings`: the run's settings grown by what to add
   * (else the request's own); `modelPath`: the run's model.
   */
  into?: { runId: string; outDir: string; modelPath?: string; settings?: ProbeSettings; study?: StudyManifest };
}

export interface ProbeListener {
  /** A live run's first snapshot is in the store (the panel can show it). */
  started(runId: string): void;
  /** The run's final results are in the store and the state is idle again. */
  finished(runId: string, status: ProbeOutcome): void;
  /** The engine's state (not started, loading, ready, error) and the model it holds. */
  model(m: ModelStatus): void;
}

function startEngine(): Promise<ProbeEngine> {
  // Called on the first probe only: the client forks the worker process that imports
  // node-llama-cpp; the client module itself only uses child_process.
  return EngineClient.start({ log: engineLog });
}

export class ProbeController implements vscode.Disposable {
  private engine?: ProbeEngine;
  /** The served model's engine (docs/REMOTE.md), kept while its spec, settings and key stay the same. */
  private remote?: { key: string; engine: RemoteEngine };
  private loadedKey?: string;
  private current?: { abort: AbortController; uri: vscode.Uri; runId: string };
  private readonly queue: ProbeRequest[] = [];

  constructor(
    private readonly state: ProbeState,
    private readonly store: ResultsStore,
    private readonly models: ModelRegistry,
    private readonly settings: () => ExtensionSettings,
    private readonly listener: ProbeListener,
    private readonly fallbackRoot: () => string,
    /** The API key stored for a server (SecretStorage), if any. */
    private readonly serverKey: (spec: string) => Thenable<string | undefined> = async () => undefined,
    private readonly engineFactory: () => Promise<ProbeEngine> = startEngine,
  ) {}

  get running(): boolean {
    return !!this.current;
  }
  get runningRunId(): string | undefined {
    return this.current?.runId;
  }

  /** Cancels the running probe and the queue. */
  cancel(): boolean {
    if (!this.current) return false;
    this.queue.length = 0;
    this.state.setQueued(0);
    this.stopCurrent();
    return true;
  }

  /** Stops the running probe only (the queue goes on). */
  private stopCurrent(): void {
    // The state says "cancelling" before the runner has stopped: no view shows progress or an ETA from here on.
    this.state.cancelling();
    this.current?.abort.abort();
  }

  /** Entry point of the run commands. */
  async request(req: ProbeRequest): Promise<void> {
    if (this.current) {
      const choice = await vscode.window.showWarningMessage(`A probe of ${basename(this.current.uri.fsPath)} is running.`, { modal: false }, "Queue", "Cancel running and start");
      if (!this.current) {
        // It ended while the question was open: start this one now.
        await this.request(req);
      } else if (choice === "Queue") {
        this.queue.push(req);
        this.state.setQueued(this.queue.length);
        void vscode.window.showInformationMessage(`Queued: ${basename(req.uri.fsPath)} (${this.queue.length} waiting).`);
      } else if (choice === "Cancel running and start") {
        this.queue.length = 0;
        this.queue.push(req);
        this.state.setQueued(1);
        this.stopCurrent();
      }
      return;
    }
    await this.run(req);
    while (!this.current && this.queue.length) {
      const next = this.queue.shift()!;
      this.state.setQueued(this.queue.length);
      await this.run(next);
    }
  }

  private async readText(uri: vscode.Uri): Promise<string> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) {
      if (open.isDirty) await open.save();
      return open.getText();
    }
    // UTF-16 spreadsheet exports and legacy code pages are decoded as the CLI does.
    return decodeDemoBytes(await vscode.workspace.fs.readFile(uri)).text;
  }

  private outDirFor(uri: vscode.Uri, s: ExtensionSettings, runId: string): string {
    const folder = vscode.workspace.getWorkspaceFolder(uri) ?? vscode.workspace.workspaceFolders?.[0];
    // Without a workspace folder, results go to the extension's global storage.
    const base = folder ? join(folder.uri.fsPath, s.resultsFolder) : join(this.fallbackRoot(), "results");
    return join(base, runId);
  }

  private async ensureEngine(modelPath: string, s: ExtensionSettings): Promise<ProbeEngine> {
    if (this.engine && !this.engine.alive) {
      this.engine = undefined;
      this.loadedKey = undefined;
    }
    if (!this.engine) {
      this.state.step("starting the engine");
      this.listener.model({ name: basename(modelPath), path: modelPath, state: "loading", detail: "starting the engine" });
      this.engine = await this.engineFactory();
    }
    // The mode is part of the key, so switching iclProbe.scoringMode reloads the model.
    const opts: LoadOptions = { gpu: s.gpu, mode: s.scoringMode, ...(s.threads ? { threads: s.threads } : {}), ...(s.contextSize ? { contextSize: s.contextSize } : {}) };
    const key = JSON.stringify([modelPath, opts]);
    if (this.loadedKey !== key) {
      this.state.step(`loading ${basename(modelPath)}`);
      this.listener.model({ name: basename(modelPath), path: modelPath, state: "loading", detail: "loading the model" });
      try {
        const info = await this.engine.load(modelPath, opts);
        this.loadedKey = key;
        log().info(`model loaded: ${modelPath} (${info.architecture}, vocabulary ${info.vocabSize}, ${info.threads} threads)`);
      } catch (e) {
        this.loadedKey = undefined;
        if (!this.engine.alive) this.engine = undefined;
        throw e;
      }
    }
    this.listener.model({ name: basename(modelPath), path: modelPath, state: "ready" });
    return this.engine;
  }

  /** Connects to the served model (or keeps the connection): the key comes from SecretStorage. */
  private async ensureRemote(spec: string, s: ExtensionSettings, name: string, path: string): Promise<RemoteEngine> {
    const apiKey = await this.serverKey(spec);
    const key = JSON.stringify([spec, s.remoteConcurrency, s.remoteTimeoutSeconds, apiKey ? createHash("sha256").update(apiKey).digest("hex") : ""]);
    if (this.remote?.key === key && this.remote.engine.alive) return this.remote.engine;
    await this.remote?.engine.dispose();
    this.remote = undefined;
    this.listener.model({ name, path, state: "loading", detail: `connecting to ${parseRemoteSpec(spec).host}` });
    const engine = await RemoteEngine.connect(spec, { apiKey, concurrency: s.remoteConcurrency, timeoutMs: s.remoteTimeoutSeconds * 1000, log: (level, msg) => log()[level](msg) });
    this.remote = { key, engine };
    this.listener.model({ name, path, state: "ready" });
    return engine;
  }

  private async run(req: ProbeRequest): Promise<void> {
    // Busy from the first check on, so a second request asks instead of racing this one.
    this.current = { abort: new AbortController(), uri: req.uri, runId: "" };
    this.state.prepare(basename(req.uri.fsPath));
    try {
      await this.runChecked(req, this.current.abort);
    } finally {
      this.current = undefined;
      // Whatever happened, the views end idle (a run that started has already said how it ended).
      this.state.abandon();
    }
  }

  private async runChecked(req: ProbeRequest, abort: AbortController): Promise<void> {
    const s = this.settings();
    for (const p of s.problems) log().warn(p);
    const path = req.uri.fsPath;
    let text: string;
    try {
      text = await this.readText(req.uri);
    } catch (e) {
      void showError(`Cannot read ${basename(path)}`, e);
      return;
    }
    const overrides: Partial<ProbeSettings> = { ...s.overrides, ...(req.variants?.length ? { variants: req.variants } : {}) };
    let how: Pick<PrepareInput, "overrides" | "adjustSettings" | "study">;
    try {
      how = this.preparationFor(req, overrides);
    } catch (e) {
      void showError(`Cannot plan a probe of ${basename(path)}`, e);
      return;
    }
    const model: { path: string; isDefault: boolean; remote?: string } = req.into?.modelPath
      ? isRemoteSpec(req.into.modelPath)
        ? { path: req.into.modelPath, isDefault: false, remote: req.into.modelPath }
        : { path: req.into.modelPath, isDefault: false }
      : this.models.current();
    const modelName = model.remote ? (req.into?.modelPath ? describeSpec(parseRemoteSpec(model.remote)) : this.models.displayName()) : basename(model.path);
    const stamp = new Date().toISOString().replace(/[:.]/g, "-").replace("Z", "");
    const runId = req.into?.runId ?? `${basename(path).replace(/\.(icl\.jsonl|jsonl|csv|tsv)$/i, "")}/${how.study ? `${how.study.id}-` : ""}${stamp}`;
    const outDir = req.into?.outDir ?? this.outDirFor(req.uri, s, runId);
    // The preparation the CLI shares (runner/prepare.ts): the file's problems, variant keys, the
    // plan, the results folder and the model file, all before any model time is spent.
    let prepared: PreparedRun;
    try {
      // A served model has no file to check; token-level variants cannot run on it.
      const checkSettings = (settings: ProbeSettings): void => {
        const refused = unsupportedOnServer(settings.variants);
        if (refused) throw new ServerRefusal(refused);
      };
      const p = await prepareRun({ path, content: text, ...how, modelPath: model.path, remote: !!model.remote, outDir, ...(model.remote ? { checkSettings } : {}) });
      if (!p.ready) {
        const first = defined(p.errors[0], "the first error of a file that is not ready");
        // Columns that were not recognised: a quick pick maps them (Import Dataset).
        const mapping = needsColumnMapping(p.file) ? ["Map columns..."] : [];
        // Notifications are never awaited here: run() must return (and free the probe slot and the
        // queue) while the message is still on screen, not when the user dismisses it.
        void vscode.window
          .showErrorMessage(
            `${basename(path)} has ${p.errors.length} error(s), so the probe did not start. Line ${first.line}: ${first.message}${first.hint ? ` ${first.hint}` : ""}`,
            ...mapping,
            "Show problems",
          )
          .then((choice) => {
            if (choice === "Show problems") void vscode.commands.executeCommand("workbench.actions.view.problems");
            if (choice === "Map columns...") void vscode.commands.executeCommand("iclProbe.importDataset", req.uri);
          });
        return;
      }
      prepared = p.run;
    } catch (e) {
      if (e instanceof ServerRefusal) offerModelChoice(showError(`Cannot probe ${modelName}`, e, "Select model"));
      else if (e instanceof EngineFailure) {
        const missing = e.code === "file-missing" && model.isDefault ? new Error(`the embedded default model is missing (${model.path}); rebuild the extension or select a model`) : e;
        offerModelChoice(showError(`Cannot use the model ${basename(model.path)}`, missing, "Select model"));
      } else if (e instanceof OutputError) void showError(`ICL Probe: cannot write the results of ${basename(path)}`, e);
      else void showError(`Cannot prepare a probe of ${basename(path)}`, e);
      return;
    }
    const { plan } = prepared;
    const study = how.study;
    for (const u of prepared.unbuildable) log().warn(`skipping ${u.variant}: ${u.reason}`);
    if (this.current) this.current.runId = runId;
    if (study) log().info(studyPlanText(study, plan, basename(path)));
    // Live results come from the runner's snapshots in memory (at most one a second), not from
    // reading results.json back.
    const resultsPath = join(outDir, RESULTS_FILE);
    let shown = false;
    const onSnapshot = (results: ResultsFile) => {
      this.store.put({ runId, path: resultsPath, results: results as never, demoPath: path, live: true });
      if (!shown) {
        shown = true;
        this.listener.started(runId);
      }
    };
    let status: ProbeOutcome = "failed";
    let failure: string | undefined;
    // The run's closing message is shown once every view has left the running state.
    let tell: (() => void) | undefined;
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `ICL Probe: ${basename(path)}`, cancellable: true }, async (progress, token) => {
        token.onCancellationRequested(() => this.stopCurrent());
        progress.report({
          message: study
            ? `${plan.totalQueries.toLocaleString("en-US")} queries to score; starting the engine…`
            : model.remote
              ? `connecting to ${parseRemoteSpec(model.remote).host}…`
              : "starting the engine…",
        });
        const engine = model.remote ? await this.ensureRemote(model.remote, s, modelName, model.path) : await this.ensureEngine(model.path, s);
        if (abort.signal.aborted) {
          status = "interrupted";
          return;
        }
        if (engine instanceof RemoteEngine) {
          // Before sending anything large: what the probe will send, and a question above the threshold.
          progress.report({ message: "estimating the work…" });
          const est = await describeEstimate(prepared.file, prepared.settings, MAX_SEQUENCES_PER_REQUEST, (t) => engine.tokenize(t));
          log().info(`${modelName}: estimate for the whole plan: ${est.text}`);
          if (s.remoteConfirmAboveTokens > 0 && est.tokens > s.remoteConfirmAboveTokens) {
            const c = await vscode.window.showWarningMessage(
              `ICL Probe: this probe sends ${est.text} to ${engine.spec.host}.`,
              { modal: true, detail: `Above iclProbe.remote.confirmAboveTokens (${s.remoteConfirmAboveTokens.toLocaleString("en-US")}).` },
              "Run",
            );
            if (c !== "Run") {
              status = "interrupted";
              return;
            }
          }
        }
        this.state.begin(runId, plan.totalQueries);
        const rates = engine instanceof RemoteEngine ? () => rateText(engine) : () => undefined;
        let lastPct = 0;
        let estimated = false;
        const onProgress = (p: ProgressEvent) => {
          // After a cancel the toast says so and nothing else moves (no climbing ETA).
          if (abort.signal.aborted) return;
          const pct = p.total ? (100 * p.done) / p.total : 0;
          const label = `${p.variant} k=${p.k} seed ${p.seed}`;
          const eta = p.etaSeconds;
          // A study says how long it takes as soon as its first demo set is measured.
          if (study && !estimated && p.measuredGroups > 0 && eta !== undefined) {
            estimated = true;
            const msg = `${study.name} on ${basename(path)}: ${p.total.toLocaleString("en-US")} queries; about ${formatDuration(eta)} left on ${modelName} (measured on the first demo set, updated as it runs).`;
            log().info(msg);
            void vscode.window.showInformationMessage(msg);
          }
          const what = `${study ? `${study.name} · ` : ""}${p.done} of ${p.total} queries`;
          const rate = rates();
          progress.report({
            increment: pct - lastPct,
            message: `${what} · ${label}${eta !== undefined ? ` · ${formatDuration(eta)} left${study ? " (measured)" : ""}` : study ? " · measuring the first demo set…" : ""}${rate ? ` · ${rate}` : ""}`,
          });
          lastPct = pct;
          this.state.progress({ done: p.done, total: p.total, etaSeconds: p.etaSeconds, label });
        };
        abort.signal.addEventListener("abort", () => progress.report({ message: "cancelling: the queries scored so far are kept…" }));
        const outcome = await runExperiment(
          { ...prepared, ...(s.contextSize ? { contextSize: s.contextSize } : {}) },
          { engine, signal: abort.signal, outDir, onProgress, onOverflow: s.onOverflow, resume: !!req.into, onSnapshot, snapshotEveryMs: 1000 },
        );
        const skipped = outcome.results.manifest.skipped ?? [];
        const [firstSkipped] = skipped;
        if (firstSkipped) {
          for (const c of skipped) log().warn(`skipped ${c.variant}${c.k !== undefined ? ` k=${c.k} seed ${c.seed}` : ""}: ${c.reason}`);
          void vscode.window
            .showWarningMessage(`ICL Probe: ${skipped.length} part(s) of the grid were skipped (${[...new Set(skipped.map((c) => c.variant))].join(", ")}): ${firstSkipped.reason}`, "Show log")
            .then((c) => {
              if (c === "Show log") log().show(true);
            });
        }
        status = outcome.status === "complete" ? "complete" : outcome.status === "interrupted" ? "interrupted" : "failed";
        if (outcome.status !== "complete" && outcome.status !== "interrupted") failure = outcome.error?.message;
        // The run log's request and retry counts (docs/REMOTE.md).
        if (engine instanceof RemoteEngine) log().info(`${modelName}: ${remoteSummary(engine)}`);
        progress.report({ message: "writing the report…" });
        // One analysis for the files and every view of the run.
        const analysis = analyseRun(outcome.results);
        const files = writeOutputs(outDir, outcome.results, analysis);
        if (study)
          writeFigures(
            outDir,
            analysis.figures.filter((f) => study.figures.includes(f.id)),
          );
        this.store.put({ runId, path: files.results, results: outcome.results as never, demoPath: path, live: false }, analysis);
        const m = outcome.results.manifest.progress;
        if (outcome.status === "complete") {
          log().info(`probe complete: ${files.results}`);
          tell = () =>
            void vscode.window.showInformationMessage(`ICL Probe: ${basename(path)} done (${m.done} queries).`, "Open report").then((c) => {
              if (c === "Open report") void vscode.commands.executeCommand("iclProbe.openReport", runId);
            });
        } else if (outcome.status === "interrupted") {
          tell = () => void vscode.window.showInformationMessage(`ICL Probe: cancelled; ${m.done} of ${m.total} queries kept in ${files.results}.`);
        } else {
          const err = outcome.error ?? new Error("unknown error");
          tell = () => void showError(`ICL Probe: the probe of ${basename(path)} failed after ${m.done} of ${m.total} queries (kept)`, err);
        }
      });
    } catch (e) {
      status = "failed";
      failure = (e as Error).message;
      const live = this.store.get(runId);
      if (live) this.store.put({ ...live, live: false });
      tell = () => offerModelChoice(showError(`ICL Probe: the probe of ${basename(path)} failed`, e, "Select model"));
      this.listener.model({ name: modelName, path: model.path, state: "error", detail: (e as Error).message });
    } finally {
      if ((model.remote ? this.remote?.engine.alive : this.engine?.alive) && status !== "failed") this.listener.model({ name: modelName, path: model.path, state: "ready" });
      const entry = this.store.get(runId);
      const m = (entry?.results.manifest as { progress?: { done?: number; total?: number } } | undefined)?.progress;
      // Every view leaves the running state at once (status bar, side panel, lens, panel, context keys).
      this.state.finish(status, { runId: entry ? runId : undefined, done: m?.done ?? this.state.current.done, total: m?.total ?? this.state.current.total, message: failure });
      if (entry) this.listener.finished(runId, status);
      tell?.();
    }
  }

  /** How this request's demo file becomes its settings: the overrides, and a study's grid and manifest. */
  private preparationFor(req: ProbeRequest, overrides: Partial<ProbeSettings>): Pick<PrepareInput, "overrides" | "adjustSettings" | "study"> {
    if (req.into?.settings) {
      const { grid, ...rest } = req.into.settings;
      return { overrides: rest, ...(grid ? { adjustSettings: (settings) => ({ ...settings, grid }) } : {}), ...(req.into.study ? { study: req.into.study } : {}) };
    }
    if (req.study) {
      const def = findStudy(req.study.id);
      if (!def) throw new Error(`unknown study "${req.study.id}"`);
      const resolved = resolveStudy(def, req.study.options);
      for (const n of resolved.notes) log().info(`${def.name}: ${n}`);
      return { overrides: { ...overrides, ...resolved.overrides }, adjustSettings: (settings) => withStudyGrid(settings, resolved), study: resolved.manifest };
    }
    return { overrides };
  }

  async dispose(): Promise<void> {
    this.current?.abort.abort();
    await this.engine?.dispose().catch(() => undefined);
    await this.remote?.engine.dispose().catch(() => undefined);
  }
}

/** A run the served model cannot do (token-level variants), found while preparing it. */
class ServerRefusal extends Error {}

/** Opens the model picker when the user picks "Select model" on an error, without blocking the caller. */
function offerModelChoice(choice: Thenable<string | undefined>): void {
  void Promise.resolve(choice).then((c) => {
    if (c === "Select model") void vscode.commands.executeCommand("iclProbe.selectModel");
  });
}
