// Side panel webview: model status, run history (saved results in the workspace), a compact
// accuracy-vs-k chart of the selected run, and buttons to rerun, open the panel or the report.
import type { ExtensionToSidebar, ModelStatus, ProgressInfo } from "../../src/shared/webviewProtocol.js";
import type { RunSummary } from "../../src/shared/viewModel.js";
import type { SidebarChart } from "../../src/shared/webviewProtocol.js";
import { send } from "../shared/api.js";
import { el, button, pct, badge, progressRing } from "../shared/components.js";
import { dropChart, watchTheme } from "../shared/charts.js";
import { drawAccuracy } from "../shared/accuracyChart.js";

const state = {
  runs: [] as RunSummary[],
  selected: undefined as string | undefined,
  chart: undefined as SidebarChart | undefined,
  model: { name: "default model", state: "idle" } as ModelStatus,
  progress: undefined as ProgressInfo | undefined,
};
const app = document.getElementById("app")!;

function render(): void {
  dropChart("sidebarAccuracy");
  app.replaceChildren();
  const m = state.model;
  app.append(
    el(
      "section",
      { class: "model", testid: "model-status", "data-state": m.state },
      el("div", { class: "row" }, el("span", { class: `dot state-${m.state}` }), el("strong", { testid: "model-name", title: m.path ?? "" }, m.name), " ", el("span", { class: "icl-muted" }, m.state)),
      m.detail ? el("p", { class: "icl-muted small" }, m.detail) : undefined,
      el("div", { class: "row" }, button("Select model", "select-model", () => send({ type: "action", action: "selectModel" }), { secondary: true }), button("Run probe", "sidebar-run", () => send({ type: "action", action: "runProbe" }))),
    ),
  );
  if (state.progress) {
    const p = state.progress;
    app.append(el("section", { class: "progress", testid: "sidebar-progress" }, progressRing(), ` ${p.done}/${p.total}${p.label ? ` · ${p.label}` : ""}`, button("Cancel", "sidebar-cancel", () => send({ type: "action", action: "cancel" }), { secondary: true })));
  }
  const hist = el("section", { class: "history", testid: "run-history" }, el("h3", {}, "Runs"));
  if (state.runs.length === 0) hist.append(el("p", { class: "icl-muted", testid: "no-runs" }, "No saved runs in this workspace yet."));
  const list = el("ul", { class: "run-list" });
  for (const r of state.runs) {
    const best = r.best.slice(0, 3).map((b) => `${b.variant} ${pct(b.acc)}`).join(" · ");
    const li = el(
      "li",
      { class: r.runId === state.selected ? "selected" : undefined, testid: "run-item", "data-run-id": r.runId, tabindex: 0, role: "button", "aria-pressed": r.runId === state.selected ? "true" : "false" },
      el("div", { class: "run-name" }, r.file, r.complete ? undefined : badge("partial"), r.warnings ? el("span", { class: "warn-badge", testid: "run-warnings", title: `${r.warnings} queries carry warnings (see the results panel)` }, `⚠ ${r.warnings}`) : undefined),
      el("div", { class: "icl-muted small" }, `${r.model} · ${r.records} records${r.startedAt ? ` · ${r.startedAt.replace("T", " ").slice(0, 16)}` : ""}`),
      best ? el("div", { class: "small" }, best) : undefined,
    );
    const pick = () => send({ type: "selectRun", runId: r.runId });
    li.addEventListener("click", pick);
    li.addEventListener("keydown", (e) => {
      if ((e as KeyboardEvent).key === "Enter") pick();
    });
    list.append(li);
  }
  hist.append(list);
  app.append(hist);
  if (state.chart && state.selected) {
    const sel = state.selected;
    const wrap = el("div", { class: "chart chart-compact" });
    const canvas = el("canvas", { testid: "sidebar-accuracy-chart", role: "img", "aria-label": "Accuracy versus k of the selected run" }) as HTMLCanvasElement;
    wrap.append(canvas);
    app.append(
      el("section", { class: "selected-run", testid: "selected-run", "data-run-id": sel }, el("h3", {}, "Accuracy vs k"), wrap),
      el(
        "div",
        { class: "row buttons" },
        button("Rerun", "sidebar-rerun", () => send({ type: "action", action: "rerun", runId: sel }), { secondary: true }),
        button("Open panel", "sidebar-open-panel", () => send({ type: "action", action: "openPanel", runId: sel })),
        button("Report", "sidebar-open-report", () => send({ type: "action", action: "openReport", runId: sel }), { secondary: true }),
      ),
    );
    const c = state.chart;
    queueMicrotask(() => drawAccuracy("sidebarAccuracy", canvas, c.series, c.ks, c.baselines, { compact: true }));
  }
}

window.addEventListener("message", (ev: MessageEvent<ExtensionToSidebar>) => {
  const m = ev.data;
  if (m.type === "history") {
    state.runs = m.runs;
    state.selected = m.selected;
    state.chart = m.chart;
  } else if (m.type === "model") state.model = m.model;
  else if (m.type === "progress") state.progress = m.progress;
  render();
});

watchTheme();
render();
send({ type: "ready", view: "sidebar" });
