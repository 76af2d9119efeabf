// Extension entry: activate() wires thin adapters around the shared core, runner and engine
// client. Activation is cheap: nothing here starts the engine or loads node-llama-cpp (the
// engine starts on the first probe), and the workspace scan for saved results runs after
// activate() has returned. Every registration goes to context.subscriptions. One ProbeState,
// written only by the probe controller, drives the status bar, side panel, code lenses, results
// panel and the iclProbe.running context key.
import * as vscode from "vscode";
import { basename, join } from "node:path";
import { createLog, log } from "./log";
import { readSettings, type ExtensionSettings } from "./settings";
import { ResultsStore, type RunEntry } from "./resultsStore";
import { ModelRegistry } from "./modelPicker";
import { StatusBar } from "./statusBar";
import { ResultsPanel } from "./panel";
import { SidebarView } from "./sidebarView";
import { DemoCodeLensProvider, LensState } from "./codeLens";
import { LineDecorations } from "./lineDecorations";
import { ProbeState } from "./probeState";
import { isBusy } from "../shared/probeStatus";
import { toyNotice } from "../shared/toyModels";
import type { ModelStatus, WebviewAction } from "../shared/webviewProtocol";
import { DemoDiagnostics, DemoFileCache, DemoQuickFixes, DEMO_SELECTOR, isDemoDocument } from "./diagnostics";
import { PreviewProvider, PREVIEW_SCHEME } from "./previewProvider";
import { ProbeController } from "./probeController";
import { getServerKey } from "./serverKeys";
import { COMMANDS } from "./commands";
import { exportFigure, runFigureRequest } from "./figureActions";
import type { Services } from "./services";

export function activate(context: vscode.ExtensionContext): Services {
  const t0 = performance.now();
  const subs = context.subscriptions;
  subs.push(createLog());

  let settings: ExtensionSettings = readSettings(vscode.workspace.getConfiguration("iclProbe"), vscode.workspace.isTrusted);
  const getSettings = () => settings;

  const store = new ResultsStore();
  const models = new ModelRegistry(
    context,
    () => settings.modelPath,
    () => settings.remoteSpec,
  );
  const status = new StatusBar();
  status.setModel(models.displayName());
  subs.push(status);
  const probe = new ProbeState();

  const lens = new LensState();
  subs.push(lens);
  let services: Services;
  const action = (a: string, runId?: string) => services.action(a, runId);
  const panel = new ResultsPanel(context.extensionUri, store, action, {
    export: (m) => void exportFigure(store, join(context.globalStorageUri.fsPath, "figures"), m),
    run: (runId, figure) => {
      const req = runFigureRequest(store, runId, figure);
      if (typeof req === "string") void vscode.window.showInformationMessage(req);
      else void controller.request(req);
    },
  });
  const sidebar = new SidebarView(context.extensionUri, store, action);
  subs.push(panel, sidebar);
  // What the side panel says about the model: its name, where its setting lives, whether it is a toy.
  const modelStatus = (engine: Pick<ModelStatus, "state" | "detail">): ModelStatus => {
    const cur = models.current();
    const where = cur.isDefault
      ? "the embedded default (iclProbe.modelPath is empty)"
      : settings.modelPathSource === "workspace"
        ? "iclProbe.modelPath in the workspace settings"
        : vscode.env.remoteName
          ? `iclProbe.modelPath in the Remote settings (${vscode.env.remoteName}; machine-scoped, so not under User)`
          : "iclProbe.modelPath in the User settings";
    const open = vscode.window.activeTextEditor?.document.fileName;
    return { name: models.displayName(), path: cur.path, ...engine, source: where, toy: toyNotice(cur.path, open) };
  };
  let engineState: Pick<ModelStatus, "state" | "detail"> = { state: "idle", detail: "the engine starts on the first probe" };
  const showModel = () => sidebar.setModel(modelStatus(engineState));
  showModel();

  const controller = new ProbeController(
    probe,
    store,
    models,
    getSettings,
    {
      // Live results: show the run in the panel from its first checkpoint on (it replaces the run shown).
      started: (runId) => panel.show(runId, { preserveFocus: true }),
      finished: (runId) => {
        sidebar.select(runId);
        panel.show(runId, { preserveFocus: true });
        void vscode.commands.executeCommand("setContext", "iclProbe.hasResults", true);
      },
      model: (m) => {
        engineState = { state: m.state, detail: m.detail };
        showModel();
      },
    },
    () => context.globalStorageUri.fsPath,
    (spec) => getServerKey(context.secrets, spec),
  );
  subs.push({ dispose: () => void controller.dispose() });

  const files = new DemoFileCache(() => settings.overrides);
  const diagnostics = new DemoDiagnostics(files);
  const codeLens = new DemoCodeLensProvider(files, store, lens, () => models.displayName(), probe);
  const lines = new LineDecorations(files, store, lens);
  const preview = new PreviewProvider(() => settings.overrides);
  subs.push(
    diagnostics,
    codeLens,
    lines,
    preview,
    vscode.languages.registerCodeLensProvider(DEMO_SELECTOR, codeLens),
    vscode.languages.registerCodeActionsProvider(DEMO_SELECTOR, new DemoQuickFixes(diagnostics), { providedCodeActionKinds: DemoQuickFixes.kinds }),
    vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, preview),
  );

  const rescan = () => {
    for (const f of vscode.workspace.workspaceFolders ?? []) {
      const n = store.scan(join(f.uri.fsPath, settings.resultsFolder));
      if (n) log().info(`loaded ${n} saved run(s) from ${join(f.uri.fsPath, settings.resultsFolder)}`);
      for (const e of store.loadErrors) log().warn(`skipped a results file: ${e}`);
    }
    store.scan(join(context.globalStorageUri.fsPath, "results"));
    void vscode.commands.executeCommand("setContext", "iclProbe.hasResults", store.all().length > 0);
  };
  let rescanTimer: NodeJS.Timeout | undefined;
  let missedWhileBusy = false;
  const rescanSoon = () => {
    // A running probe rewrites its results.json at every checkpoint: those events are its own and
    // the controller already holds the snapshot; other files are picked up once it has ended.
    if (isBusy(probe.current)) {
      missedWhileBusy = true;
      return;
    }
    clearTimeout(rescanTimer);
    rescanTimer = setTimeout(rescan, 500);
  };
  const watcher = vscode.workspace.createFileSystemWatcher("**/results.json");
  subs.push(watcher, watcher.onDidCreate(rescanSoon), watcher.onDidChange(rescanSoon), { dispose: () => clearTimeout(rescanTimer) });

  // Every view follows the probe state at once.
  subs.push(
    probe.onDidChange((now, before) => {
      status.setProbe(now);
      sidebar.setProbe(now);
      panel.setProbe(now);
      // "Cancel Running Probe" is offered while there is something to cancel (not while it stops).
      const cancellable = (x: typeof now) => x.phase === "preparing" || x.phase === "running";
      if (cancellable(now) !== cancellable(before)) void vscode.commands.executeCommand("setContext", "iclProbe.running", cancellable(now));
      if (!isBusy(now) && missedWhileBusy) {
        missedWhileBusy = false;
        rescanSoon();
      }
    }),
    vscode.window.onDidChangeActiveTextEditor(() => showModel()),
  );

  let shownModelPath = models.current().path;
  const refreshSettings = () => {
    settings = readSettings(vscode.workspace.getConfiguration("iclProbe"), vscode.workspace.isTrusted);
    status.setModel(models.displayName());
    // Another model is not loaded yet; the same one stays as the engine has it.
    const path = models.current().path;
    if (path !== shownModelPath) engineState = { state: "idle", detail: "loaded on the next probe" };
    shownModelPath = path;
    showModel();
    diagnostics.refreshAll();
    codeLens.refresh();
    if (settings.ignoredWorkspaceModelPath) log().warn(`untrusted workspace: ignoring iclProbe.modelPath from workspace settings (${settings.ignoredWorkspaceModelPath})`);
  };
  subs.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration("iclProbe")) return;
      refreshSettings();
      // Says what the next probe will use (and lets a user check that a change was read).
      log().info(`settings changed: model ${models.displayName()}, header overrides ${JSON.stringify(settings.overrides)}`);
      if (settings.problems.length) {
        void vscode.window
          .showWarningMessage(`ICL Probe settings: ${settings.problems[0]}${settings.problems.length > 1 ? ` (+${settings.problems.length - 1} more in the log)` : ""}`, "Open settings")
          .then((c) => {
            if (c) void vscode.commands.executeCommand("workbench.action.openSettings", "iclProbe");
          });
        for (const p of settings.problems) log().warn(p);
      }
      if (e.affectsConfiguration("iclProbe.resultsFolder")) rescanSoon();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(refreshSettings),
  );

  services = {
    context,
    store,
    settings: getSettings,
    models,
    controller,
    panel,
    sidebar,
    lens,
    lines,
    probe,
    rescan,
    async pickRun(runId, placeHolder) {
      if (typeof runId === "string" && store.get(runId)) return store.get(runId);
      const all = store.all();
      if (all.length === 0) {
        const c = await vscode.window.showInformationMessage("No ICL Probe results yet: run a probe on a demo file first.", "Run probe");
        if (c) await vscode.commands.executeCommand("iclProbe.runProbe");
        return undefined;
      }
      if (all.length === 1) return all[0];
      const names = store.names();
      const pick = await vscode.window.showQuickPick(
        all.map((r: RunEntry) => ({ label: names.get(r.runId) ?? r.runId, description: `${r.results.records.length} queries${r.live ? " · running" : ""}`, detail: r.path, run: r })),
        { placeHolder },
      );
      return pick?.run;
    },
    async demoUri(arg) {
      if (arg instanceof vscode.Uri) return arg;
      const ed = vscode.window.activeTextEditor;
      if (ed && isDemoDocument(ed.document)) return ed.document.uri;
      const found = await vscode.workspace.findFiles("**/*.icl.{jsonl,csv,tsv}", "**/node_modules/**", 200);
      if (found.length === 0) {
        void vscode.window.showInformationMessage("Open a demonstration file (*.icl.jsonl, *.icl.csv or *.icl.tsv) first.");
        return undefined;
      }
      if (found.length === 1) return found[0];
      const pick = await vscode.window.showQuickPick(
        found.map((u) => ({ label: basename(u.fsPath), detail: vscode.workspace.asRelativePath(u), uri: u })),
        { placeHolder: "Which demonstration file?" },
      );
      return pick?.uri;
    },
    action(a, runId) {
      const entry = runId ? store.get(runId) : undefined;
      switch (a) {
        case "rerun":
          if (entry?.demoPath) {
            const variants = (entry.results.manifest as { settings?: { variants?: string[] } } | undefined)?.settings?.variants;
            void controller.request({ uri: vscode.Uri.file(entry.demoPath), variants });
          } else void vscode.commands.executeCommand("iclProbe.runProbe");
          break;
        case "openPanel":
          if (runId) panel.show(runId);
          else void vscode.commands.executeCommand("iclProbe.showResults");
          break;
        case "cancel":
          controller.cancel();
          break;
        case "runProbe":
          void vscode.commands.executeCommand("iclProbe.runProbe");
          break;
        case "refresh":
          rescan();
          break;
        default: {
          // The rest are plain commands; those about one run get its id.
          const known = (ACTION_COMMANDS as Record<string, [string, boolean] | undefined>)[a];
          if (known) void vscode.commands.executeCommand(known[0], ...(known[1] ? [runId] : []));
        }
      }
    },
  };
  for (const register of COMMANDS) subs.push(register(services));

  void vscode.commands.executeCommand("setContext", "iclProbe.running", false);
  if (settings.ignoredWorkspaceModelPath) log().warn(`untrusted workspace: ignoring iclProbe.modelPath from workspace settings (${settings.ignoredWorkspaceModelPath})`);
  // The scan reads files: do it after activation has returned.
  const scanTimer = setTimeout(rescan, 0);
  subs.push({ dispose: () => clearTimeout(scanTimer) });
  log().info(`activated in ${(performance.now() - t0).toFixed(1)} ms`);
  return services;
}

/** Webview actions that only run a command, and whether the command takes the run's id. */
const ACTION_COMMANDS: Record<Exclude<WebviewAction, "rerun" | "openPanel" | "cancel" | "refresh">, [string, boolean]> = {
  compare: ["iclProbe.compareRuns", true],
  removeRun: ["iclProbe.removeRun", true],
  openReport: ["iclProbe.openReport", true],
  export: ["iclProbe.exportResults", true],
  openExample: ["iclProbe.openExample", false],
  openModelSetting: ["iclProbe.openModelSetting", false],
  selectModel: ["iclProbe.selectModel", false],
  runProbe: ["iclProbe.runProbe", false],
};

export function deactivate(): void {
  // Disposables in context.subscriptions stop the engine and the timers.
}
