// The paper's figures (src/core/figures) drawn as SVG: one renderer for the results panel's
// Hypotheses view, the HTML report and the exported files (figures/*.svg of `icl-probe study`, the
// panel's "SVG" and "PNG" buttons), so every place shows the same marks. Pure string work (no DOM):
// unit-tested, and the same input gives the same bytes. Every mark carries its numbers in data-*
// attributes (series, x, y, interval, draw, seed), which the end-to-end tests read back from the
// webview. Nothing is computed here: estimates and intervals come with the figure.
//
// Colours are presentation attributes of the theme (black on white for files) plus a class per
// colour role (t-fg, l-grid, s-c0, f-c0...), so a page restyles them with CSS for its own theme
// (FIGURE_CSS): webview and report policies refuse inline style attributes, not classes.
import type { BinsPanel, Figure, FigurePanel, FigureSeries, PointsPanel, ScatterPanel } from "../core/figures/types";
import { defined } from "../core/defined";

export interface FigureTheme {
  fg: string;
  muted: string;
  grid: string;
  /** Background fill; absent: transparent (the page's). */
  bg?: string;
  /** Series colours, in order. */
  palette: readonly string[];
  font: string;
}

/** Black on white with a colour-blind-safe palette (Okabe-Ito): for exported files. */
export const PAPER_THEME: FigureTheme = {
  fg: "#1b1f24",
  muted: "#59636e",
  grid: "#d8dee4",
  bg: "#ffffff",
  palette: ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000"],
  font: "Helvetica, Arial, sans-serif",
};

export interface FigureSvgOptions {
  /** Width of one panel in user units (default 420); height 300. */
  panelWidth?: number;
  panelHeight?: number;
  /** Adds the figure's number and title at the top (exported files). */
  title?: boolean;
  /** Fixed width/height attributes instead of a responsive viewBox-only SVG. */
  fixedSize?: boolean;
}

const esc = (s: unknown): string => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
/** Coordinates rounded to 0.01 units: stable bytes, invisible difference. */
const c = (v: number): string => (Math.round(v * 100) / 100).toString();
const num = (v: number): string => String(v);

const M = { left: 48, right: 16, top: 26, bottom: 44 };

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Presentation attributes (never a style attribute: content security policies refuse those) and the class. */
function attrs(props: Record<string, string | number | undefined>, cls?: string): string {
  const a = Object.entries(props)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${esc(v)}"`)
    .join("");
  return cls ? `${a} class="${cls}"` : a;
}

/** A colour of the theme by role: its value and the class a page's CSS restyles it by. */
type Paint = { value: string; role: string };
const fgOf = (t: FigureTheme): Paint => ({ value: t.fg, role: "fg" });
const mutedOf = (t: FigureTheme): Paint => ({ value: t.muted, role: "muted" });
const gridOf = (t: FigureTheme): Paint => ({ value: t.grid, role: "grid" });
const seriesPaint = (t: FigureTheme, i: number): Paint => ({ value: defined(t.palette[i % t.palette.length], "a colour of the figure palette"), role: `c${i % t.palette.length}` });

function text(x: number, y: number, s: string, t: FigureTheme, o: { anchor?: "start" | "middle" | "end"; size?: number; color?: Paint; rotate?: boolean; weight?: string } = {}): string {
  const tr = o.rotate ? ` transform="rotate(-90 ${c(x)} ${c(y)})"` : "";
  const p = o.color ?? fgOf(t);
  return `<text x="${c(x)}" y="${c(y)}"${tr}${attrs({ fill: p.value, "font-family": t.font, "font-size": o.size ?? 11, "text-anchor": o.anchor ?? "start", "font-weight": o.weight }, `f-${p.role}`)}>${esc(s)}</text>`;
}

function line(x1: number, y1: number, x2: number, y2: number, p: Paint, o: { width?: number; dash?: string } = {}): string {
  return `<line x1="${c(x1)}" y1="${c(y1)}" x2="${c(x2)}" y2="${c(y2)}"${attrs({ stroke: p.value, "stroke-width": o.width ?? 1, "stroke-dasharray": o.dash }, `s-${p.role}`)}/>`;
}

/** Classes of a mark filled and stroked with one series colour (or the background, for open marks). */
function markAttrs(t: FigureTheme, p: Paint, open: boolean, extra: Record<string, string | number> = {}): string {
  return attrs({ fill: open ? (t.bg ?? "none") : p.value, stroke: p.value, ...extra }, `${open ? "f-bg" : `f-${p.role}`} s-${p.role}`);
}

/** y axis 0..1 with grid lines, the plot frame and the axis labels. */
function frame(b: Box, t: FigureTheme, xLabel: string, yLabel: string, title: string): { y: (v: number) => number; parts: string[] } {
  const y = (v: number) => b.y + b.h - Math.max(0, Math.min(1, v)) * b.h;
  const parts: string[] = [];
  for (let i = 0; i <= 5; i++) {
    const v = i / 5;
    parts.push(line(b.x, y(v), b.x + b.w, y(v), gridOf(t)));
    parts.push(text(b.x - 6, y(v) + 4, v.toFixed(1), t, { anchor: "end", size: 10, color: mutedOf(t) }));
  }
  parts.push(line(b.x, b.y + b.h, b.x + b.w, b.y + b.h, fgOf(t)), line(b.x, b.y, b.x, b.y + b.h, fgOf(t)));
  if (xLabel) parts.push(text(b.x + b.w / 2, b.y + b.h + 34, xLabel, t, { anchor: "middle" }));
  parts.push(text(b.x - 36, b.y + b.h / 2, yLabel, t, { anchor: "middle", rotate: true }));
  if (title) parts.push(text(b.x + b.w / 2, b.y - 10, title, t, { anchor: "middle", color: mutedOf(t) }));
  return { y, parts };
}

const REF_DASH = ["6 4", "2 3", "8 3 2 3"];

/** Horizontal reference lines; their labels are staggered from the right so lines at the same height stay readable. */
function refLines(b: Box, y: (v: number) => number, lines: readonly { name: string; y: number }[], t: FigureTheme): string[] {
  return lines.map((r, i) => {
    const lx = b.x + b.w - 2 - i * (b.w / 3);
    return `<g class="ref" data-ref="${esc(r.name)}" data-y="${num(r.y)}">${line(b.x, y(r.y), b.x + b.w, y(r.y), mutedOf(t), { dash: REF_DASH[i % REF_DASH.length] })}${text(lx, y(r.y) - 3, r.name, t, { anchor: "end", size: 10, color: mutedOf(t) })}</g>`;
  });
}

const DASH: Record<FigureSeries["role"], string | undefined> = { model: undefined, baseline: "7 3", reference: "2 2" };

function pointsPanel(p: PointsPanel, b: Box, t: FigureTheme, colorBase: number): string[] {
  const { y, parts } = frame(b, t, p.xLabel, p.yLabel, p.title);
  let x: (v: number | string, s: number) => number;
  if (p.categories) {
    const cats = p.categories;
    const band = b.w / Math.max(1, cats.length);
    // Series that share a category sit side by side within its band.
    const at = new Map(cats.map((cat) => [cat, p.series.map((s, i) => (s.points.some((q) => String(q.x) === cat) ? i : -1)).filter((i) => i >= 0)]));
    x = (v, s) => {
      const here = at.get(String(v)) ?? [];
      const j = here.indexOf(s);
      return b.x + band * (cats.indexOf(String(v)) + 0.5) + (here.length > 1 ? (j - (here.length - 1) / 2) * Math.min(14, band / (here.length + 1)) : 0);
    };
    cats.forEach((cat, i) => parts.push(text(b.x + band * (i + 0.5), b.y + b.h + 16, cat, t, { anchor: "middle", size: 10 })));
  } else {
    const xs = [...new Set(p.series.flatMap((s) => s.points.map((q) => Number(q.x))))].sort((a, b2) => a - b2);
    const lo = xs[0] ?? 0;
    const hi = xs[xs.length - 1] ?? 1;
    const span = hi - lo || 1;
    const pad = xs.length > 1 ? 0.04 * b.w : b.w / 2;
    x = (v) => (xs.length > 1 ? b.x + pad + ((Number(v) - lo) / span) * (b.w - 2 * pad) : b.x + b.w / 2);
    for (const v of xs) {
      parts.push(line(x(v, 0), b.y + b.h, x(v, 0), b.y + b.h + 4, fgOf(t)));
      parts.push(text(x(v, 0), b.y + b.h + 16, String(v), t, { anchor: "middle", size: 10 }));
    }
  }
  parts.push(...refLines(b, y, p.refLines, t));
  p.series.forEach((s, si) => {
    const color = seriesPaint(t, colorBase + si);
    const g: string[] = [];
    const pts = [...s.points].sort((a, b2) => (p.categories ? 0 : Number(a.x) - Number(b2.x)));
    if (s.line && pts.length > 1) {
      g.push(
        `<polyline points="${pts.map((q) => `${c(x(q.x, si))},${c(y(q.y))}`).join(" ")}"${attrs({ fill: "none", stroke: color.value, "stroke-width": 2, "stroke-dasharray": DASH[s.role] }, `s-${color.role}`)}/>`,
      );
    }
    for (const q of pts) {
      const px = x(q.x, si);
      if (q.lo !== undefined && q.hi !== undefined) {
        g.push(line(px, y(q.lo), px, y(q.hi), color, { width: 1.5 }), line(px - 4, y(q.lo), px + 4, y(q.lo), color, { width: 1.5 }), line(px - 4, y(q.hi), px + 4, y(q.hi), color, { width: 1.5 }));
      }
      const data = [
        `data-series="${esc(s.name)}"`,
        `data-x="${esc(q.x)}"`,
        `data-y="${num(q.y)}"`,
        q.lo !== undefined ? `data-lo="${num(q.lo)}"` : "",
        q.hi !== undefined ? `data-hi="${num(q.hi)}"` : "",
        q.run ? `data-variant="${esc(q.run.variant)}" data-k="${q.run.k}"` : "",
      ]
        .filter(Boolean)
        .join(" ");
      const detail = [q.lo !== undefined && q.hi !== undefined ? `95% CI ${q.lo.toFixed(3)}-${q.hi.toFixed(3)}` : "", q.units ?? ""].filter(Boolean).join(", ");
      const tip = `${s.name}, ${q.x}: ${q.y.toFixed(3)}${detail ? ` (${detail})` : ""}`;
      g.push(`<circle data-mark="point" ${data} cx="${c(px)}" cy="${c(y(q.y))}" r="3.5"${markAttrs(t, color, s.role !== "model", { "stroke-width": 1.5 })}><title>${esc(tip)}</title></circle>`);
    }
    parts.push(`<g class="series" data-series="${esc(s.name)}" data-role="${s.role}">${g.join("")}</g>`);
  });
  return parts;
}

/** An accuracy x axis from 0 to 1 (ticks every 0.2) for scatter and bins panels; returns its scale. */
function unitAxis(b: Box, t: FigureTheme, parts: string[]): (v: number) => number {
  const x = (v: number) => b.x + Math.max(0, Math.min(1, v)) * b.w;
  for (let i = 0; i <= 5; i++) {
    const v = i / 5;
    parts.push(line(x(v), b.y + b.h, x(v), b.y + b.h + 4, fgOf(t)), text(x(v), b.y + b.h + 16, v.toFixed(1), t, { anchor: "middle", size: 10 }));
  }
  return x;
}

function scatterPanel(p: ScatterPanel, b: Box, t: FigureTheme, colorBase: number): string[] {
  const { y, parts } = frame(b, t, p.xLabel, p.yLabel, p.title);
  const x = unitAxis(b, t, parts);
  parts.push(...refLines(b, y, p.refLines, t));
  if (p.diagonal) parts.push(`<g class="diagonal">${line(x(0), y(0), x(1), y(1), mutedOf(t), { dash: "3 3" })}</g>`);
  const color = seriesPaint(t, colorBase);
  const g = p.points.map(
    (q) =>
      `<circle data-mark="point" data-x="${num(q.x)}" data-y="${num(q.y)}" data-draw="${q.draw}" data-seed="${q.seed}" cx="${c(x(q.x))}" cy="${c(y(q.y))}" r="3"${markAttrs(t, color, false, { "fill-opacity": 0.45, "stroke-width": 0.8 })}><title>g #${q.draw}, seed ${q.seed}: ${q.x.toFixed(3)}, ${q.y.toFixed(3)}</title></circle>`,
  );
  parts.push(`<g class="series" data-series="points">${g.join("")}</g>`);
  if (p.points.length === 0) parts.push(text(b.x + b.w / 2, b.y + b.h / 3, "not run yet", t, { anchor: "middle", color: mutedOf(t) }));
  return parts;
}

function binsPanel(p: BinsPanel, b: Box, t: FigureTheme, colorBase: number): string[] {
  const { y, parts } = frame(b, t, p.xLabel, p.yLabel, p.title);
  const x = unitAxis(b, t, parts);
  parts.push(...refLines(b, y, p.refLines, t));
  const color = seriesPaint(t, colorBase);
  const g = p.bins
    .filter((bin) => bin.count > 0)
    .map((bin) => {
      const x0 = x(bin.lo) + 2;
      const w = x(bin.hi) - x(bin.lo) - 4;
      return `<rect data-mark="bin" data-lo="${num(bin.lo)}" data-hi="${num(bin.hi)}" data-y="${num(bin.mean)}" data-count="${bin.count}" x="${c(x0)}" y="${c(y(bin.mean))}" width="${c(w)}" height="${c(y(0) - y(bin.mean))}"${markAttrs(t, color, false, { "fill-opacity": 0.7, "stroke-width": 0 })}><title>${bin.lo.toFixed(2)}-${bin.hi.toFixed(2)}: mean ${bin.mean.toFixed(3)} over ${bin.count} g</title></rect>${text(x0 + w / 2, y(bin.mean) - 4, `n=${bin.count}`, t, { anchor: "middle", size: 10, color: mutedOf(t) })}`;
    });
  parts.push(`<g class="series" data-series="bins">${g.join("")}</g>`);
  if (g.length === 0) parts.push(text(b.x + b.w / 2, b.y + b.h / 3, "not run yet", t, { anchor: "middle", color: mutedOf(t) }));
  return parts;
}

function panelSvg(p: FigurePanel, b: Box, t: FigureTheme, colorBase: number): string {
  const parts = p.kind === "points" ? pointsPanel(p, b, t, colorBase) : p.kind === "scatter" ? scatterPanel(p, b, t, colorBase) : binsPanel(p, b, t, colorBase);
  return `<g class="panel" data-kind="${p.kind}">${parts.join("")}</g>`;
}

/** Legend entries: every series (by colour and dash) and the scatter's statistics. */
function legend(fig: Figure, t: FigureTheme, x0: number, y0: number, width: number): { svg: string; height: number } {
  const items: string[] = [];
  let x = x0;
  let y = y0;
  const row = 16;
  const place = (w: number) => {
    if (x + w > x0 + width && x > x0) {
      x = x0;
      y += row;
    }
    const at = { x, y };
    x += w;
    return at;
  };
  let colorBase = 0;
  for (const p of fig.panels) {
    if (p.kind === "points") {
      p.series.forEach((s, i) => {
        const w = 28 + s.name.length * 6.2;
        const at = place(w);
        const color = seriesPaint(t, colorBase + i);
        items.push(
          `<g class="legend-item">${line(at.x, at.y - 4, at.x + 18, at.y - 4, color, { width: 2, dash: DASH[s.role] })}<circle cx="${c(at.x + 9)}" cy="${c(at.y - 4)}" r="3"${markAttrs(t, color, s.role !== "model")}/>${text(at.x + 22, at.y, s.name, t, { size: 10 })}</g>`,
        );
      });
      colorBase += p.series.length;
    } else colorBase += 1;
  }
  const stats = fig.panels.flatMap((p) => (p.kind === "scatter" ? p.stats : []));
  for (const s of stats) {
    x = x0;
    y += row;
    items.push(text(x, y, `${s.name}: ${s.value}`, t, { size: 10, color: mutedOf(t) }));
  }
  return { svg: items.join(""), height: items.length ? y - y0 + row : 0 };
}

/** The figure as one SVG document: its panels side by side, the legend and statistics below. */
export function figureSvg(fig: Figure, opts: FigureSvgOptions = {}): string {
  const theme = PAPER_THEME;
  const pw = opts.panelWidth ?? 440;
  const ph = opts.panelHeight ?? 300;
  const top = opts.title ? 24 : 0;
  const width = pw * fig.panels.length;
  let colorBase = 0;
  const panels = fig.panels.map((p, i) => {
    const b: Box = { x: i * pw + M.left, y: top + M.top, w: pw - M.left - M.right, h: ph - M.top - M.bottom };
    const svg = panelSvg(p, b, theme, colorBase);
    colorBase += p.kind === "points" ? p.series.length : 1;
    return svg;
  });
  const lg = legend(fig, theme, M.left, top + ph + 8, width - M.left - M.right);
  const height = top + ph + 8 + lg.height + 6;
  // A page draws it at most at its natural size (wider, the text would grow past the page's).
  const size = opts.fixedSize ? ` width="${width}" height="${c(height)}"` : ` width="100%"`;
  const bg = opts.fixedSize && theme.bg ? `<rect x="0" y="0" width="${width}" height="${c(height)}"${attrs({ fill: theme.bg }, "f-bg")}/>` : "";
  const title = opts.title ? text(M.left, 16, `Figure ${fig.number}. ${fig.title}`, theme, { size: 13, weight: "600" }) : "";
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${c(height)}"${size} class="icl-fig" data-width="${width}" role="img" aria-label="${esc(`Figure ${fig.number}: ${fig.title}`)}" data-testid="figure-svg" data-figure="${fig.id}" data-status="${fig.status}">` +
    `<title>${esc(`Figure ${fig.number}. ${fig.title}`)}</title>${bg}${title}${panels.join("")}<g class="legend">${lg.svg}</g></svg>`
  );
}

/** File name of an exported figure, without the extension: "figure-3-h2-icl-vs-linear". */
export function figureFileName(f: Pick<Figure, "number" | "id">): string {
  return `figure-${f.number}-${f.id}`;
}

/** The colours a page gives the figures' roles (CSS values: variables allowed). */
export interface FigurePageColors {
  fg: string;
  muted: string;
  grid: string;
  bg: string;
  palette: readonly string[];
}

/** CSS that restyles the figures' colour roles for a page (the report's <style>; the panel has the same rules in media/webview.css). */
export function figureCss(p: FigurePageColors): string {
  const roles: [string, string][] = [["fg", p.fg], ["muted", p.muted], ["grid", p.grid], ["bg", p.bg], ...p.palette.map((v, i): [string, string] => [`c${i}`, v])];
  return roles.map(([r, v]) => `.icl-fig .f-${r}{fill:${v}}.icl-fig .s-${r}{stroke:${v}}`).join("");
}
