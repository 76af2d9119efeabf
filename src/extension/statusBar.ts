// One status-bar item: the current model when idle, the running probe's progress while a probe
// runs; click opens the results panel.
import * as vscode from "vscode";
import { formatDuration } from "../core/format";

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("iclProbe.status", vscode.StatusBarAlignment.Left, 20);
  private model = "default model";
  private running?: { done: number; total: number; label?: string; etaSeconds?: number };

  constructor() {
    this.item.name = "ICL Probe";
    this.item.command = "iclProbe.showResults";
    this.render();
    this.item.show();
  }

  setModel(name: string): void {
    this.model = name;
    this.render();
  }

  setProgress(p: { done: number; total: number; label?: string; etaSeconds?: number } | undefined): void {
    this.running = p;
    this.render();
  }

  private render(): void {
    if (this.running) {
      const { done, total, label, etaSeconds } = this.running;
      const pct = total ? Math.floor((100 * done) / total) : 0;
      this.item.text = `$(sync~spin) ICL ${pct}%${etaSeconds !== undefined ? ` · ${formatDuration(etaSeconds)} left` : ""}`;
      this.item.tooltip = `ICL Probe: ${done}/${total} queries${label ? ` (${label})` : ""}. Click to open the results.`;
    } else {
      this.item.text = `$(beaker) ${this.model}`;
      this.item.tooltip = `ICL Probe model: ${this.model}. Click to open the results.`;
    }
  }

  dispose(): void {
    this.item.dispose();
  }
}
