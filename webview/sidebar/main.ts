// Side panel webview: model status (where its setting lives; a notice when it is an embedded toy),
// the running probe as the one ProbeState says (one count, Cancel), the run history (distinct
// names to the second, each run's status, the best accuracy of every variant, a Remove button),
// a compact accuracy-vs-k chart of the selected run with its legend and axis titles, and buttons
// to rerun, open the panel or the report.
import type { ExtensionToSidebar, ModelStatus, SidebarChart } from "../../src/shared/webviewProtocol.js";
import type { RunSummary } from "../../src/shared/viewModel.js";
import { IDLE, isBusy, outcomeLine, progressLine, type ProbeStatus } from "../../src/shared/probeStatus.js";
import { toySentence } from "../../src/shared/toyModels.js";
import { send } from "../shared/api.js";
import { activate, el, button, pct, badge, progressRing } from "../shared/components.js";
import { dropChart, watchTheme } from "../shared/charts.js";
import { drawAccuracy } from "../shared/accuracyChart.js";

const state = {
  runs: [] as RunSummary[],
  selected: undefined as string | undefined,
  chart: undefined as SidebarChart | undefined,
  model: { name: "default model", state: "idle" } as ModelStatus,
  probe: IDLE as ProbeStatus,
};
const app = document.getElementById("app")!;

const ENGINE_TEXT: Record<ModelStatus["state"], string> = { idle: "not loaded", loading: "loading", ready: "loaded", error: "error" };
const STATUS_TEXT: Record<string, string> = { running: "running", interrupted: "cancelled", failed: "failed" };

function modelSection(): HTMLElement {
  const m = state.model;
  return el(
    "section",
    { class: "model", testid: "model-status", "data-state": m.state, "aria-label": "Model" },
    el("h3", {}, "Model"),
    el(
      "div",
      { class: "row" },
      el("span", { class: `dot state-${m.state}`, "aria-hidden": "true" }),
      el("strong", { testid: "model-name", title: m.path ?? "" }, m.name),
      " ",
      el("span", { class: "icl-muted" }, ENGINE_TEXT[m.state]),
    ),
    m.detail ? el("p", { class: "icl-muted small", testid: "model-detail" }, m.detail) : undefined,
    m.source ? el("p", { class: "icl-muted small", testid: "model-source" }, `Set in: ${m.source}.`) : undefined,
    m.toy
      ? el(
          "div",
          { class: "toy-notice", testid: "sidebar-toy-notice", role: "note", "data-model": m.toy.model },
          el("p", { class: "small" }, el("strong", {}, "Toy model. "), toySentence(m.toy)),
          m.toy.onItsExample ? undefined : button(`Open ${m.toy.example}`, "sidebar-open-example", () => send({ type: "action", action: "openExample" }), { secondary: true }),
        )
      : undefined,
    el(
      "div",
      { class: "row" },
      button(m.toy ? "Pick a real model…" : "Select model", "select-model", () => send({ type: "action", action: "selectModel" }), { secondary: !m.toy }),
      button("Open setting", "open-model-setting", () => send({ type: "action", action: "openModelSetting" }), {
        secondary: true,
        title: "Show iclProbe.modelPath where it lives (Remote settings in a remote window)",
      }),
      button("Run probe", "sidebar-run", () => send({ type: "action", action: "runProbe" }), { secondary: !!m.toy }),
    ),
  );
}

function probeSection(): HTMLElement | undefined {
  const p = state.probe;
  if (isBusy(p))
    return el(
      "section",
      { class: "progress", testid: "sidebar-progress", "data-phase": p.phase, role: "status", "aria-live": "polite" },
      progressRing(),
      el("span", { testid: "sidebar-progress-text" }, ` ${p.file ? `${p.file}: ` : ""}${progressLine(p)}`),
      p.phase === "cancelling" ? undefined : button("Cancel", "sidebar-cancel", () => send({ type: "action", action: "cancel" }), { secondary: true }),
    );
  return p.last ? el("p", { class: "icl-muted small", testid: "sidebar-last-outcome", "data-outcome": p.last.outcome }, outcomeLine(p)) : undefined;
}

function historyItem(r: RunSummary): HTMLElement {
  const name = r.name ?? r.file;
  const status = r.status ?? (r.complete ? "complete" : "interrupted");
  const best = r.best.map((b) => `${b.variant} ${pct(b.acc)}`).join(" · ");
  const li = el(
    "li",
    { class: r.runId === state.selected ? "selected" : undefined, testid: "run-item", "data-run-id": r.runId, "data-status": status },
    el(
      "div",
      { class: "run-item-main", tabindex: 0, role: "button", "aria-pressed": r.runId === state.selected ? "true" : "false", title: `${name}: show its chart below` },
      el(
        "div",
        { class: "run-name", testid: "run-item-name" },
        name,
        STATUS_TEXT[status] ? badge(STATUS_TEXT[status]) : undefined,
        r.warnings ? el("span", { class: "warn-badge", testid: "run-warnings", title: `${r.warnings} queries carry warnings (see the results panel)` }, `⚠ ${r.warnings}`) : undefined,
      ),
      el("div", { class: "icl-muted small" }, `${r.model} · ${r.records} queries`),
      best ? el("div", { class: "small", testid: "run-item-best", title: "best accuracy over k, per variant" }, `best: ${best}`) : undefined,
    ),
    status === "running" ? undefined : button("✕", "run-remove", () => send({ type: "action", action: "removeRun", runId: r.runId }), { icon: true, title: `Remove ${name}` }),
  );
  activate(li.querySelector<HTMLElement>(".run-item-main")!, () => send({ type: "selectRun", runId: r.runId }));
  return li;
}

function render(): void {
  dropChart("sidebarAccuracy");
  app.replaceChildren();
  app.append(modelSection());
  const probe = probeSection();
  if (probe) app.append(probe);
  const hist = el("section", { class: "history", testid: "run-history", "aria-label": "Runs" }, el("h3", {}, "Runs"));
  if (state.runs.length === 0) hist.append(el("p", { class: "icl-muted", testid: "no-runs" }, "No saved runs in this workspace yet."));
  const list = el("ul", { class: "run-list" });
  for (const r of state.runs) list.append(historyItem(r));
  hist.append(list);
  app.append(hist);
  if (state.chart && state.selected) {
    const sel = state.selected;
    const name = state.runs.find((r) => r.runId === sel)?.name ?? sel;
    const wrap = el("div", { class: "chart chart-compact" });
    const canvas = el("canvas", { testid: "sidebar-accuracy-chart", role: "img", "aria-label": `Accuracy versus k of ${name}` }) as HTMLCanvasElement;
    wrap.append(canvas);
    app.append(
      el("section", { class: "selected-run", testid: "selected-run", "data-run-id": sel }, el("h3", {}, `Accuracy vs k · ${name}`), wrap),
      el(
        "div",
        { class: "row buttons" },
        button("Rerun", "sidebar-rerun", () => send({ type: "action", action: "rerun", runId: sel }), { secondary: true }),
        button("Open panel", "sidebar-open-panel", () => send({ type: "action", action: "openPanel", runId: sel })),
        button("Report", "sidebar-open-report", () => send({ type: "action", action: "openReport", runId: sel }), { secondary: true }),
      ),
    );
    const c = state.chart;
    // Taller with many variants, so the legend below the chart leaves room for the lines.
    wrap.style.height = `${170 + 14 * Math.ceil(c.series.length / 3)}px`;
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
  else if (m.type === "probe") {
    const before = state.probe;
    state.probe = m.probe;
    // Many updates a second while running: only the line's text changes.
    const t = document.querySelector('[data-testid="sidebar-progress-text"]');
    if (t && before.phase === m.probe.phase && m.probe.phase === "running") {
      t.textContent = ` ${m.probe.file ? `${m.probe.file}: ` : ""}${progressLine(m.probe)}`;
      return;
    }
  }
  render();
});

watchTheme();
render();
send({ type: "ready", view: "sidebar" });
