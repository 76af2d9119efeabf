// ICL Probe: Preview a Variant... — opens the read-only prompt preview beside the editor.
import * as vscode from "vscode";
import { VARIANTS } from "../../core/variants";
import { previewUri } from "../previewProvider";
import type { CommandModule } from "../services";

export const previewVariant: CommandModule = (s) =>
  vscode.commands.registerCommand("iclProbe.previewVariant", async (arg?: unknown, variantArg?: unknown, seed?: unknown, k?: unknown) => {
    const uri = await s.demoUri(arg);
    if (!uri) return;
    let variant = typeof variantArg === "string" ? variantArg : undefined;
    if (!variant) {
      const pick = await vscode.window.showQuickPick(
        VARIANTS.map((v) => ({ label: v.id, description: v.title, detail: v.description })),
        { title: "ICL Probe: preview which variant?", matchOnDetail: true },
      );
      variant = pick?.label;
    }
    if (!variant) return;
    const u = previewUri({ file: uri, variant, seed: typeof seed === "number" ? seed : undefined, k: typeof k === "number" ? k : undefined });
    const doc = await vscode.workspace.openTextDocument(u);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: false });
  });
