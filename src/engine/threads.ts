// Physical CPU cores, for llama.cpp's thread count. os.availableParallelism() counts logical
// CPUs (hyper-threads); llama.cpp's matrix kernels gain nothing from a core's second hyper-thread
// and node-llama-cpp's default of 4 threads on a 2-core machine makes every decode call hundreds
// of times slower (measured on this project's 2-core test machine).
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";

/** Counts distinct (physical id, core id) pairs in /proc/cpuinfo text; 0 when it has none. */
export function physicalCoresFromCpuinfo(cpuinfo: string): number {
  const cores = new Set<string>();
  for (const block of cpuinfo.split(/\n\s*\n/)) {
    const phys = /^physical id\s*:\s*(\d+)/m.exec(block);
    const core = /^core id\s*:\s*(\d+)/m.exec(block);
    if (core) cores.add(`${phys?.[1] ?? "0"}:${core[1]}`);
  }
  if (cores.size > 0) return cores.size;
  // Some VMs omit "core id" but give "cpu cores" per package.
  const perPackage = /^cpu cores\s*:\s*(\d+)/m.exec(cpuinfo);
  if (perPackage) {
    const packages = new Set([...cpuinfo.matchAll(/^physical id\s*:\s*(\d+)/gm)].map((m) => m[1]));
    return Number(perPackage[1]) * Math.max(1, packages.size);
  }
  return 0;
}

let cached: number | undefined;

/** Physical cores of this machine (Linux: /proc/cpuinfo; elsewhere: logical CPUs), at least 1. */
export function physicalCores(): number {
  if (cached !== undefined) return cached;
  let n = 0;
  try {
    n = physicalCoresFromCpuinfo(readFileSync("/proc/cpuinfo", "utf8"));
  } catch {
    // Not Linux: fall through to the logical count (macOS/Windows report no /proc).
  }
  const logical = availableParallelism();
  cached = Math.max(1, n > 0 ? Math.min(n, logical) : logical);
  return cached;
}

/** Models below this size score fastest on one thread (see defaultThreads). */
export const SMALL_MODEL_BYTES = 64 * 1024 * 1024;

/**
 * Default thread count for a context: the physical cores, except on an oversubscribed machine
 * (1-minute load average at or above the logical CPU count), where it is 1. llama.cpp's worker
 * threads meet at a barrier after every graph node; when another process holds one of the cores,
 * each barrier waits for a preempted thread's next time slice, so the small per-query batches of
 * a scorer become 10-100x slower with 2 threads than with 1 (measured here: stories260K, load 15
 * on 2 cores: 35 s vs 0.7 s for the same 12 queries). Returns the count and why.
 */
export function defaultThreads(
  load: number = loadavg()[0],
  logical: number = availableParallelism(),
  physical: number = physicalCores(),
  modelBytes?: number,
): { threads: number; reason: string } {
  // A scorer's batches are small (one query and its label tokens). For a small model the compute
  // per batch is tiny and every extra thread only adds barrier waits: measured on this 2-core
  // machine, idle, 64 queries after 8 demos: icl-toy 3.2 vs 18.7 ms per query with 1 vs 2 threads,
  // stories260K 10.5 vs 33 ms; a 135M-parameter Q8_0 model 67 vs 57 ms (2 threads pay off there).
  if (physical > 1 && modelBytes !== undefined && modelBytes < SMALL_MODEL_BYTES)
    return { threads: 1, reason: `1 thread: a small model (${(modelBytes / 1048576).toFixed(1)} MB), where more threads only add barrier waits` };
  if (physical > 1 && load >= logical)
    return { threads: 1, reason: `1 thread: the machine is busy (load ${load.toFixed(1)} on ${logical} CPUs), where multi-threaded decoding stalls at llama.cpp's thread barriers` };
  return { threads: physical, reason: `${physical} thread(s): the physical core count` };
}
