// Remote backend benchmark (`npm run bench`, or alone: `npm run bench -- remote`): the standard
// probe (bench/engine.bench.ts STANDARD_PROBE, the same file as bench/runner.bench.ts) through
// RemoteEngine and the loopback server (test/support/remoteServer.ts: node-llama-cpp on the
// embedded model, exact mode, in its own process on 127.0.0.1), in the vLLM and the SGLang wire
// formats, with 1 request in flight and with the default pool.
//
// The server measures its own scoring time (wall time with an evaluation running). The client
// measures the synchronous work of its own code per request (tokenization bookkeeping, request
// bodies, parsing answers, summing): client overhead = client ms / server scoring ms (goal
// under 5% at the default concurrency). The wall-clock excess (wall - server scoring) / server
// scoring is printed too: it adds the HTTP stacks on both sides, the server's own JSON work and,
// on this 2-core machine, the two processes' competition for the cores.
// ICL_BENCH_QUERIES shrinks the probe; ICL_BENCH_REMOTE_FORMATS=vllm|sglang runs one format.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { defaultModelPath } from "../src/engine/defaultModel";
import { packageRoot } from "../src/node/packageRoot";
import { runExperiment } from "../src/runner/run";
import { RemoteEngine } from "../src/remote/engine";
import { DEFAULT_CONCURRENCY } from "../src/remote/spec";
import type { ResultsFile } from "../src/core/results/schema";
import { spawnLoopbackServer } from "../test/support/remoteServerProcess";
import { STANDARD_PROBE } from "./engine.bench";
import { probeFileText, standardProbe } from "./runner.bench";
import { defined } from "../src/core/defined";

const FORMATS = (process.env.ICL_BENCH_REMOTE_FORMATS ?? "vllm,sglang").split(",").map((s) => s.trim()) as ("vllm" | "sglang")[];

interface Row {
  format: string;
  concurrency: number;
  wallMs: number;
  serverMs: number;
  clientMs: number;
  requests: number;
  tokensSent: number;
  results: ResultsFile;
}

export async function run(): Promise<object> {
  const root = packageRoot(__dirname) ?? process.cwd();
  const modelPath = defaultModelPath(__dirname);
  if (!existsSync(modelPath)) {
    console.log(`remote bench skipped: ${modelPath} is absent (the loopback server scores with it)`);
    return { skipped: "no embedded model" };
  }
  const { text, note } = probeFileText(root);
  const demoPath = join(root, STANDARD_PROBE.file);
  const { file, plan } = standardProbe(text, demoPath);
  console.log(`standard probe: ${note}; ${plan.totalQueries} queries in ${plan.groups.length} demo sets; loopback server with icl-toy.gguf (exact mode)`);

  const rows: Row[] = [];
  for (const format of FORMATS) {
    for (const concurrency of [1, DEFAULT_CONCURRENCY]) {
      // A fresh server per row: no row starts with another's prefixes cached.
      const server = await spawnLoopbackServer({ modelPath, mode: format });
      try {
        const engine = await RemoteEngine.connect(`${format}+${server.url}#icl-toy`, { concurrency });
        try {
          const s0 = await server.stats();
          const c0 = engine.stats.clientMs;
          const r = await runExperiment({ file, fileText: text, settings: file.settings, modelPath: engine.label }, { engine });
          if (r.status !== "complete") throw new Error(`${format} c=${concurrency}: ${r.status} ${r.error?.message ?? ""}`);
          const s1 = await server.stats();
          rows.push({
            format,
            concurrency,
            wallMs: r.wallMs,
            serverMs: s1.busyMs - s0.busyMs,
            clientMs: engine.stats.clientMs - c0,
            requests: engine.stats.requests,
            tokensSent: engine.stats.tokensSent,
            results: r.results,
          });
        } finally {
          await engine.dispose();
        }
      } finally {
        await server.close();
      }
    }
  }

  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log("");
  console.log("| format | in flight | wall | server scoring | client CPU | client / server (goal < 5%) | client per request | (wall - server) / server | requests | tokens/s |");
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const r of rows)
    console.log(
      `| ${r.format} | ${r.concurrency} | ${s(r.wallMs)} | ${s(r.serverMs)} | ${s(r.clientMs)} | ${pct(r.clientMs / r.serverMs)} | ${(r.clientMs / r.requests).toFixed(2)} ms | ${pct((r.wallMs - r.serverMs) / r.serverMs)} | ${r.requests} | ${Math.round(r.tokensSent / (r.wallMs / 1000))} |`,
    );
  // The same numbers whatever the concurrency (exact mode on the server; float rounding only).
  for (const format of FORMATS) {
    const [a, b] = rows.filter((r) => r.format === format);
    if (!a || !b) continue;
    let max = 0;
    a.results.records.forEach((x, i) =>
      x.labels.forEach((l, j) => (max = Math.max(max, Math.abs(l.logProb - defined(b.results.records[i]?.labels[j], `label ${j} of record ${i} of the second run`).logProb)))),
    );
    console.log(`${format}: max |Δ logProb| between 1 and ${DEFAULT_CONCURRENCY} in flight: ${max.toExponential(2)}`);
  }
  return {
    queries: plan.totalQueries,
    rows: rows.map(({ results: _r, ...rest }) => ({ ...rest, clientShare: rest.clientMs / rest.serverMs, wallExcess: (rest.wallMs - rest.serverMs) / rest.serverMs })),
  };
}
