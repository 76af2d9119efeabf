// The one probe state every view follows: it goes idle -> preparing -> running -> (cancelling) ->
// idle, tells every listener synchronously, never shows progress or an ETA after a cancel, and
// says the same count in every view.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ProbeState } from "../../src/extension/probeState";
import { isBusy, outcomeLine, progressLine, type ProbeStatus } from "../../src/shared/probeStatus";

test("a run's phases reach every listener in order; progress after the cancel is dropped", () => {
  const st = new ProbeState();
  const a: string[] = [];
  const b: ProbeStatus[] = [];
  st.onDidChange((now) => a.push(now.phase));
  st.onDidChange((now) => b.push(now));
  st.prepare("s.icl.jsonl");
  st.step("loading the model");
  st.progress({ done: 1, total: 10 }); // not running yet: ignored
  st.begin("s/1", 10);
  st.progress({ done: 3, total: 10, etaSeconds: 7, label: "gold k=2 seed 1" });
  assert.equal(progressLine(st.current), "3 of 10 queries · gold k=2 seed 1 · 7s left");
  st.cancelling();
  assert.equal(st.current.etaSeconds, undefined, "no ETA once a cancel was asked");
  st.progress({ done: 4, total: 10, etaSeconds: 9 });
  assert.equal(st.current.done, 3, "progress after the cancel is dropped");
  assert.match(progressLine(st.current), /^cancelling… \(3 of 10 queries scored; they are kept\)$/);
  st.finish("interrupted");
  assert.equal(st.current.phase, "idle");
  assert.equal(outcomeLine(st.current), "s.icl.jsonl: cancelled, 3 of 10 queries kept");
  st.progress({ done: 5, total: 10 });
  st.cancelling();
  assert.equal(st.current.phase, "idle", "nothing moves after the end");
  assert.deepEqual(a, ["preparing", "preparing", "running", "running", "cancelling", "idle"]);
  assert.deepEqual(
    b.map((s) => isBusy(s)),
    [true, true, true, true, true, false],
  );
});

test("a failed probe ends idle with its message; a refused one leaves no outcome; a broken listener does not stop the others", () => {
  const st = new ProbeState();
  let seen = 0;
  st.onDidChange(() => {
    throw new Error("broken view");
  });
  st.onDidChange(() => seen++);
  st.prepare("m.icl.jsonl");
  st.finish("failed", { message: "the model file is truncated" });
  assert.equal(st.current.phase, "idle");
  assert.equal(outcomeLine(st.current), "m.icl.jsonl: failed: the model file is truncated");
  st.prepare("bad.icl.jsonl");
  st.abandon();
  assert.equal(st.current.last?.file, "m.icl.jsonl", "a probe that never started keeps the previous outcome");
  assert.equal(seen, 4);
  st.setQueued(2);
  assert.equal(st.current.queued, 2);
});

test("the progress line says the time left through the one duration format", () => {
  assert.equal(progressLine({ phase: "running", done: 3, total: 40, etaSeconds: 130, label: "gold k=2 seed 1", queued: 0 }), "3 of 40 queries · gold k=2 seed 1 · 2m 10s left");
  assert.equal(progressLine({ phase: "preparing", file: "a.icl.jsonl", step: "loading x.gguf", done: 0, total: 0, queued: 0 }), "a.icl.jsonl: loading x.gguf…");
});
