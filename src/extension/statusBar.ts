// One status-bar item: the current model when idle, the running probe's progress while a probe
// runs (it follows the ProbeState like every other view); click opens the results panel.
import * as vscode from "vscode";
import { formatDuration } from "../core/format";
import { IDLE, progressLine, type ProbeStatus } from "../shared/probeStatus";

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("iclProbe.status", vscode.StatusBarAlignment.Left, 20);
  private model = "default model";
  private probe: ProbeStatus = IDLE;

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

  setProbe(p: ProbeStatus): void {
    this.probe = p;
    this.render();
  }

  private render(): void {
    const p = this.probe;
    this.item.tooltip = p.phase === "idle" ? `ICL Probe model: ${this.model}. Click to open the results.` : `ICL Probe: ${progressLine(p)}. Click to open the results.`;
    switch (p.phase) {
      case "idle":
        this.item.text = `$(beaker) ${this.model}`;
        break;
      case "preparing":
        this.item.text = `$(sync~spin) ICL ${p.step ?? "preparing"}…`;
        break;
      case "cancelling":
        // No percentage and no ETA once a cancel was asked.
        this.item.text = "$(sync~spin) ICL cancelling…";
        break;
      case "running": {
        const pct = p.total ? Math.floor((100 * p.done) / p.total) : 0;
        this.item.text = `$(sync~spin) ICL ${pct}%${p.etaSeconds !== undefined ? ` · ${formatDuration(p.etaSeconds)} left` : ""}`;
        break;
      }
    }
  }

  dispose(): void {
    this.item.dispose();
  }
}
