// The results panel: one WebviewPanel showing the newest run (or, after an explicit "Compare
// with...", up to four runs side by side under distinct names), restored after a window reload
// by a WebviewPanelSerializer (the webview persists which result files it shows). It follows the
// ProbeState like every other view: progress and the end of a run come from there.
// The view is a projection of the run's one analysis (ResultsStore.analysis, shared/viewModel.ts);
// the webview receives only what it draws and asks for query-grid pages and details on demand.
import * as vscode from "vscode";
import { readFileSync } from "node:fs";
import { PANEL_VIEW_TYPE, parsePersistedState, parseWebviewMessage, type ExtensionToPanel, type PanelPersistedState, type WebviewToExtension } from "../shared/webviewProtocol";
import { buildRunView, queryDetail, queryPage, runStatus } from "../shared/viewModel";
import { IDLE, type ProbeStatus } from "../shared/probeStatus";
import { toyNotice } from "../shared/toyModels";
import { demoFileName, modelName } from "../shared/resultsShape";
import type { FigureId } from "../core/figures/types";
import { warningQueryPage, warningsView } from "../shared/warningsView";
import type { ResultsStore } from "./resultsStore";
import { makeNonce, webviewShell } from "./webviewHtml";
import { promptForRecord } from "./previewText";
import { log } from "./log";
import type { ProbeSettings } from "../core/types";

const MAX_RUNS = 4;
/** Rows per grid page (the webview asks for pages of this size). */
const PAGE = 100;

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, "dist"), vscode.Uri.joinPath(extensionUri, "media")],
  };
}

export function renderShell(webview: vscode.Webview, extensionUri: vscode.Uri, view: "panel" | "sidebar"): string {
  const u = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
  return webviewShell({
    cspSource: webview.cspSource,
    nonce: makeNonce(),
    title: view === "panel" ? "ICL Probe Results" : "ICL Probe",
    scriptUri: u("dist", "webview", `${view}.js`),
    toolkitUri: u("media", "vendor", "toolkit.min.js"),
    styleUri: u("media", "webview.css"),
    view,
  });
}

export class ResultsPanel implements vscode.Disposable {
  private panel?: vscode.WebviewPanel;
  private runIds: string[] = [];
  private readonly selection = new Map<string, { variant: string; k: number }>();
  /** While a run is written, the cell first shown stays (the grid does not jump as new k arrive) until the user picks one or the run ends. */
  private readonly liveDefault = new Map<string, { variant: string; k: number }>();
  private readonly subs: vscode.Disposable[] = [];
  private pending = new Set<string>();
  private timer?: NodeJS.Timeout;
  private ready = false;
  private probe: ProbeStatus = IDLE;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: ResultsStore,
    private readonly actions: (action: string, runId?: string) => void,
    /** The Hypotheses view's buttons (figureActions.ts). */
    private readonly figures?: { export(m: Extract<WebviewToExtension, { type: "exportFigure" }>): void; run(runId: string, figure: FigureId): void },
  ) {
    this.subs.push(
      vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, { deserializeWebviewPanel: (p, s) => this.restore(p, s) }),
      store.onDidChange((runId) => {
        if (runId && this.runIds.includes(runId)) this.queueUpdate(runId);
      }),
    );
  }

  get visibleRunIds(): readonly string[] {
    return this.runIds;
  }

  /** True while the panel shows more than one run (the user asked for a comparison). */
  get comparing(): boolean {
    return this.runIds.length > 1;
  }

  /**
   * Opens (or reveals) the panel on `runId`: by default it shows that run alone (the newest run
   * replaces what was shown); `compare` adds it beside the runs already shown.
   */
  show(runId?: string, opts: { compare?: boolean; preserveFocus?: boolean } = {}): void {
    if (runId) {
      if (!this.store.get(runId)) return;
      if (!opts.compare) this.runIds = [runId];
      else if (!this.runIds.includes(runId)) this.runIds = [...this.runIds, runId].slice(-MAX_RUNS);
    }
    if (!this.panel) {
      const panel = vscode.window.createWebviewPanel(
        PANEL_VIEW_TYPE,
        "ICL Probe Results",
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: opts.preserveFocus ?? false },
        webviewOptions(this.extensionUri),
      );
      this.attach(panel);
    } else {
      this.panel.reveal(undefined, opts.preserveFocus ?? false);
      this.postState(runId);
    }
  }

  private async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const s = parsePersistedState(state);
    const ids: string[] = [];
    for (const r of s.runs) {
      if (this.store.get(r.runId)) ids.push(r.runId);
      else if (r.path) {
        try {
          ids.push(this.store.loadFile(r.path).runId);
        } catch (e) {
          log().warn(`results panel: cannot restore ${r.path}: ${(e as Error).message}`);
        }
      }
    }
    this.runIds = ids.slice(-MAX_RUNS);
    panel.webview.options = webviewOptions(this.extensionUri);
    this.attach(panel);
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, "media", "icons", "icl-probe.svg");
    panel.webview.html = renderShell(panel.webview, this.extensionUri, "panel");
    const subs = [
      panel.webview.onDidReceiveMessage((m) => this.onMessage(m)),
      panel.onDidDispose(() => {
        this.panel = undefined;
        for (const s of subs) s.dispose();
      }),
    ];
  }

  private persisted(): PanelPersistedState {
    return { runs: this.runIds.map((runId) => ({ runId, path: this.store.get(runId)?.path })) };
  }

  private post(m: ExtensionToPanel): void {
    if (this.panel && this.ready) void this.panel.webview.postMessage(m);
  }

  private view(runId: string) {
    const e = this.store.get(runId);
    const analysis = this.store.analysis(runId);
    if (!e || !analysis) return undefined;
    // A cell the user picked sticks; otherwise the default (gold at its largest k) follows the data,
    // held still while the run is written.
    const chosen = this.selection.get(runId) ?? (e.live ? this.liveDefault.get(runId) : undefined);
    const v = buildRunView(runId, e.results, analysis, chosen, e.live ? false : undefined);
    if (e.live && !this.selection.has(runId)) this.liveDefault.set(runId, v.selection);
    else this.liveDefault.delete(runId);
    v.warnings = warningsView(e.results);
    v.name = this.store.name(runId);
    v.status = runStatus(e.results, e.live);
    v.toy = toyNotice(modelName(e.results.manifest), demoFileName(e.results.manifest));
    return v;
  }

  private postState(focus?: string): void {
    this.runIds = this.runIds.filter((id) => this.store.get(id));
    const runs = this.runIds.map((id) => this.view(id)!).filter(Boolean);
    this.post({ type: "state", runs, focus, persisted: this.persisted(), probe: this.probe });
  }

  /** Shows `runId` with record `key` selected: its variant and k, the grid page holding it, its detail. */
  reveal(runId: string, key: number): void {
    const e = this.store.get(runId);
    const r = e?.results.records[key];
    if (!e || !r) return;
    this.selection.set(runId, { variant: r.variant, k: r.k });
    const inCell = e.results.records.slice(0, key).filter((x) => x.variant === r.variant && x.k === r.k).length;
    const offset = Math.floor(inCell / PAGE) * PAGE;
    const m: ExtensionToPanel = { type: "reveal", runId, key, variant: r.variant, k: r.k, offset };
    const shown = this.runIds.includes(runId);
    if (!this.panel || !this.ready) {
      this.pendingReveal = m;
      this.show(runId, { compare: shown && this.comparing });
      return;
    }
    if (shown) {
      this.panel.reveal(undefined, false);
      const v = this.view(runId);
      if (v) this.post({ type: "run", run: v, persisted: this.persisted() });
    } else this.show(runId);
    this.post(m);
  }
  private pendingReveal?: ExtensionToPanel;

  /** The probe's state: the webview shows one progress line for the running run, and nothing once it ended. */
  setProbe(p: ProbeStatus): void {
    this.probe = p;
    this.post({ type: "probe", probe: p });
  }

  /** Drops a run (it was deleted) from the panel. */
  forget(runId: string): void {
    if (!this.runIds.includes(runId)) return;
    this.runIds = this.runIds.filter((id) => id !== runId);
    this.post({ type: "removeRun", runId, persisted: this.persisted() });
  }

  /** Live updates arrive at most every 500 ms per run. */
  private queueUpdate(runId: string): void {
    this.pending.add(runId);
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      for (const id of this.pending) {
        const v = this.view(id);
        if (v) this.post({ type: "run", run: v, persisted: this.persisted() });
      }
      this.pending.clear();
    }, 500);
  }

  private onMessage(raw: unknown): void {
    const m = parseWebviewMessage(raw);
    if (!m) {
      log().warn(`results panel: ignored a malformed message ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    switch (m.type) {
      case "ready":
        this.ready = true;
        this.postState(this.pendingReveal?.type === "reveal" ? this.pendingReveal.runId : this.runIds[this.runIds.length - 1]);
        if (this.pendingReveal) this.post(this.pendingReveal);
        this.pendingReveal = undefined;
        break;
      case "select": {
        this.selection.set(m.runId, { variant: m.variant, k: m.k });
        const v = this.view(m.runId);
        if (v) this.post({ type: "run", run: v, persisted: this.persisted() });
        break;
      }
      case "queries": {
        const e = this.store.get(m.runId);
        if (e)
          this.post({
            type: "queries",
            replyTo: m.id,
            page: m.warning
              ? warningQueryPage(m.runId, e.results.records, m.warning, m.offset, m.limit, { variant: m.variant, k: m.k })
              : queryPage(m.runId, e.results.records, m.variant, m.k, m.offset, m.limit),
          });
        break;
      }
      case "queryDetail": {
        const e = this.store.get(m.runId);
        const d = e && queryDetail(m.runId, e.results.records, m.key);
        if (!e || !d) break;
        const man = e.results.manifest as { demoFile?: { path?: string }; settings?: ProbeSettings } | undefined;
        const path = man?.demoFile?.path;
        const record = e.results.records[m.key];
        if (path && man?.settings && record) {
          try {
            const r = promptForRecord(readFileSync(path, "utf8"), path, man.settings, record);
            d.prompt = r.prompt;
            d.promptNote = r.note;
          } catch (err) {
            d.promptNote = `cannot read ${path}: ${(err as Error).message}`;
          }
        }
        this.post({ type: "queryDetail", replyTo: m.id, detail: d });
        break;
      }
      case "closeRun":
        this.runIds = this.runIds.filter((id) => id !== m.runId);
        this.post({ type: "removeRun", runId: m.runId, persisted: this.persisted() });
        break;
      case "action":
        this.actions(m.action, m.runId);
        break;
      case "selectRun":
        this.show(m.runId, { compare: this.runIds.includes(m.runId) });
        break;
      case "exportFigure":
        this.figures?.export(m);
        break;
      case "runFigure":
        this.figures?.run(m.runId, m.figure);
        break;
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.panel?.dispose();
    for (const s of this.subs) s.dispose();
  }
}
