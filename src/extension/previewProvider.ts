// Read-only virtual documents (scheme "icl-probe-preview") showing the exact prompt a variant
// builds for a seed and k, and its mapping table. Content comes from previewText.ts; the model
// is never run. The document follows edits of the demo file (onDidChange).
import * as vscode from "vscode";
import { basename } from "node:path";
import { buildPreview } from "./previewText";
import { readsLexicon, type VariantContext } from "../core/variants";

export const PREVIEW_SCHEME = "icl-probe-preview";

export interface PreviewParams {
  file: vscode.Uri;
  variant: string;
  seed?: number;
  k?: number;
}

export function previewUri(p: PreviewParams): vscode.Uri {
  const q = new URLSearchParams({ file: p.file.toString(), variant: p.variant });
  if (p.seed !== undefined) q.set("seed", String(p.seed));
  if (p.k !== undefined) q.set("k", String(p.k));
  const name = `${basename(p.file.path)} · ${p.variant}${p.seed !== undefined ? ` seed ${p.seed}` : ""}${p.k !== undefined ? ` k ${p.k}` : ""}.txt`;
  return vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: "/" + name, query: q.toString() });
}

export function parsePreviewUri(uri: vscode.Uri): PreviewParams | undefined {
  const q = new URLSearchParams(uri.query);
  const file = q.get("file");
  const variant = q.get("variant");
  if (!file || !variant) return undefined;
  const num = (s: string | null) => (s !== null && /^\d+$/.test(s) ? Number(s) : undefined);
  return { file: vscode.Uri.parse(file), variant, seed: num(q.get("seed")), k: num(q.get("k")) };
}

export class PreviewProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly subs: vscode.Disposable[] = [];
  private lexicon: VariantContext["lexicon"] | null = null;

  constructor(private readonly overrides: () => Parameters<typeof buildPreview>[0]["overrides"]) {
    this.subs.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        for (const d of vscode.workspace.textDocuments) {
          if (d.uri.scheme !== PREVIEW_SCHEME) continue;
          if (parsePreviewUri(d.uri)?.file.toString() === e.document.uri.toString()) this.emitter.fire(d.uri);
        }
      }),
    );
  }

  /** WordNet relations for natural-g variants, loaded on the first preview that needs them. */
  private loadLexicon(variant: string): VariantContext["lexicon"] {
    if (this.lexicon !== null) return this.lexicon;
    if (!readsLexicon(variant)) return undefined;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { tryLoadLexicon } = require("../node/lexicon") as typeof import("../node/lexicon");
      this.lexicon = tryLoadLexicon();
    } catch {
      this.lexicon = undefined;
    }
    return this.lexicon;
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const p = parsePreviewUri(uri);
    if (!p) return "Malformed ICL Probe preview address: it needs ?file=...&variant=...\n";
    let text: string;
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === p.file.toString());
    if (open) text = open.getText();
    else {
      try {
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(p.file));
      } catch (e) {
        return `Cannot read ${p.file.fsPath}: ${(e as Error).message}\n`;
      }
    }
    return buildPreview({ text, path: p.file.fsPath, variant: p.variant, seed: p.seed, k: p.k, overrides: this.overrides(), lexicon: this.loadLexicon(p.variant) });
  }

  dispose(): void {
    this.emitter.dispose();
    for (const s of this.subs) s.dispose();
  }
}
