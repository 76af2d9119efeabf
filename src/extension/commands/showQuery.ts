// ICL Probe: Show Query Result at Cursor — and the command behind the links in the end-of-line
// results' hovers: opens the results panel on that run with the query selected (its variant and
// k, the grid page holding it, its per-label scores and prompt in view).
import * as vscode from "vscode";
import type { CommandModule } from "../services";
import { defined } from "../../core/defined";

export const showQuery: CommandModule = (s) =>
  vscode.Disposable.from(
    vscode.commands.registerCommand("iclProbe.showQuery", (runId?: unknown, key?: unknown) => {
      if (typeof runId !== "string" || typeof key !== "number" || !s.store.get(runId)) return;
      s.panel.reveal(runId, key);
    }),
    vscode.commands.registerCommand("iclProbe.showQueryAtCursor", () => {
      const ed = vscode.window.activeTextEditor;
      const hit = ed && s.lines.at(ed);
      if (!hit) return void vscode.window.showInformationMessage("No probe result on this line: put the cursor on a query line of a demo file that was probed.");
      s.panel.reveal(hit.view.runId, defined(hit.line.seeds[0], "the first seed of a marked line").key);
    }),
  );
