// Chart.js setup shared by both webviews: tree-shaken registration, colours and fonts from the
// --vscode-* theme variables (re-read when the theme changes), and every live chart kept in
// window.__iclCharts so end-to-end tests can read the plotted numbers inside the webview frame.
import {
  Chart,
  LineController,
  LineElement,
  PointElement,
  BarController,
  BarElement,
  LinearScale,
  CategoryScale,
  Filler,
  Legend,
  Tooltip,
  type ChartConfiguration,
} from "chart.js";

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

const PALETTE_VARS = ["--vscode-charts-blue", "--vscode-charts-orange", "--vscode-charts-green", "--vscode-charts-red", "--vscode-charts-purple", "--vscode-charts-yellow"];
const PALETTE_FALLBACK = ["#3794ff", "#d18616", "#388a34", "#f14c4c", "#b180d7", "#cca700"];

export function palette(i: number): string {
  const n = PALETTE_VARS.length;
  return cssVar(PALETTE_VARS[i % n], PALETTE_FALLBACK[i % n]);
}

/** Colour with alpha for interval bands (color-mix keeps it theme-driven). */
export function translucent(color: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (m) {
    const n = parseInt(m[1], 16);
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

/** Creates (or replaces) the chart registered under `id`. */
export function makeChart(id: string, canvas: HTMLCanvasElement, config: ChartConfiguration): Chart {
  window.__iclCharts[id]?.destroy();
  const c = new Chart(canvas, config);
  window.__iclCharts[id] = c;
  canvas.dataset.chartId = id;
  return c;
}

export function dropChart(id: string): void {
  window.__iclCharts[id]?.destroy();
  delete window.__iclCharts[id];
}

/** Re-themes live charts when VS Code switches theme (the body class changes). */
export function watchTheme(): void {
  new MutationObserver(() => {
    applyTheme();
    for (const c of Object.values(window.__iclCharts)) {
      c.options.color = Chart.defaults.color;
      c.update();
    }
  }).observe(document.body, { attributes: true, attributeFilter: ["class"] });
}

export { Chart };
