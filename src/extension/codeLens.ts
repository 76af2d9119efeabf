// Code lenses on demo files: Run probe (Cancel probe while one runs, as the ProbeState says) /
// Preview tau_RA / Preview tau_PA / current model above the header, and after a run which
// variant, k and run the end-of-line results show (lineDecorations.ts). Lenses are recomputed from
// the parsed file on every edit, so they move with the text.
import * as vscode from "vscode";
import { DemoFileCache } from "./diagnostics";
import { lensSpecs } from "./lensModel";
import type { ResultsStore } from "./resultsStore";
import type { ProbeState } from "./probeState";
import type { ProbeStatus } from "../shared/probeStatus";
import type { LensPhase } from "./lensModel";

function lensPhase(s: ProbeStatus): LensPhase {
  return s.phase === "idle" ? "idle" : s.phase === "cancelling" ? "cancelling" : "running";
}
import { resolveLineView } from "./lineDecorations";

export class LensState {
  /** Variant and k shown per demo file path (falls back to gold / the first variant at its largest k). */
  private readonly chosen = new Map<string, { variant: string; k?: number }>();
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  choose(path: string, variant: string, k?: number): void {
    this.chosen.set(path, { variant, k });
    this.emitter.fire();
  }
  variantFor(path: string, available: readonly string[]): string | undefined {
    const c = this.chosen.get(path)?.variant;
    if (c && available.includes(c)) return c;
    return available.includes("gold") ? "gold" : available[0];
  }
  /** The k chosen for the file when it is still the chosen variant's. */
  kFor(path: string, variant: string): number | undefined {
    const c = this.chosen.get(path);
    return c && c.variant === variant ? c.k : undefined;
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
  private readonly subs: { dispose(): void }[];

  constructor(
    private readonly files: DemoFileCache,
    private readonly store: ResultsStore,
    private readonly lens: LensState,
    private readonly modelName: () => string,
    private readonly state: ProbeState,
  ) {
    this.subs = [
      store.onDidChange(() => this.emitter.fire()),
      lens.onDidChange(() => this.emitter.fire()),
      // Run probe / Cancel probe / Cancelling flips the moment the probe state does (also after a failure).
      state.onDidChange((now, before) => {
        if (lensPhase(now) !== lensPhase(before)) this.emitter.fire();
      }),
    ];
  }

  refresh(): void {
    this.emitter.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const file = this.files.get(doc);
    const v = resolveLineView(this.store, this.lens, doc, file);
    const results = v && !v.stale ? { variant: v.variant, k: v.k, run: v.name, note: v.note } : undefined;
    return lensSpecs(file, this.modelName(), results, lensPhase(this.state.current)).map((s) => {
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
