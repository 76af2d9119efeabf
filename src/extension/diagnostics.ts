// Problems of demo files as diagnostics, updated as you type (debounced), and quick fixes for
// problems whose fix is machine-applicable (Problem.fix from the parser, e.g. an unknown label
// close to a declared one).
import * as vscode from "vscode";
import { parseDemoFile } from "../core/demoFile";
import type { DemoFile, Problem, ProbeSettings } from "../core/types";
import { fixEdit } from "./problemFix";

export const DEMO_SELECTOR: vscode.DocumentSelector = [{ language: "icl-jsonl" }, { pattern: "**/*.icl.{csv,tsv}" }];

export function isDemoDocument(doc: vscode.TextDocument): boolean {
  return doc.languageId === "icl-jsonl" || /\.icl\.(jsonl|csv|tsv)$/i.test(doc.fileName);
}

const SEVERITY: Record<Problem["severity"], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** Parsed demo files by URI, shared with the code-lens provider (parse once per version). */
export class DemoFileCache {
  private readonly cache = new Map<string, { version: number; file: DemoFile }>();
  constructor(private readonly overrides: () => Partial<ProbeSettings>) {}
  get(doc: vscode.TextDocument): DemoFile {
    const key = doc.uri.toString();
    const hit = this.cache.get(key);
    if (hit && hit.version === doc.version) return hit.file;
    const file = parseDemoFile(doc.getText(), doc.uri.fsPath, this.overrides());
    this.cache.set(key, { version: doc.version, file });
    return file;
  }
  forget(doc: vscode.TextDocument): void {
    this.cache.delete(doc.uri.toString());
  }
  clear(): void {
    this.cache.clear();
  }
}

function toDiagnostic(doc: vscode.TextDocument, p: Problem): vscode.Diagnostic {
  const line = Math.min(Math.max(0, p.line - 1), Math.max(0, doc.lineCount - 1));
  const text = doc.lineAt(line).text;
  const col = Math.min(Math.max(0, p.column - 1), text.length);
  const endLine = p.endLine !== undefined ? Math.min(Math.max(line, p.endLine - 1), doc.lineCount - 1) : line;
  let endCol = p.endColumn !== undefined ? p.endColumn - 1 : text.length;
  if (endLine === line && endCol <= col) endCol = Math.max(col + 1, text.length);
  const range = new vscode.Range(line, col, endLine, Math.min(endCol, doc.lineAt(endLine).text.length));
  const d = new vscode.Diagnostic(range, p.hint ? `${p.message} ${p.hint}` : p.message, SEVERITY[p.severity]);
  d.source = "ICL Probe";
  d.code = p.code;
  return d;
}

export class DemoDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection("icl-probe");
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly subs: vscode.Disposable[] = [];
  /** Problems by document, for the quick-fix provider. */
  readonly problems = new Map<string, Problem[]>();

  constructor(
    private readonly files: DemoFileCache,
    private readonly delayMs = 300,
  ) {
    this.subs.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.update(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.collection.delete(d.uri);
        this.problems.delete(d.uri.toString());
        this.files.forget(d);
      }),
    );
    for (const d of vscode.workspace.textDocuments) this.update(d);
  }

  private schedule(doc: vscode.TextDocument): void {
    if (!isDemoDocument(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => this.update(doc), this.delayMs),
    );
  }

  update(doc: vscode.TextDocument): void {
    if (!isDemoDocument(doc) || doc.isClosed) return;
    const file = this.files.get(doc);
    this.problems.set(doc.uri.toString(), file.problems);
    this.collection.set(
      doc.uri,
      file.problems.map((p) => toDiagnostic(doc, p)),
    );
  }

  refreshAll(): void {
    this.files.clear();
    for (const d of vscode.workspace.textDocuments) this.update(d);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const s of this.subs) s.dispose();
    this.collection.dispose();
  }
}

/** Quick fixes from Problem.fix: replace the given span with the suggested text. */
export class DemoQuickFixes implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];
  constructor(private readonly diags: DemoDiagnostics) {}

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection): vscode.CodeAction[] {
    const problems = this.diags.problems.get(doc.uri.toString()) ?? [];
    const actions: vscode.CodeAction[] = [];
    const diagnostics = this.diags.collection.get(doc.uri) ?? [];
    for (const p of problems) {
      const e = fixEdit(p);
      if (!e) continue;
      const line = e.line;
      // Offer the fix when the cursor is on the problem's line or on the fix's line.
      const onProblem = p.line - 1 >= range.start.line && p.line - 1 <= range.end.line;
      if (!onProblem && (line < range.start.line || line > range.end.line)) continue;
      if (line >= doc.lineCount) continue;
      const fixRange = new vscode.Range(line, e.start, line, e.end);
      const a = new vscode.CodeAction(e.title, vscode.CodeActionKind.QuickFix);
      a.edit = new vscode.WorkspaceEdit();
      a.edit.replace(doc.uri, fixRange, e.text);
      a.diagnostics = diagnostics.filter((d) => d.code === p.code && d.range.start.line === p.line - 1);
      a.isPreferred = true;
      actions.push(a);
    }
    return actions;
  }
}
