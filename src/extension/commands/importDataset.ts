// ICL Probe: Import Dataset... — reads a data set in any shape the parser recognises (JSON Lines,
// JSON array, CSV/TSV with or without a header row, LABEL:text lines, UTF-16), asks for what it
// cannot infer (input column(s), label column, names for numeric labels) with quick picks, and
// writes a ready <name>.icl.jsonl with a header line next to it, then opens it. The probe
// controller offers this command when a file's columns are not recognised.
import * as vscode from "vscode";
import { basename, dirname, join } from "node:path";
import { needsColumnMapping, parseDemoBytes, parseLabelMapText, toIclJsonl } from "../../core/demoFile";
import type { DemoFile, ProbeSettings } from "../../core/types";
import { showError } from "../log";
import type { CommandModule } from "../services";

/** The extensions the explorer's Import Dataset entry is offered on (package.json menus). */
const IMPORTABLE = /\.(jsonl|json|csv|tsv|tab|txt|label|ndjson)$/i;

async function askColumns(file: DemoFile): Promise<ProbeSettings["columns"] | undefined> {
  const fields = file.fields ?? [];
  if (fields.length === 0) return undefined;
  const headerless = fields.every((f, i) => f === String(i + 1));
  const items = fields.map((f) => ({ label: headerless ? `column ${f}` : f, field: f }));
  const inputs = await vscode.window.showQuickPick(items, {
    title: `Import ${basename(file.path)}: which column(s) hold the input?`,
    placeHolder: "Pick one, or several to join (title + description)",
    canPickMany: true,
    ignoreFocusOut: true,
  });
  const [only, ...more] = inputs ?? [];
  if (!inputs || !only) return undefined;
  let input: string | number = more.length === 0 ? (headerless ? Number(only.field) : only.field) : inputs.map((i) => `{${i.field}}`).join(". ");
  if (inputs.length > 1) {
    const t = await vscode.window.showInputBox({
      title: "How are the columns joined?",
      value: String(input),
      prompt: "A template: {column} is replaced by the column's text",
      ignoreFocusOut: true,
      validateInput: (v) => (/\{[^{}]+\}/.test(v) ? undefined : "Name at least one column in braces, e.g. {2}. {3}"),
    });
    if (t === undefined) return undefined;
    input = t;
  }
  const picked = new Set(inputs.map((i) => i.field));
  const label = await vscode.window.showQuickPick(
    items.filter((i) => !picked.has(i.field)),
    { title: `Import ${basename(file.path)}: which column holds the label?`, ignoreFocusOut: true },
  );
  if (!label) return undefined;
  return { input, label: headerless ? Number(label.field) : label.field };
}

export const importDataset: CommandModule = () =>
  vscode.commands.registerCommand("iclProbe.importDataset", async (arg?: unknown) => {
    // From the palette with a data file open, that file is what the user means; otherwise ask.
    const active = vscode.window.activeTextEditor?.document.uri;
    const source =
      arg instanceof vscode.Uri
        ? arg
        : active?.scheme === "file" && IMPORTABLE.test(active.fsPath) && !/\.icl\.jsonl$/i.test(active.fsPath)
          ? active
          : (
              await vscode.window.showOpenDialog({
                title: "ICL Probe: import a data set",
                canSelectMany: false,
                filters: { "Data sets": ["jsonl", "json", "csv", "tsv", "tab", "txt", "label", "ndjson"], "All files": ["*"] },
              })
            )?.[0];
    if (!source) return;
    try {
      const bytes = await vscode.workspace.fs.readFile(source);
      const overrides: Partial<ProbeSettings> = {};
      let file = parseDemoBytes(bytes, source.fsPath, overrides);
      if (needsColumnMapping(file)) {
        const columns = await askColumns(file);
        if (!columns) return;
        overrides.columns = columns;
        file = parseDemoBytes(bytes, source.fsPath, overrides);
      }
      if (!file.settings.labelMap && file.problems.some((p) => p.code === "numeric-labels")) {
        const sorted = [...file.classes].sort((a, b) => Number(a) - Number(b));
        const text = await vscode.window.showInputBox({
          title: `The labels are class numbers (${sorted.slice(0, 6).join(", ")}): name them?`,
          prompt: "raw=class pairs, comma-separated (Escape keeps the numbers)",
          value: sorted.map((c) => `${c}=`).join(","),
          ignoreFocusOut: true,
          validateInput: (v) => {
            const m = parseLabelMapText(v);
            return typeof m === "string" ? m : undefined;
          },
        });
        const map = text === undefined ? undefined : parseLabelMapText(text);
        if (map && typeof map !== "string") {
          overrides.labelMap = map;
          file = parseDemoBytes(bytes, source.fsPath, overrides);
        }
      }
      // k is a probe setting: the default k values that do not fit are left out, as the CLI does.
      const errors = file.problems.filter((p) => p.severity === "error" && !(p.code === "k-too-large" && !file.header.k));
      const [first] = errors;
      if (first) {
        void vscode.window.showErrorMessage(`Cannot import ${basename(source.fsPath)}: line ${first.line}: ${first.message} ${first.hint}`);
        return;
      }
      const fitting = file.settings.k.filter((k) => k <= file.examples.length - 1);
      const name = basename(source.fsPath).replace(/\.(icl\.jsonl|jsonl|ndjson|json|csv|tsv|tab|txt|label)$/i, "") || "data";
      const target = vscode.Uri.file(join(dirname(source.fsPath), `${name}.icl.jsonl`));
      const exists = await vscode.workspace.fs.stat(target).then(
        () => true,
        () => false,
      );
      if (exists && target.fsPath !== source.fsPath) {
        const c = await vscode.window.showWarningMessage(`${basename(target.fsPath)} exists. Replace it?`, { modal: true }, "Replace");
        if (c !== "Replace") return;
      } else if (target.fsPath === source.fsPath) {
        void vscode.window.showErrorMessage(`${basename(source.fsPath)} is already a demonstration file.`);
        return;
      }
      const text = toIclJsonl(file, { source: basename(source.fsPath), ...(fitting.length < file.settings.k.length ? { k: fitting.length ? fitting : [0] } : {}) });
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
      const doc = await vscode.workspace.openTextDocument(target);
      await vscode.window.showTextDocument(doc);
      void vscode.window.showInformationMessage(`Imported ${file.examples.length} examples, ${file.classes.length} classes (${file.shape}) into ${basename(target.fsPath)}.`);
    } catch (e) {
      await showError("ICL Probe: import failed", e);
    }
  });
