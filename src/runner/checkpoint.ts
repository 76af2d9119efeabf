// Crash-safe persistence of a run in its output directory.
//  - results.json is always replaced atomically (write <name>.tmp-<pid>, fsync, rename), so a reader
//    or a crash never sees half a file.
//  - results.journal.jsonl gets one line per scored query as soon as the runner has it (not
//    fsynced: the data is in the OS page cache once write() returns, so a killed or crashed
//    process loses nothing; only an OS crash could). Rewriting a multi-megabyte results.json after
//    every query would cost more than scoring it on small models, so the atomic snapshot is
//    refreshed at most every `snapshotEveryMs` and whenever the run stops; the journal bounds the
//    loss on a kill to what the engine had not returned yet.
// Resume reads results.json, then the journal (a torn last line from a kill is ignored).
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync, mkdirSync } from "node:fs";
import { dirname, join, basename } from "node:path";
import type { QueryRecord } from "../core/types";
import type { CalibrationRecord } from "../core/results/schema";

export const RESULTS_FILE = "results.json";
export const JOURNAL_FILE = "results.journal.jsonl";

/** Writes `text` to `path` atomically: temp file in the same directory, fsync, rename over. */
export function writeFileAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export type JournalEntry = { type: "record"; fingerprint: string; record: QueryRecord } | { type: "calibration"; fingerprint: string; record: CalibrationRecord };

export class Journal {
  private fd: number | undefined;
  constructor(readonly path: string) {}

  append(entries: JournalEntry[]): void {
    if (entries.length === 0) return;
    if (this.fd === undefined) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, "a");
    }
    writeSync(this.fd, entries.map((e) => JSON.stringify(e)).join("\n") + "\n");
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** Removes the journal once its content is in an atomic snapshot of a finished run. */
  remove(): void {
    this.close();
    rmSync(this.path, { force: true });
  }

  /** Entries of a journal written for `fingerprint`; a torn or foreign line is skipped, not fatal. */
  static read(path: string, fingerprint: string): JournalEntry[] {
    if (!existsSync(path)) return [];
    const out: JournalEntry[] = [];
    for (const line of readFileSync(path, "utf8").split("\n")) {
      if (!line.trim()) continue;
      try {
        const e = JSON.parse(line) as JournalEntry;
        if (e && e.fingerprint === fingerprint && (e.type === "record" || e.type === "calibration")) out.push(e);
      } catch {
        // The line being written when the process was killed: that query is re-scored.
      }
    }
    return out;
  }
}
