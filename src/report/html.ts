// The self-contained HTML report: one file with Chart.js and the data inlined, so it opens offline
// in any browser and can be mailed or archived next to results.json. Tables are rendered here
// (static HTML, readable without JavaScript); charts are drawn in the page from the embedded JSON.
// window.ICL_REPORT exposes the data and the chart ids so tests can read what was rendered.
import type { ReportData } from "./model";
import { pAboveChanceText } from "../core/results/summary";
import type { ReportWarnings } from "./warnings";
import type { ReportVerdict } from "./model";
import { hypothesesHtml, PNG_EXPORT_SCRIPT, REPORT_FIGURE_CSS } from "./figures";

const esc = (s: unknown): string => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const pct = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? "–" : `${(100 * x).toFixed(1)}%`);
const num = (x: number | undefined, d = 2): string => (x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(d));

/** JSON safe inside a <script> element (no "</script>", no HTML comment openers, no U+2028/9 surprises). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Inline script text safe inside <script>: only "</script" can end it early. */
function inlineScript(src: string): string {
  return src.replace(/<\/script/gi, "<\\/script");
}

const CSS = `
:root{--fg:#1b1f24;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--card:#f6f8fa;--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--bg:#0d1117;--card:#151b23}}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1200px;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
.muted{color:var(--muted)}table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid var(--line);padding:3px 8px;text-align:right}
th{background:var(--card)}td.l,th.l{text-align:left}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:12px}
.card{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:10px 12px}
.card h3{margin:0 0 6px;font-size:15px}.status{font-weight:600;text-transform:uppercase;font-size:12px}
.status.consistent{color:var(--ok)}.status.contradicts,.status.contradicted{color:var(--bad)}.status.inconclusive,.status.not-run{color:var(--warn)}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:16px}
.chart{position:relative;height:280px}.chart.big{height:380px}
.fam{font-size:11px;color:var(--muted)}
.figure-row{display:grid;grid-template-columns:minmax(0,3fr) minmax(280px,2fr);gap:16px;margin:12px 0 24px;align-items:start}
.figure-row figure{margin:0}.figure-row .fig svg{height:auto;display:block}.fig.panels-1{max-width:560px}.fig.panels-2{max-width:1000px}.small{font-size:12px}.missing{color:var(--warn)}
.figure-cards .card{margin-bottom:8px}@media (max-width:900px){.figure-row{grid-template-columns:1fr}}@media (max-width:1500px){.figure-row.panels-2{grid-template-columns:1fr}.figure-row.panels-2 .figure-cards{max-width:1000px}}
.conditions{margin:6px 0;padding-left:18px;font-size:13px}.cond.pass .mark{color:var(--ok)}.cond.fail .mark{color:var(--bad)}.cond.untestable .mark{color:var(--warn)}
#warnings-table code{white-space:nowrap}
.warn-banner{border:1px solid var(--warn);border-left-width:4px;border-radius:4px;padding:6px 10px;margin:10px 0}
.badge-warn{color:var(--warn);font-weight:600}.sev-info{color:var(--muted)}td.msg{text-align:left;max-width:640px}
`;

// Runs in the page. Kept as plain ES2017 so any browser runs it without a build step.
const PAGE_SCRIPT = `
(function(){
  var data = JSON.parse(document.getElementById('icl-data').textContent);
  var charts = {};
  window.ICL_REPORT = { data: data, charts: charts, ready: false };
${PNG_EXPORT_SCRIPT}
  if (typeof Chart === 'undefined') { document.getElementById('no-charts').hidden = false; return; }
  var palette = ['#0969da','#cf222e','#1a7f37','#8250df','#bf8700','#1b7c83','#d1242f','#57606a','#e16f24','#6639ba','#0550ae','#116329'];
  function alpha(hex, a){ var n=parseInt(hex.slice(1),16); return 'rgba('+(n>>16)+','+((n>>8)&255)+','+(n&255)+','+a+')'; }
  var ks = data.ks;
  var variants = []; data.summary.forEach(function(s){ if (variants.indexOf(s.variant) < 0) variants.push(s.variant); });
  function row(v,k){ for (var i=0;i<data.summary.length;i++){ var s=data.summary[i]; if (s.variant===v && s.k===k) return s; } return null; }
  function series(v, f){ return ks.map(function(k){ var s=row(v,k); var x = s ? f(s) : null; return (x===null||x===undefined||!isFinite(x)) ? null : x; }); }
  var chance = data.summary.length ? data.summary[0].chance : null;
  function bandDatasets(v, color){
    return [
      { label: v + ' (95% low)', data: series(v,function(s){return s.accuracy.low;}), borderWidth:0, pointRadius:0, fill:false, backgroundColor:alpha(color,0.15), band:true },
      { label: v + ' (95% high)', data: series(v,function(s){return s.accuracy.high;}), borderWidth:0, pointRadius:0, fill:'-1', backgroundColor:alpha(color,0.15), band:true }
    ];
  }
  function lineOpts(title){ return { responsive:true, maintainAspectRatio:false, animation:false, spanGaps:true,
    plugins:{ title:{display:true,text:title}, legend:{ labels:{ filter:function(item, cd){ return !cd.datasets[item.datasetIndex].band; } } } },
    scales:{ x:{ title:{display:true,text:'k (demonstrations)'} }, y:{ min:0, max:1, title:{display:true,text:'accuracy'} } } }; }
  function make(id, cfg){ var c = document.getElementById(id); if (!c) return; charts[id] = new Chart(c, cfg); }
  var main = [];
  variants.forEach(function(v,i){ var color=palette[i%palette.length];
    main.push({ label:v, data:series(v,function(s){return s.accuracy.value;}), borderColor:color, backgroundColor:color, tension:0 });
    bandDatasets(v,color).forEach(function(d){ main.push(d); });
  });
  if (chance !== null) main.push({ label:'chance', data:ks.map(function(){return chance;}), borderColor:'#888', borderDash:[6,4], pointRadius:0, baseline:true });
  make('chart-acc', { type:'line', data:{ labels:ks, datasets:main }, options:lineOpts('Accuracy vs k (all variants, 95% intervals)') });
  variants.forEach(function(v,i){ var color=palette[i%palette.length];
    var ds = [{ label:'accuracy', data:series(v,function(s){return s.accuracy.value;}), borderColor:color, backgroundColor:color }];
    bandDatasets(v,color).forEach(function(d){ ds.push(d); });
    ds.push({ label:'chance', data:series(v,function(s){return s.chance;}), borderColor:'#888', borderDash:[6,4], pointRadius:0, baseline:true });
    ds.push({ label:'majority', data:series(v,function(s){return s.majority;}), borderColor:'#bf8700', borderDash:[2,3], pointRadius:2, baseline:true });
    ds.push({ label:'logistic regression', data:series(v,function(s){return s.logreg;}), borderColor:'#1a7f37', borderDash:[8,3], pointRadius:2, baseline:true });
    ds.push({ label:'calibrated', data:series(v,function(s){return s.calibratedAccuracy;}), borderColor:'#8250df', borderDash:[1,2], pointRadius:2, hidden: !data.summary.some(function(s){return s.variant===v && s.calibratedAccuracy!==undefined;}) });
    make('chart-acc-' + i, { type:'line', data:{ labels:ks, datasets:ds }, options:lineOpts(v) });
  });
  data.distributions.forEach(function(d,i){
    var ds = [];
    d.perLabel.forEach(function(p,j){ var color=palette[j%palette.length];
      ds.push({ label:p.label+' (gold)', data:p.whenGold, backgroundColor:alpha(color,0.8) });
      ds.push({ label:p.label+' (not gold)', data:p.whenNotGold, backgroundColor:alpha(color,0.3) });
    });
    var labels = d.edges.slice(0,-1).map(function(e,j){ return e.toFixed(1)+'–'+d.edges[j+1].toFixed(1); });
    make('chart-dist-' + i, { type:'bar', data:{ labels:labels, datasets:ds }, options:{ responsive:true, maintainAspectRatio:false, animation:false,
      plugins:{ title:{display:true,text:d.variant+', k = '+d.k+': probability given to each label'} },
      scales:{ x:{ title:{display:true,text:'renormalised label probability'} }, y:{ title:{display:true,text:'queries'}, beginAtZero:true } } } });
  });
  window.ICL_REPORT.ready = true;
})();
`;

const MARK: Record<string, string> = { pass: "✓", fail: "✗", untestable: "?" };

/** The conditions a verdict checked, each with its status and figures (static HTML). */
function conditionsHtml(conditions: readonly { text: string; status: string; detail: string }[]): string {
  if (!conditions.length) return "";
  return `<ul class="conditions">${conditions
    .map(
      (c) =>
        `<li class="cond ${esc(c.status)}" data-status="${esc(c.status)}"><span class="mark">${MARK[c.status] ?? "?"}</span> ${esc(c.text)} <span class="muted">(${esc(c.status)}: ${esc(c.detail)})</span></li>`,
    )
    .join("")}</ul>`;
}

/** "boundary-merge 6, label-tie 1" for one summary row, linked to the warnings section. */
function warningCell(counts: Partial<Record<string, number>> | undefined): string {
  const entries = Object.entries(counts ?? {}).filter(([, n]) => n);
  return entries.map(([code, n]) => `<a class="badge-warn" href="#warning-${esc(code)}">${esc(code)} ${n}</a>`).join(", ");
}

/** One line at the top when any query carries a warning: the numbers below need a second look. */
function warningBanner(w: ReportWarnings): string {
  if (w.codes.length === 0) return "";
  const list = w.codes
    .map((c) => `<a href="#warning-${esc(c.code)}">${esc(c.code)}</a> (${c.queries ? `${c.queries} quer${c.queries === 1 ? "y" : "ies"}` : `${c.run + c.calibration} other`})`)
    .join(", ");
  return `<div class="warn-banner" id="warnings-banner"><span class="badge-warn">⚠ Warnings</span>: ${w.queries} of ${w.records} queries carry warnings: ${list}. <a href="#warnings">What they mean and what to do</a>.</div>`;
}

function warningSection(w: ReportWarnings): string {
  if (w.codes.length === 0)
    return `<h2 id="warnings">Warnings</h2><p class="muted" id="no-warnings">No warnings: the engine and the runner found nothing to report about the tokenization or the scores.</p>`;
  const rows = w.codes
    .map(
      (
        c,
      ) => `<tr id="warning-${esc(c.code)}" data-code="${esc(c.code)}"><td class="l"><code>${esc(c.code)}</code><br><span class="${c.severity === "info" ? "sev-info" : "badge-warn"}">${esc(c.severity)}</span></td><td>${c.queries}</td>
<td class="l">${esc(c.cells.map((x) => `${x.variant} k=${x.k}: ${x.queries}`).join(", ") || (c.run ? "the run" : "calibration"))}</td><td class="msg"><strong>${esc(c.title)}.</strong> ${esc(c.meaning)}</td><td class="msg">${esc(c.action)}</td></tr>
<tr class="warning-examples" data-code="${esc(c.code)}"><td></td><td colspan="4" class="msg">${[
        ...c.runMessages.map((m) => `<div>${esc(m)}</div>`),
        ...c.examples.map(
          (e) => `<div>${esc(e.variant)}, k = ${e.k}, seed ${e.seed}, query #${e.queryIndex} (${esc(e.input.length > 60 ? e.input.slice(0, 59) + "…" : e.input)}): ${esc(e.message)}</div>`,
        ),
      ].join("")}${c.queries > c.examples.length ? `<div class="muted">… ${c.queries - c.examples.length} more in scores.csv (column warnings) and results.json.</div>` : ""}</td></tr>`,
    )
    .join("\n");
  return `<h2 id="warnings">Warnings</h2>
<table id="warnings-table"><tr><th class="l">code</th><th>queries</th><th class="l">where (variant, k: queries)</th><th class="l">what it means</th><th class="l">what to do</th></tr>
${rows}</table>`;
}

/** Labels listed in a summary row's prediction share (the largest shares first when there are more). */
const SHARE_LABELS = 8;

function shareText(share: Record<string, number>): string {
  const entries = Object.entries(share);
  if (entries.length <= SHARE_LABELS) return entries.map(([l, p]) => `${l} ${pct(p)}`).join(", ");
  const top = entries.sort((a, b) => b[1] - a[1]).slice(0, SHARE_LABELS);
  return `${top.map(([l, p]) => `${l} ${pct(p)}`).join(", ")}, ... ${entries.length - SHARE_LABELS} more (classes.csv)`;
}

/**
 * What the page's script needs of the data: the summary without the per-label lists (which grow
 * with the classes and are in the tables and CSVs), so the embedded JSON stays small.
 */
function pageData(data: ReportData): unknown {
  return { ...data, summary: data.summary.map(({ labels: _l, labelShare: _s, ...rest }) => rest) };
}

export function renderReportHtml(data: ReportData, chartJsSource: string): string {
  const m = data.manifest;
  const variants = [...new Set(data.summary.map((s) => s.variant))];
  const summaryRows = data.summary
    .map(
      (s) => `<tr><td class="l">${esc(s.variant)} <span class="fam">${esc(s.family)}</span></td><td>${s.k}</td><td>${s.seeds}</td><td>${s.n}</td>
<td>${pct(s.accuracy.value)}</td><td>${Number.isFinite(s.accuracy.low) ? `${pct(s.accuracy.low)}–${pct(s.accuracy.high)}` : "–"}</td><td>${esc(pAboveChanceText(s))}</td><td>${num(s.macroF1.value, 3)}</td><td>${num(s.meanGoldRank)}</td><td>${num(s.meanGoldLogProb, 3)}</td>
<td>${pct(s.calibratedAccuracy)}</td><td>${pct(s.chance)}</td><td>${pct(s.majority)}</td><td>${pct(s.logreg)}</td>
<td class="l">${esc(shareText(s.labelShare))}</td><td class="l">${warningCell(s.warnings)}</td></tr>`,
    )
    .join("\n");
  const anchor = (v: string): string | undefined => (variants.includes(v) ? `acc-${variants.indexOf(v)}` : undefined);
  const card = (v: ReportVerdict, idPrefix = ""): string =>
    `<div class="card" id="${esc(idPrefix)}verdict-${esc(v.id)}"><h3>${esc(v.title)}</h3><div class="status ${esc(v.status)}">${esc(v.status)}</div><p>${esc(v.text)}</p>
${idPrefix && v.conditions.length ? `<details><summary class="muted">${v.conditions.length} conditions checked</summary>${conditionsHtml(v.conditions)}</details>` : conditionsHtml(v.conditions)}
<div class="muted">Runs: ${v.runs.length ? v.runs.map((r) => (anchor(r) ? `<a href="#${anchor(r)}">${esc(r)}</a>` : esc(r))).join(", ") : "none"}${v.missing?.length ? `; not run: ${esc(v.missing.join(", "))}` : ""}</div></div>`;
  const verdictCards = data.verdicts.length
    ? data.verdicts.map((v) => card(v)).join("\n")
    : `<p class="muted">No hypothesis verdicts: run tau_RA / tau_PA / tau_g variants (e.g. --variants gold,ra-string,pa-word,g-string) to get them.</p>`;
  const hypotheses = hypothesesHtml(data.figures, data.verdicts, card, anchor, esc);
  const confusions = data.confusions
    .map((c) => {
      if (c.labels && c.counts) {
        const labels = c.labels;
        const head = labels.map((l) => `<th>${esc(l)}</th>`).join("") + (c.ties ? `<th title="no prediction: tied top scores">tie</th>` : "");
        const body = c.counts.map((row, i) => `<tr><th class="l">${esc(labels[i])}</th>${row.map((x) => `<td>${x}</td>`).join("")}${c.ties ? `<td>${c.ties[i]}</td>` : ""}</tr>`).join("");
        return `<div><h3>${esc(c.variant)}, k = ${c.k}</h3><table class="confusion" data-variant="${esc(c.variant)}"><tr><th class="l">gold \\ predicted</th>${head}</tr>${body}</table></div>`;
      }
      // Many classes: the matrix would grow with the square of the classes; the CSVs have every row.
      const top = (c.top ?? []).map((p) => `<tr><td class="l">${esc(p.gold)}</td><td class="l">${esc(p.predicted)}</td><td>${p.count}</td><td>${pct(p.share)}</td></tr>`).join("");
      const rows = (c.rows ?? []).map((r) => `<tr><td class="l">${esc(r.label)}</td><td>${r.n}</td><td>${r.correct}</td><td>${pct(r.accuracy)}</td><td>${r.predicted}</td></tr>`).join("");
      return `<div><h3>${esc(c.variant)}, k = ${c.k}: ${c.classes} classes</h3>
<p class="muted">The ${c.top?.length ?? 0} most frequent confusions and the ${c.rows?.length ?? 0} classes with the most queries; show all: <a href="classes.csv">classes.csv</a> (every class), <a href="confusions.csv">confusions.csv</a> (every confusion).</p>
<table class="top-confusions" data-variant="${esc(c.variant)}"><tr><th class="l">gold</th><th class="l">predicted</th><th>queries</th><th>of gold</th></tr>${top || `<tr><td class="l" colspan="4">no confusions</td></tr>`}</table>
<table class="per-class" data-variant="${esc(c.variant)}"><tr><th class="l">class</th><th>queries</th><th>correct</th><th>accuracy</th><th>predicted</th></tr>${rows}</table></div>`;
    })
    .join("\n");
  const manifestRows: [string, string][] = [
    ["status", `${m.status}${m.error ? ` (${m.error})` : ""}`],
    ["demo file", `${m.demoFile.path} (${m.demoFile.examples} examples, classes ${m.demoFile.classes.join(", ")}, sha256 ${m.demoFile.sha256.slice(0, 16)}…)`],
    // A served model (docs/REMOTE.md) has no file: its host, context and the server's version instead.
    m.model.remote
      ? ["model", `${m.model.remote.model} served by ${m.model.remote.api} at ${m.model.remote.host}, context ${m.model.trainContextSize ?? "?"} tokens`]
      : [
          "model",
          `${m.model.fileName}, ${(m.model.sizeBytes / 1e6).toFixed(2)} MB, ${m.model.architecture}, vocabulary ${m.model.vocabSize}${m.model.quantization ? `, ${m.model.quantization}` : ""}`,
        ],
    [m.model.remote ? "model identity (name + tokenizer)" : "model sha256", m.model.sha256],
    ["engine", m.model.remote ? `${m.engine.name} ${m.engine.version}, up to ${m.engine.concurrency ?? "?"} requests in flight` : `${m.engine.name} ${m.engine.version}, ${m.engine.threads} threads`],
    [
      "scoring",
      m.model.remote
        ? "by the server"
        : m.engine.mode
          ? `${m.engine.mode} mode${m.engine.kvCacheType ? `, KV cache ${m.engine.kvCacheType.key}/${m.engine.kvCacheType.value}` : ""}${m.engine.contextSize ? `, context ${m.engine.contextSize}, batch ${m.engine.batchSize}` : ""}`
          : "not recorded (results file before version 3)",
    ],
    ["tool", `${m.tool.name} ${m.tool.version}`],
    ["variants", m.settings.variants.join(", ")],
    ["k", m.settings.k.join(", ")],
    ["seeds", m.settings.seeds.join(", ")],
    ["queries per seed", String(m.settings.queries)],
    ["demo selection", `${m.settings.selection}${m.settings.balance ? ", class-balanced" : ""}`],
    ["calibration", m.settings.calibrate ? "on (content-free N/A, empty, [MASK])" : "off"],
    ["template", JSON.stringify(m.settings.template)],
    ...(m.mappings ?? [])
      .filter((x, i, all) => all.findIndex((y) => y.variant === x.variant) === i)
      .map((x): [string, string] => [
        `${x.variant} (seed ${x.seed})`,
        x.rows
          .slice(0, 20)
          .map((r) => `${r.from} -> ${r.to}${r.note ? ` (${r.note})` : ""}`)
          .join("; ") + (x.rows.length > 20 ? `; ... ${x.rows.length - 20} more` : ""),
      ]),
    ...(m.skipped ?? []).map((c): [string, string] => [`skipped ${c.variant}${c.k !== undefined ? ` k=${c.k} seed ${c.seed}` : ""}`, c.reason]),
    ["started / ended", `${m.startedAt} / ${m.endedAt ?? "–"}`],
    ["progress", `${m.progress.done} / ${m.progress.total} queries`],
    ["machine", `${m.machine.platform} ${m.machine.arch}, ${m.machine.cpus} CPUs, Node ${m.machine.node}`],
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(data.title)}</title><style>${CSS}${REPORT_FIGURE_CSS}</style></head>
<body>
<h1>${esc(data.title)}</h1>
<div class="muted">${esc(m.status === "complete" ? "Complete run" : `Partial run (${m.status})`)}: ${m.progress.done} of ${m.progress.total} queries; ${esc(m.startedAt)}</div>
${warningBanner(data.warnings)}
<p id="no-charts" hidden>Charts need JavaScript; the tables below hold the same numbers.</p>
${hypotheses}
<h2>Hypothesis verdicts</h2><div class="cards">${verdictCards}</div>
<h2>Accuracy versus k</h2><div class="chart big"><canvas id="chart-acc"></canvas></div>
<div class="grid">${variants.map((v, i) => `<div class="chart" id="acc-${i}"><canvas id="chart-acc-${i}" data-variant="${esc(v)}"></canvas></div>`).join("")}</div>
<h2>Summary</h2>
<table id="summary"><tr><th class="l">variant</th><th>k</th><th>seeds</th><th>n</th><th>accuracy</th><th>95% interval</th><th>p &gt; chance</th><th>macro-F1</th><th>gold rank</th><th>gold log-prob</th><th>calibrated</th><th>chance</th><th>majority</th><th>log. reg.</th><th class="l">prediction share</th></tr>
${summaryRows}</table>
<p class="muted">Accuracy, its 95% interval and the p-values come from one method (docs/STATISTICS.md): with several seeds, the mean of the per-seed accuracies with an exact sign-flip test over seeds and the interval that inverts it (fewer than 6 seeds give no 95% interval: "–"); with one seed, distinct prompts are the units (exact binomial test, Clopper-Pearson interval). Baselines are trained on exactly the demonstrations the model saw.</p>
<table id="summary"><tr><th class="l">variant</th><th>k</th><th>seeds</th><th>n</th><th>accuracy</th><th>95% interval</th><th>macro-F1</th><th>gold rank</th><th>gold log-prob</th><th>calibrated</th><th>chance</th><th>majority</th><th>log. reg.</th><th class="l">prediction share</th><th class="l">warnings</th></tr>
${summaryRows}</table>
<p class="muted">Intervals: Wilson over queries for one seed, percentile bootstrap of per-seed accuracy across seeds. Baselines are trained on exactly the demonstrations the model saw.</p>
${warningSection(data.warnings)}
<h2>Per-label score distributions</h2>${data.distributions.some((d) => d.of) ? `<p class="muted">Many classes: each chart draws the ${Math.max(...data.distributions.map((d) => d.perLabel.length))} labels with the most gold queries.</p>` : ""}<div class="grid">${data.distributions.map((d, i) => `<div class="chart"><canvas id="chart-dist-${i}" data-variant="${esc(d.variant)}"></canvas></div>`).join("")}</div>
<h2>Confusion matrices</h2><div class="grid">${confusions}</div>
<h2>Run manifest</h2><table id="manifest">${manifestRows.map(([k, v]) => `<tr><th class="l">${esc(k)}</th><td class="l">${esc(v)}</td></tr>`).join("")}</table>
<script id="icl-data" type="application/json">${scriptJson(pageData(data))}</script>
<script>${inlineScript(chartJsSource)}</script>
<script>${PAGE_SCRIPT}</script>
</body></html>
`;
}
