// The report's Hypotheses section: the paper's figures (src/core/figures, drawn by the same SVG
// renderer as the results panel's Hypotheses view), each with its verdict card beside it, the runs
// behind it linked to their charts, what to add when runs are missing, and SVG / PNG downloads.
import type { Figure } from "../core/figures/types";
import { figureCss, figureFileName, figureSvg, PAPER_THEME } from "../shared/figureSvg";
import { groupRuns } from "../shared/figureRuns";
import type { VerdictCard } from "../shared/verdictCards";

/** The figures in the report's colours (its CSS variables follow the reader's light or dark scheme). */
export const REPORT_FIGURE_CSS = figureCss({ fg: "var(--fg)", muted: "var(--muted)", grid: "var(--line)", bg: "var(--bg)", palette: PAPER_THEME.palette });

/** A figure as a stand-alone SVG file for papers (black on white, with its title): what the report's SVG download and a study's figures/*.svg hold. */
export const paperFigureSvg = (f: Figure): string => figureSvg(f, { title: true, fixedSize: true });

/**
 * The section. `verdictHtml` renders a verdict card (the page's one card markup), `variantAnchor`
 * the anchor of a variant's accuracy chart (undefined: none in this report).
 */
export function hypothesesHtml(
  figures: readonly Figure[],
  verdicts: readonly VerdictCard[],
  verdictHtml: (v: VerdictCard, idPrefix: string) => string,
  variantAnchor: (variant: string) => string | undefined,
  esc: (s: unknown) => string,
): string {
  if (figures.length === 0) return "";
  const rows = figures.map((f) => {
    const svg = figureSvg(f);
    const paper = paperFigureSvg(f);
    const runs = groupRuns(f.runs)
      .map((g) => {
        const a = variantAnchor(g.variant);
        const label = `${esc(g.label)} at k = ${g.k.join(", ")}`;
        return a ? `<a href="#${esc(a)}">${label}</a>` : label;
      })
      .join("; ");
    const cards = f.verdicts
      .map((id) => verdicts.find((v) => v.id === id))
      .filter((v): v is VerdictCard => !!v)
      .map((v) => verdictHtml(v, `figure-${f.number}-`))
      .join("");
    const name = figureFileName(f);
    return `<div class="figure-row panels-${f.panels.length}" id="figure-${f.number}" data-figure="${f.id}" data-status="${f.status}">
<figure><figcaption><strong>Figure ${f.number}.</strong> ${esc(f.title)} <span class="status ${f.status === "complete" ? "consistent" : "inconclusive"}">${esc(f.status)}</span></figcaption>
<div class="fig panels-${f.panels.length}">${svg}</div>
<p class="muted small">${esc(f.caption)}</p>
${f.missing ? `<p class="missing" data-missing="${esc(f.missing.variants.join(","))}">Missing runs: ${esc(f.missing.text)} From the command line: <code>icl-probe study FILE --figures ${f.number} --out DIR --resume</code> adds them to a study run.</p>` : ""}
<p class="muted small">Runs: ${runs || "none yet"}</p>
<p class="exports">Download: <a class="svg-export" download="${name}.svg" href="data:image/svg+xml;charset=utf-8,${encodeURIComponent(paper)}">SVG</a> · <a href="#" class="png-export" data-name="${name}.png">PNG</a></p>
</figure>
<div class="figure-cards">${cards}</div></div>`;
  });
  return `<h2 id="hypotheses">Hypotheses: the paper's figures</h2>
<p class="muted">One figure per claim of Li et al. (ACL 2024), with the verdict it supports beside it. Estimates and 95% intervals are the ones of the summary (docs/STATISTICS.md); a figure whose runs are missing says which variants to add.</p>
${rows.join("\n")}`;
}

/** Page script (plain ES2017): a PNG link draws the figure's SVG download on a canvas at 2x and downloads that. */
export const PNG_EXPORT_SCRIPT = `
document.querySelectorAll('a.png-export').forEach(function(a){
  a.addEventListener('click', function(ev){
    ev.preventDefault();
    var img = new Image();
    img.onload = function(){
      var c = document.createElement('canvas'); c.width = img.width * 2; c.height = img.height * 2;
      var g = c.getContext('2d'); g.scale(2, 2); g.drawImage(img, 0, 0);
      var link = document.createElement('a'); link.download = a.getAttribute('data-name'); link.href = c.toDataURL('image/png'); link.click();
    };
    img.src = a.parentNode.querySelector('a.svg-export').getAttribute('href');
  });
});
`;
