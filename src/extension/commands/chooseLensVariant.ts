// ICL Probe: Choose Variant Shown in Code Lens... — which variant and k the end-of-line results
// of this file show.
import * as vscode from "vscode";
import type { CommandModule } from "../services";

export const chooseLensVariant: CommandModule = (s) =>
  vscode.commands.registerCommand("iclProbe.chooseLensVariant", async (arg?: unknown, variantArg?: unknown, kArg?: unknown) => {
    const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
    if (!uri) return;
    const run = s.store.latestFor(uri.fsPath);
    if (!run) return void vscode.window.showInformationMessage("No results for this file yet: run a probe first.");
    const cells = new Map<string, { variant: string; k: number; n: number }>();
    for (const r of run.results.records) {
      const key = `${r.variant}\u0000${r.k}`;
      const c = cells.get(key) ?? { variant: r.variant, k: r.k, n: 0 };
      c.n++;
      cells.set(key, c);
    }
    if (typeof variantArg === "string") {
      const k = typeof kArg === "number" ? kArg : undefined;
      if ([...cells.values()].some((c) => c.variant === variantArg && (k === undefined || c.k === k))) s.lens.choose(uri.fsPath, variantArg, k);
      return;
    }
    const pick = await vscode.window.showQuickPick(
      [...cells.values()].map((c) => ({ label: `${c.variant}, k=${c.k}`, description: `${c.n} queries`, cell: c })),
      { title: "Show which variant and k on the query lines?" },
    );
    if (pick) s.lens.choose(uri.fsPath, pick.cell.variant, pick.cell.k);
  });
