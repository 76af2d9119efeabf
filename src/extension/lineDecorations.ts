// End-of-line results on demo files after a run (Error Lens style): one after-text decoration per
// query line with the variant and k named and a ✓ / ✗ / ◐ that means what it says, coloured by
// the theme's test colours, and a hover listing each seed with a link that selects that query in
// the results panel. What is shown is decided in lineResults.ts; this module only draws it on the
// visible editors and redraws when the results, the chosen variant or the text change.
import * as vscode from "vscode";
import { createHash } from "node:crypto";
import type { DemoFile } from "../core/types";
import type { DemoFileCache } from "./diagnostics";
import { isDemoDocument } from "./diagnostics";
import type { LensState } from "./codeLens";
import type { ResultsStore } from "./resultsStore";
import { runStatus } from "../shared/viewModel";
import { defaultK, lineHover, lineResults, pickLineRun, type LineMark, type LineResult } from "./lineResults";

export interface LineView {
  runId: string;
  name: string;
  variant: string;
  k: number;
  partial: boolean;
  note?: string;
  /** The file's text no longer matches the text the run used: nothing is shown on the lines. */
  stale: boolean;
  lines: LineResult[];
}

/** The run, variant and k whose results the lines of `doc` show (shared by the lens and the decorations). */
export function resolveLineView(store: ResultsStore, lens: LensState, doc: vscode.TextDocument, file: DemoFile): LineView | undefined {
  const names = store.names();
  const runs = store.runsFor(doc.uri.fsPath).map((e) => ({ entry: e, runId: e.runId, live: e.live, status: runStatus(e.results, e.live), name: names.get(e.runId) ?? e.runId }));
  const pick = pickLineRun(runs);
  if (!pick) return undefined;
  const records = pick.run.entry.results.records;
  const variants = [...new Set(records.map((r) => r.variant))];
  const variant = lens.variantFor(doc.uri.fsPath, variants);
  if (!variant) return undefined;
  const chosenK = lens.kFor(doc.uri.fsPath, variant);
  const k = chosenK !== undefined && records.some((r) => r.variant === variant && r.k === chosenK) ? chosenK : defaultK(records, variant);
  if (k === undefined) return undefined;
  const sha = (pick.run.entry.results.manifest as { demoFile?: { sha256?: string } } | undefined)?.demoFile?.sha256;
  const stale = !!sha && createHash("sha256").update(doc.getText()).digest("hex") !== sha;
  return {
    runId: pick.run.runId,
    name: pick.run.name,
    variant,
    k,
    partial: pick.partial,
    note: pick.note,
    stale,
    lines: stale ? [] : lineResults(file, records, variant, k, { partial: pick.partial }),
  };
}

const COLORS: Record<LineMark, string> = { right: "testing.iconPassed", wrong: "testing.iconFailed", mixed: "editorWarning.foreground" };

export class LineDecorations implements vscode.Disposable {
  private readonly types: Record<LineMark, vscode.TextEditorDecorationType>;
  private readonly subs: { dispose(): void }[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly files: DemoFileCache,
    private readonly store: ResultsStore,
    private readonly lens: LensState,
  ) {
    const make = (mark: LineMark) =>
      vscode.window.createTextEditorDecorationType({
        after: { margin: "0 0 0 2.5em", color: new vscode.ThemeColor(COLORS[mark]), fontStyle: "italic" },
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      });
    this.types = { right: make("right"), wrong: make("wrong"), mixed: make("mixed") };
    this.subs.push(
      store.onDidChange(() => this.soon()),
      lens.onDidChange(() => this.soon()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.soon()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (isDemoDocument(e.document)) this.soon();
      }),
    );
    this.soon();
  }

  /** The line result under the cursor of `editor` (for "Show Query Result at Cursor"). */
  at(editor: vscode.TextEditor): { view: LineView; line: LineResult } | undefined {
    if (!isDemoDocument(editor.document)) return undefined;
    const view = resolveLineView(this.store, this.lens, editor.document, this.files.get(editor.document));
    const line = view?.lines.find((l) => l.line === editor.selection.active.line);
    return view && line ? { view, line } : undefined;
  }

  private soon(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.redraw(), 150);
  }

  redraw(): void {
    for (const ed of vscode.window.visibleTextEditors) {
      if (!isDemoDocument(ed.document)) continue;
      const view = resolveLineView(this.store, this.lens, ed.document, this.files.get(ed.document));
      const by: Record<LineMark, vscode.DecorationOptions[]> = { right: [], wrong: [], mixed: [] };
      for (const l of view?.lines ?? []) {
        if (l.line >= ed.document.lineCount) continue;
        const text = ed.document.lineAt(l.line);
        const hover = new vscode.MarkdownString(lineHover(l, view!.runId, view!.variant, view!.k, view!.note));
        hover.isTrusted = { enabledCommands: ["iclProbe.showQuery"] };
        by[l.mark].push({ range: text.range, hoverMessage: hover, renderOptions: { after: { contentText: l.text } } });
      }
      for (const mark of Object.keys(by) as LineMark[]) ed.setDecorations(this.types[mark], by[mark]);
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const s of this.subs) s.dispose();
    for (const t of Object.values(this.types)) t.dispose();
  }
}
