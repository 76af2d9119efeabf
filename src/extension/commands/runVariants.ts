// ICL Probe: Run Chosen Variants... — multi-select QuickPick of the variant catalogue.
import * as vscode from "vscode";
import { VARIANTS } from "../../core/variants";
import { parseDemoFile } from "../../core/demoFile";
import type { CommandModule } from "../services";

export const runVariants: CommandModule = (s) =>
  vscode.commands.registerCommand("iclProbe.runVariants", async (arg?: unknown) => {
    const uri = await s.demoUri(arg);
    if (!uri) return;
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    const current = new Set(parseDemoFile(text, uri.fsPath, s.settings().overrides).settings.variants);
    const items = VARIANTS.map((v) => ({
      label: v.id,
      description: v.title,
      detail: `${v.family} · ${v.description}${v.needsLexicon ? " (needs WordNet)" : ""}`,
      picked: current.has(v.id),
    }));
    const picked = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      title: "ICL Probe: variants to run",
      placeHolder: "Pick the variants (header defaults are preselected)",
      matchOnDetail: true,
    });
    if (!picked || picked.length === 0) return;
    await s.controller.request({ uri, variants: picked.map((p) => p.label) });
  });
