// A run's header in the results panel: its distinct name (file · start time), the model, how it
// stands (one badge: running, cancelled, failed), one progress line while it runs (the count of
// the ProbeState, said as every view says it), the toy-model notice, and its actions.
import type { RunView } from "../../src/shared/viewModel.js";
import { isBusy, progressLine, type ProbeStatus } from "../../src/shared/probeStatus.js";
import { toySentence } from "../../src/shared/toyModels.js";
import { send } from "../shared/api.js";
import { badge, button, el, progressRing } from "../shared/components.js";
import { warningsBadge } from "./warnings.js";

const STATUS_TEXT: Record<string, string> = { running: "running", interrupted: "cancelled", failed: "failed" };

export function runHeader(run: RunView, probe: ProbeStatus, comparing: boolean): HTMLElement[] {
  const live = isBusy(probe) && probe.runId === run.runId;
  const status = live ? "running" : (run.status ?? (run.complete ? "complete" : "interrupted"));
  const head = el(
    "header",
    { class: "run-head" },
    el("h2", { testid: "run-title", title: run.title }, run.name ?? run.file),
    // While the run is written the progress line is its only count.
    el("span", { class: "icl-muted", testid: "run-model" }, live ? run.model : `${run.model} · ${run.records} queries`),
    STATUS_TEXT[status] ? badge(STATUS_TEXT[status], "run-status") : undefined,
    warningsBadge(run),
    el(
      "div",
      { class: "run-actions", role: "toolbar", "aria-label": `Actions for ${run.name ?? run.file}` },
      comparing ? button("✕", "close-run", () => send({ type: "closeRun", runId: run.runId }), { icon: true, title: `Remove ${run.name ?? run.file} from the comparison` }) : undefined,
      button("Rerun", "rerun", () => send({ type: "action", action: "rerun", runId: run.runId }), { secondary: true }),
      button("Compare with…", "compare", () => send({ type: "action", action: "compare", runId: run.runId }), { secondary: true, title: "Show another run beside this one" }),
      button("Report", "open-report", () => send({ type: "action", action: "openReport", runId: run.runId }), { secondary: true }),
      button("Export", "export", () => send({ type: "action", action: "export", runId: run.runId }), { secondary: true }),
    ),
  );
  const out: HTMLElement[] = [head];
  if (live) out.push(el("div", { class: "progress", testid: "progress", role: "status", "aria-live": "polite" }, progressRing(), el("span", { testid: "progress-text" }, progressLine(probe))));
  else if (status === "interrupted" || status === "failed")
    out.push(
      el(
        "p",
        { class: "icl-muted small", testid: "run-partial-note" },
        `This run was ${status === "failed" ? "stopped by an error" : "cancelled"}: the figures use the ${run.records} queries scored before it stopped.`,
      ),
    );
  if (run.toy) out.push(toyBox(run.toy));
  return out;
}

/** The notice on runs of an embedded toy model, with one click to a real model or to its example. */
export function toyBox(t: NonNullable<RunView["toy"]>): HTMLElement {
  return el(
    "div",
    { class: "toy-notice", testid: "toy-notice", role: "note", "data-model": t.model },
    el("p", {}, el("strong", {}, "Toy model. "), toySentence(t)),
    el(
      "div",
      { class: "row" },
      button("Pick a real model…", "toy-pick-model", () => send({ type: "action", action: "selectModel" })),
      t.onItsExample ? undefined : button(`Open ${t.example}`, "toy-open-example", () => send({ type: "action", action: "openExample" }), { secondary: true }),
    ),
  );
}
