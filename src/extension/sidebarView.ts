// Side panel (webview view in the "ICL Probe" activity-bar container): run history from saved
// results (distinct names, removable), a compact accuracy-vs-k chart of the selected run with its
// legend and axis titles, the model status (where its setting lives, a toy-model notice), the
// running probe as the ProbeState says, and buttons to rerun, open the panel and open the report.
import * as vscode from "vscode";
import { SIDEBAR_VIEW_ID, parseWebviewMessage, type ExtensionToSidebar, type ModelStatus } from "../shared/webviewProtocol";
import { IDLE, type ProbeStatus } from "../shared/probeStatus";
import { accuracySeries, baselineLines } from "../shared/viewModel";
import type { ResultsStore } from "./resultsStore";
import { renderShell, webviewOptions } from "./panel";
import { log } from "./log";

export class SidebarView implements vscode.WebviewViewProvider, vscode.Disposable {
  private view?: vscode.WebviewView;
  private selected?: string;
  private model: ModelStatus = { name: "default model", state: "idle" };
  private probe: ProbeStatus = IDLE;
  private readonly subs: vscode.Disposable[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: ResultsStore,
    private readonly actions: (action: string, runId?: string) => void,
  ) {
    this.subs.push(
      vscode.window.registerWebviewViewProvider(SIDEBAR_VIEW_ID, this),
      store.onDidChange(() => this.scheduleHistory()),
    );
  }

  get selectedRun(): string | undefined {
    return this.selected;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = webviewOptions(this.extensionUri);
    view.webview.html = renderShell(view.webview, this.extensionUri, "sidebar");
    view.webview.onDidReceiveMessage((raw) => {
      const m = parseWebviewMessage(raw);
      if (!m) return log().warn(`side panel: ignored a malformed message`);
      if (m.type === "ready") {
        this.sendHistory();
        this.post({ type: "model", model: this.model });
        this.post({ type: "probe", probe: this.probe });
      } else if (m.type === "selectRun") {
        this.selected = m.runId;
        this.sendHistory();
      } else if (m.type === "action") this.actions(m.action, m.runId ?? this.selected);
    });
    view.onDidDispose(() => (this.view = undefined));
  }

  private post(m: ExtensionToSidebar): void {
    void this.view?.webview.postMessage(m);
  }

  private scheduleHistory(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sendHistory();
    }, 400);
  }

  private sendHistory(): void {
    if (!this.view) return;
    const runs = this.store.summaries();
    if (!this.selected || !runs.some((r) => r.runId === this.selected)) this.selected = runs[0]?.runId;
    const a = this.selected ? this.store.analysis(this.selected) : undefined;
    let chart;
    if (a && this.selected) {
      const { series, ks } = accuracySeries(a);
      chart = { runId: this.selected, ks, series, baselines: baselineLines(a) };
    }
    this.post({ type: "history", runs, selected: this.selected, chart });
  }

  select(runId: string): void {
    this.selected = runId;
    this.sendHistory();
  }

  setModel(model: ModelStatus): void {
    this.model = model;
    this.post({ type: "model", model });
  }

  get modelStatus(): ModelStatus {
    return this.model;
  }

  setProbe(p: ProbeStatus): void {
    this.probe = p;
    this.post({ type: "probe", probe: p });
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const s of this.subs) s.dispose();
  }
}
