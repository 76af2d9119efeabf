// Chart.js setup shared by both webviews: tree-shaken registration, colours and fonts from the
// --vscode-* theme variables, and every live chart kept in window.__iclCharts so end-to-end tests
// can read the plotted numbers inside the webview frame. A chart is made from a recipe (a
// function that builds its configuration from the current theme), so a theme switch rebuilds
// every chart with the new colours: tick labels, titles, grid lines, palette and baselines alike.
import { defined } from "../../src/core/defined.js";
import { Chart, LineController, LineElement, PointElement, BarController, BarElement, LinearScale, CategoryScale, Filler, Legend, Tooltip, type ChartConfiguration } from "chart.js";

Chart.register(LineController, LineElement, PointElement, BarController, BarElement, LinearScale, CategoryScale, Filler, Legend, Tooltip);

declare global {
  interface Window {
    __iclCharts: Record<string, Chart>;
  }
}
window.__iclCharts ??= {};

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

/** The theme's chart colours, each with the colour used where the theme does not set it. */
const PALETTE: readonly (readonly [cssName: string, fallback: string])[] = [
  ["--vscode-charts-blue", "#3794ff"],
  ["--vscode-charts-orange", "#d18616"],
  ["--vscode-charts-green", "#388a34"],
  ["--vscode-charts-red", "#f14c4c"],
  ["--vscode-charts-purple", "#b180d7"],
  ["--vscode-charts-yellow", "#cca700"],
];

export function palette(i: number): string {
  const [name, fallback] = defined(PALETTE[i % PALETTE.length], "a chart colour");
  return cssVar(name, fallback);
}

/** Colour with alpha for interval bands (color-mix keeps it theme-driven). */
export function translucent(color: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (m) {
    const n = parseInt(defined(m[1], "the colour's hex digits"), 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  }
  return `color-mix(in srgb, ${color} ${Math.round(alpha * 100)}%, transparent)`;
}

export function applyTheme(): void {
  Chart.defaults.color = cssVar("--vscode-foreground", "#cccccc");
  Chart.defaults.borderColor = cssVar("--vscode-editorWidget-border", cssVar("--vscode-panel-border", "rgba(128,128,128,0.35)"));
  Chart.defaults.font.family = cssVar("--vscode-font-family", "sans-serif");
  const size = parseFloat(cssVar("--vscode-font-size", "13"));
  Chart.defaults.font.size = Number.isFinite(size) ? size - 1 : 12;
  Chart.defaults.animation = false;
}
applyTheme();

/** The configuration of a chart, built from the current theme (called again after a theme switch). */
export type ChartRecipe = () => ChartConfiguration;
const recipes = new Map<string, { canvas: HTMLCanvasElement; recipe: ChartRecipe }>();

/** The theme's colours for axes: ticks and titles in the foreground colour, grid lines in the border colour. */
export function axisColours(): { ticks: { color: string }; title: { color: string }; grid: { color: string } } {
  return { ticks: { color: Chart.defaults.color as string }, title: { color: Chart.defaults.color as string }, grid: { color: Chart.defaults.borderColor as string } };
}

/** Creates (or replaces) the chart registered under `id`; a recipe is rebuilt on every theme switch. */
export function makeChart(id: string, canvas: HTMLCanvasElement, config: ChartConfiguration | ChartRecipe): Chart {
  window.__iclCharts[id]?.destroy();
  const recipe = typeof config === "function" ? config : () => config;
  recipes.set(id, { canvas, recipe });
  const c = new Chart(canvas, recipe());
  window.__iclCharts[id] = c;
  canvas.dataset.chartId = id;
  return c;
}

export function dropChart(id: string): void {
  window.__iclCharts[id]?.destroy();
  delete window.__iclCharts[id];
  recipes.delete(id);
}

/** Rebuilds every live chart from its recipe with the current theme's colours. */
export function rethemeCharts(): void {
  applyTheme();
  for (const [id, { canvas, recipe }] of [...recipes]) {
    if (!canvas.isConnected) {
      dropChart(id);
      continue;
    }
    window.__iclCharts[id]?.destroy();
    window.__iclCharts[id] = new Chart(canvas, recipe());
  }
  document.body.dataset.themeApplied = String(Number(document.body.dataset.themeApplied ?? "0") + 1);
}

/**
 * Re-themes every chart when VS Code switches theme: the webview host changes the body's class
 * (vscode-light / vscode-dark / vscode-high-contrast) and the --vscode-* variables on <html>.
 */
export function watchTheme(onChange?: () => void): void {
  let last = document.body.className;
  const check = () => {
    if (document.body.className === last) return;
    last = document.body.className;
    rethemeCharts();
    onChange?.();
  };
  new MutationObserver(check).observe(document.body, { attributes: true, attributeFilter: ["class"] });
  // The variables can arrive after the class: re-read them too.
  new MutationObserver(() => {
    const fg = getComputedStyle(document.body).getPropertyValue("--vscode-foreground").trim();
    if (fg && fg !== Chart.defaults.color) rethemeCharts();
  }).observe(document.documentElement, { attributes: true, attributeFilter: ["style"] });
}

export { Chart };
