// What the Hypotheses view's buttons do in the extension host: save a figure (SVG rendered here
// from the run's own analysis; PNG as the webview rasterised it) and run a figure's missing
// variants into the same run (the runner keeps its records and scores only the new cells).
import * as vscode from "vscode";
import { dirname, join } from "node:path";
import type { FigureId } from "../core/figures/types";
import type { RunManifest } from "../core/results/schema";
import { extendSettings } from "../core/study";
import { figureFileName } from "../shared/figureSvg";
import { paperFigureSvg } from "../report/figures";
import type { ResultsStore } from "./resultsStore";
import type { ProbeRequest } from "./probeController";
import { showError } from "./log";

function figureOf(store: ResultsStore, runId: string, id: FigureId) {
  return store.analysis(runId)?.figures.find((f) => f.id === id);
}

export async function exportFigure(store: ResultsStore, fallbackDir: string, m: { runId: string; figure: FigureId; format: "svg" | "png"; data?: string }): Promise<void> {
  const f = figureOf(store, m.runId, m.figure);
  if (!f) return;
  const e = store.get(m.runId);
  const base = e?.path ? dirname(e.path) : fallbackDir;
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(join(base, `${figureFileName(f)}.${m.format}`)),
    filters: m.format === "svg" ? { "SVG image": ["svg"] } : { "PNG image": ["png"] },
  });
  if (!target) return;
  try {
    const bytes = m.format === "svg" ? new TextEncoder().encode(paperFigureSvg(f) + "\n") : Buffer.from(m.data ?? "", "base64");
    await vscode.workspace.fs.writeFile(target, bytes);
    void vscode.window.showInformationMessage(`Saved figure ${f.number} to ${target.fsPath}.`);
  } catch (err) {
    await showError(`ICL Probe: cannot save figure ${f.number}`, err);
  }
}

/** The request that adds a figure's missing variants to its run, or a sentence saying why not. */
export function runFigureRequest(store: ResultsStore, runId: string, id: FigureId): ProbeRequest | string {
  const e = store.get(runId);
  const f = figureOf(store, runId, id);
  if (!e || !f) return "That run is no longer loaded.";
  if (!f.missing) return `Figure ${f.number} has every run it needs.`;
  if (e.live) return "The run is still going; add the variants when it has finished.";
  const m = e.results.manifest as Partial<RunManifest> | undefined;
  if (!e.path || !e.demoPath || !m?.settings || !m.model?.path) return "This run's results file does not say which demo file, model and settings it used.";
  return {
    uri: vscode.Uri.file(e.demoPath),
    into: { runId, outDir: dirname(e.path), modelPath: m.model.path, settings: extendSettings(m.settings, f.missing), ...(m.study ? { study: m.study } : {}) },
  };
}
