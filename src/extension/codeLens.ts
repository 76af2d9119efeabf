// Code lenses on demo files: Run probe / Preview tau_RA / Preview tau_PA / current model above
// the header, and after a run the prediction for each query example of the chosen variant.
// Lenses are recomputed from the parsed file on every edit, so they move with the text, and the
// per-query ones vanish when the text no longer matches the file the run used (sha256).
import * as vscode from "vscode";
import { createHash } from "node:crypto";
import { DemoFileCache } from "./diagnostics";
import { lensSpecs } from "./lensModel";
import type { ResultsStore } from "./resultsStore";

export class LensState {
  /** Variant shown per demo file path (falls back to gold / the first variant). */
  private readonly chosen = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  choose(path: string, variant: string): void {
    this.chosen.set(path, variant);
    this.emitter.fire();
  }
  variantFor(path: string, available: readonly string[]): string | undefined {
    const c = this.chosen.get(path);
    if (c && available.includes(c)) return c;
    return available.includes("gold") ? "gold" : available[0];
  }
  refresh(): void {
    this.emitter.fire();
  }
  dispose(): void {
    this.emitter.dispose();
  }
}

export class DemoCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly files: DemoFileCache,
    private readonly store: ResultsStore,
    private readonly lens: LensState,
    private readonly modelName: () => string,
    private readonly isRunning: () => boolean,
  ) {
    this.subs = [store.onDidChange(() => this.emitter.fire()), lens.onDidChange(() => this.emitter.fire())];
  }

  refresh(): void {
    this.emitter.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const file = this.files.get(doc);
    const run = this.store.latestFor(doc.uri.fsPath);
    let lensRun;
    if (run) {
      const variants = [...new Set(run.results.records.map((r) => r.variant))];
      const variant = this.lens.variantFor(doc.uri.fsPath, variants);
      const sha = (run.results.manifest as { demoFile?: { sha256?: string } } | undefined)?.demoFile?.sha256;
      const stale = !!sha && createHash("sha256").update(doc.getText()).digest("hex") !== sha;
      if (variant) lensRun = { records: run.results.records, variant, stale };
    }
    return lensSpecs(file, this.modelName(), lensRun, this.isRunning()).map((s) => {
      const range = new vscode.Range(s.line, 0, s.line, 0);
      const args = s.args ? s.args.map((a) => (a === undefined ? doc.uri : a)) : [doc.uri];
      return new vscode.CodeLens(range, { title: s.title, command: s.command, arguments: args, tooltip: s.tooltip });
    });
  }

  dispose(): void {
    this.emitter.dispose();
    for (const s of this.subs) s.dispose();
  }
}
