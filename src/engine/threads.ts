// Physical CPU cores, for llama.cpp's thread count. os.availableParallelism() counts logical
// CPUs (hyper-threads); llama.cpp's matrix kernels gain nothing from a core's second hyper-thread
// and node-llama-cpp's default of 4 threads on a 2-core machine makes every decode call hundreds
// of times slower (measured on this project's 2-core test machine).
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { defined } from "../core/defined";

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

/** Jiffies of all CPUs from /proc/stat's aggregate "cpu" line: busy (user, nice, system, irq, softirq, steal) and total. */
export function cpuJiffiesFromProcStat(text: string): { busy: number; total: number } | undefined {
  const m = /^cpu\s+(.*)$/m.exec(text);
  if (!m) return undefined;
  const f = defined(m[1], "the cpu line's fields").trim().split(/\s+/).map(Number);
  if (f.length < 4 || f.some((x) => !Number.isFinite(x))) return undefined;
  // user nice system idle iowait irq softirq steal (guest time is already inside user and nice).
  // The first four are present (length checked above); the defaults only satisfy the type.
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/** How long the contention sample lasts: short against a model load, long enough for 20 scheduler ticks at 100 Hz. */
export const CONTENTION_WINDOW_MS = 200;

/**
 * CPUs kept busy by other work right now: the machine's busy share over a short window, times
 * the logical CPU count. This process only waits meanwhile, so what is measured is the others'
 * load. Undefined where /proc/stat is unavailable (not Linux).
 */
export async function measureBusyCpus(windowMs = CONTENTION_WINDOW_MS, logical: number = availableParallelism()): Promise<number | undefined> {
  const read = () => {
    try {
      return cpuJiffiesFromProcStat(readFileSync("/proc/stat", "utf8"));
    } catch {
      return undefined;
    }
  };
  const a = read();
  if (!a) return undefined;
  await new Promise((r) => setTimeout(r, windowMs));
  const b = read();
  if (!b || b.total <= a.total) return undefined;
  return ((b.busy - a.busy) / (b.total - a.total)) * logical;
}

/**
 * Default thread count for a context, with the reason (recorded as ModelInfo.threadsReason and in
 * the run manifest). The physical cores, except:
 * - a small model: 1 thread (a scorer's batches are small; more threads only add barrier waits);
 * - contention now: when other work keeps so many CPUs busy that fewer than the physical cores
 *   are free (measured at load, `busyCpus`), 1 thread. llama.cpp's worker threads meet at a
 *   barrier after every graph node; when another process holds one of the cores, each barrier
 *   waits for a preempted thread's next time slice, so a scorer's small batches become 10-100x
 *   slower with 2 threads than with 1 (measured: stories260K with 2 cores taken by other jobs,
 *   35 s vs 0.7 s for the same 12 queries).
 * This replaced a rule on the 1-minute load average, which still counts the previous run for a
 * minute after it ended (one 2-thread job alone leaves a load of ~2 on 2 CPUs), so it chose 1
 * thread on an idle machine and cost 1.4x on the benchmark (issue 11).
 */
export function defaultThreads(busyCpus: number | undefined, logical: number = availableParallelism(), physical: number = physicalCores(), modelBytes?: number): { threads: number; reason: string } {
  // Measured on this 2-core machine, idle, 64 queries after 8 demos: icl-toy 3.2 vs 18.7 ms per
  // query with 1 vs 2 threads, stories260K 10.5 vs 33 ms; a 135M-parameter Q8_0 model 67 vs
  // 57 ms (2 threads pay off there).
  if (physical > 1 && modelBytes !== undefined && modelBytes < SMALL_MODEL_BYTES)
    return { threads: 1, reason: `1 thread: a small model (${(modelBytes / 1048576).toFixed(1)} MB), where more threads only add barrier waits` };
  if (physical <= 1) return { threads: 1, reason: "1 thread: the machine has one physical core" };
  if (busyCpus === undefined) return { threads: physical, reason: `${physical} thread(s): the physical core count (contention not measurable here: no /proc/stat)` };
  const free = logical - busyCpus;
  const measured = `${busyCpus.toFixed(1)} of ${logical} CPUs busy with other work over ${CONTENTION_WINDOW_MS} ms at load`;
  // Half a core of slack: a core counts as taken when another process held it most of the window.
  if (free < physical - 0.5) return { threads: 1, reason: `1 thread: ${measured}, fewer free than the ${physical} physical cores; multi-threaded decoding would stall at llama.cpp's thread barriers` };
  return { threads: physical, reason: `${physical} thread(s): the physical core count (${measured})` };
}
