// One status-bar item: the current model when idle, the running probe's progress while a probe
// runs; click opens the results panel.
import * as vscode from "vscode";

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("iclProbe.status", vscode.StatusBarAlignment.Left, 20);
  private model = "default model";
  private running?: { done: number; total: number; label?: string; etaMs?: number };

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

  setProgress(p: { done: number; total: number; label?: string; etaMs?: number } | undefined): void {
    this.running = p;
    this.render();
  }

  private render(): void {
    if (this.running) {
      const { done, total, label, etaMs } = this.running;
      const pct = total ? Math.floor((100 * done) / total) : 0;
      this.item.text = `$(sync~spin) ICL ${pct}%${etaMs !== undefined ? ` · ${formatEta(etaMs)}` : ""}`;
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

export function formatEta(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s left`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s left`;
  return `${Math.floor(m / 60)}h ${m % 60}m left`;
}
