// ICL Probe: Choose Variant Shown in Code Lens... — which variant's predictions the per-query
// lenses show for this file.
import * as vscode from "vscode";
import type { CommandModule } from "../services";

export const chooseLensVariant: CommandModule = (s) =>
  vscode.commands.registerCommand("iclProbe.chooseLensVariant", async (arg?: unknown, variantArg?: unknown) => {
    const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
    if (!uri) return;
    const run = s.store.latestFor(uri.fsPath);
    if (!run) return void vscode.window.showInformationMessage("No results for this file yet: run a probe first.");
    const variants = [...new Set(run.results.records.map((r) => r.variant))];
    const variant = typeof variantArg === "string" && variants.includes(variantArg) ? variantArg : (await vscode.window.showQuickPick(variants, { title: "Show predictions of which variant?" }));
    if (variant) s.lens.choose(uri.fsPath, variant);
  });
