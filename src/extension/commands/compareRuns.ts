// ICL Probe: Compare Runs... — the explicit way to put another run beside the one the results
// panel shows (up to four, each under its distinct name: file · start time to the second).
import * as vscode from "vscode";
import type { CommandModule } from "../services";

export const compareRuns: CommandModule = (s) =>
  vscode.commands.registerCommand("iclProbe.compareRuns", async (runArg?: unknown, otherArg?: unknown) => {
    const base = typeof runArg === "string" && s.store.get(runArg) ? runArg : s.panel.visibleRunIds[0];
    const names = s.store.names();
    const candidates = s.store.all().filter((r) => !s.panel.visibleRunIds.includes(r.runId) && r.runId !== base);
    if (candidates.length === 0) return void vscode.window.showInformationMessage("There is no other run to compare with: run a probe again (or on another file) first.");
    const other =
      typeof otherArg === "string" && candidates.some((c) => c.runId === otherArg)
        ? otherArg
        : (
            await vscode.window.showQuickPick(
              candidates.map((r) => ({ label: names.get(r.runId) ?? r.runId, description: `${r.results.records.length} queries${r.live ? " · running" : ""}`, runId: r.runId })),
              { title: `Compare ${base ? (names.get(base) ?? base) : "the shown run"} with which run?` },
            )
          )?.runId;
    if (!other) return;
    if (base && !s.panel.visibleRunIds.includes(base)) s.panel.show(base);
    s.panel.show(other, { compare: true });
  });
