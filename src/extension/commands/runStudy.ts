// ICL Probe: Run the Li et al. Study (and Run a Study..., which picks one): the study's whole plan
// on the demo file as one run (src/core/study), with the iclProbe.study.* settings. An unfinished
// run of the same study on the same file is offered for resuming (the runner skips what it has).
import * as vscode from "vscode";
import { dirname } from "node:path";
import { STUDIES, findStudy } from "../../core/study";
import type { RunEntry } from "../resultsStore";
import type { CommandModule, Services } from "../services";

function unfinished(s: Services, demoPath: string, studyId: string): RunEntry | undefined {
  return s.store.all().find((r) => {
    const m = r.results.manifest as { study?: { id?: string }; status?: string } | undefined;
    return !r.live && !!r.path && r.demoPath === demoPath && m?.study?.id === studyId && m.status !== "complete";
  });
}

async function start(s: Services, arg: unknown, studyId: string): Promise<void> {
  const def = findStudy(studyId);
  if (!def) return void vscode.window.showErrorMessage(`Unknown study "${studyId}" (known: ${STUDIES.map((x) => x.id).join(", ")}).`);
  const uri = await s.demoUri(arg);
  if (!uri) return;
  const study = { id: def.id, options: s.settings().study };
  const prev = unfinished(s, uri.fsPath, def.id);
  if (prev?.path) {
    const m = prev.results.manifest as { progress?: { done?: number; total?: number }; model?: { path?: string } };
    const c = await vscode.window.showInformationMessage(
      `An unfinished ${def.name} study of this file has ${m.progress?.done ?? prev.results.records.length} of ${m.progress?.total ?? "?"} queries (${prev.runId}).`,
      "Resume it",
      "Start a new run",
    );
    if (c === undefined) return;
    if (c === "Resume it") return s.controller.request({ uri, study, into: { runId: prev.runId, outDir: dirname(prev.path), ...(m.model?.path ? { modelPath: m.model.path } : {}) } });
  }
  await s.controller.request({ uri, study });
}

export const runStudy: CommandModule = (s) =>
  vscode.commands.registerCommand("iclProbe.runStudy", (arg?: unknown, studyArg?: unknown) => start(s, arg, typeof studyArg === "string" ? studyArg : "li2024"));

export const chooseStudy: CommandModule = (s) =>
  vscode.commands.registerCommand("iclProbe.chooseStudy", async (arg?: unknown) => {
    const pick = await vscode.window.showQuickPick(
      STUDIES.map((x) => ({ label: x.name, description: x.id, detail: x.question, id: x.id })),
      { title: "ICL Probe: run which study?", matchOnDetail: true },
    );
    if (pick) await start(s, arg, pick.id);
  });
