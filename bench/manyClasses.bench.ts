// Many classes (1,000 and 1,727, the largest function-vector word-pair task): what the outputs
// cost once the run is scored (scoring speed is the engine benchmark's). A results file with
// every label scored per query is analysed and rendered: report size (goal: under 5 MB),
// classes.csv size, the panel's confusion payload, the time, and the heap growth.
import { performance } from "node:perf_hooks";
import { renderReport } from "../src/report";
import { analyseRun } from "../src/core/analysis";
import { classesCsv, confusionsCsv } from "../src/core/results/csv";
import { confusionView } from "../src/shared/viewModel";
import { manyClassRun } from "../test/support/manyClasses";

export async function run(): Promise<object> {
  const rows: object[] = [];
  console.log("classes  records  analyse+report ms  report MB  classes.csv MB  panel confusion KB  heap growth MB");
  for (const n of [1000, 1727]) {
    const results = manyClassRun(n, ["gold", "ra-string", "ra-synonym"], [0, 4, 8], 16);
    global.gc?.();
    const heap0 = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    const analysis = analyseRun(results);
    const html = renderReport(results, analysis);
    const csv = classesCsv(results) + confusionsCsv(results);
    const panel = JSON.stringify(confusionView(analysis, "gold", 8)).length;
    const ms = performance.now() - t0;
    const heap = (process.memoryUsage().heapUsed - heap0) / 1e6;
    const row = {
      classes: n,
      records: results.records.length,
      ms: Math.round(ms),
      reportMb: +(html.length / 1e6).toFixed(2),
      classesCsvMb: +(csv.length / 1e6).toFixed(2),
      panelConfusionKb: +(panel / 1e3).toFixed(1),
      heapGrowthMb: +heap.toFixed(1),
    };
    rows.push(row);
    console.log(
      `${String(n).padStart(7)}  ${String(row.records).padStart(7)}  ${String(row.ms).padStart(17)}  ${String(row.reportMb).padStart(9)}  ${String(row.classesCsvMb).padStart(14)}  ${String(row.panelConfusionKb).padStart(18)}  ${String(row.heapGrowthMb).padStart(14)}`,
    );
  }
  return { rows };
}
