// A study entry (catalog.ts) + the user's settings -> the overrides and grid of an ordinary plan.
// Pure: the CLI and the editor parse the demo file with `overrides` (so its checks see the real k
// and queries), then attach `grid` to the parsed settings (withStudyGrid) and run the plan like any
// other; a study run resumes, and extends, like any run.
import type { GridBlock, ProbeSettings } from "../types";
import { getVariant } from "../variants";
import type { FigureId } from "../figures/types";
import type { StudyBlock, StudyDefinition } from "./catalog";
import type { StudyManifest } from "../results/schema";

/** What the user may set (absent: the study's default). */
export interface StudyOptions {
  seeds?: number[];
  queries?: number;
  k?: number;
  kCurve?: number[];
  draws?: number;
  /** Run only the blocks that feed these figures (e.g. to add figure 3's runs to a study run). */
  figures?: FigureId[];
}

/** The study as the results file's manifest records it (results v3, optional `manifest.study`). */
export type { StudyManifest };

export interface ResolvedStudy {
  study: StudyDefinition;
  /** Settings the demo file is parsed with: variants (draw ranges kept), k (union), seeds, queries. */
  overrides: Pick<ProbeSettings, "variants" | "k" | "seeds" | "queries">;
  grid: GridBlock[];
  manifest: StudyManifest;
  /** What was decided and why (capped queries, variants this build lacks, blocks left out). */
  notes: string[];
}

export class StudyError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = "StudyError";
  }
}

const kOf = (b: StudyBlock, k: number, curve: readonly number[]): number[] => (b.k === "main" ? [k] : b.k === "curve" ? [...curve] : [...b.k]);

/**
 * Resolves a study: the user's options over its defaults. Queries beyond what the demo file leaves
 * after the largest k are capped by the plan (one rule for every run; the parser notes it).
 * Variants this build does not know are left out with a note.
 */
export function resolveStudy(study: StudyDefinition, opts: StudyOptions): ResolvedStudy {
  const d = study.defaults;
  const notes: string[] = [];
  const k = opts.k ?? d.k;
  const curve = opts.kCurve ?? [...d.kCurve];
  const draws = opts.draws ?? d.draws;
  if (!Number.isInteger(k) || k < 0) throw new StudyError(`the main k must be a whole number >= 0 (got ${k})`, "pass e.g. --k 32");
  if (!Number.isInteger(draws) || draws < 0 || draws > 10_000) throw new StudyError(`draws must be a whole number from 0 to 10000 (got ${draws})`, "pass e.g. --draws 50");
  const seeds = opts.seeds ?? Array.from({ length: d.seeds }, (_, i) => i + 1);
  if (seeds.length === 0) throw new StudyError("a study needs at least one seed", `pass e.g. --seeds 1..${d.seeds}`);
  const known = new Set<string>();
  const unknown = new Set<string>();
  const keep = (id: string): boolean => {
    if (known.has(id)) return true;
    if (unknown.has(id)) return false;
    (getVariant(id) ? known : unknown).add(id);
    return known.has(id);
  };
  const wanted = opts.figures?.length ? new Set(opts.figures) : undefined;
  if (wanted) {
    const bad = [...wanted].filter((f) => !study.figures.includes(f));
    if (bad.length) throw new StudyError(`${study.name} has no figure ${bad.join(", ")}`, `its figures are ${study.figures.map((f, i) => `${i + 1} ${f}`).join(", ")}`);
  }
  const grid: GridBlock[] = [];
  for (const b of study.blocks) {
    if (wanted && !b.figures.some((f) => wanted.has(f))) continue;
    const ks = kOf(b, k, curve);
    if (ks.length === 0) {
      notes.push(`block ${b.id} left out: it runs on the k curve, which is empty`);
      continue;
    }
    const variants = (b.variants ?? []).filter(keep);
    if (b.draws?.length) {
      if (draws === 0) notes.push(`block ${b.id} left out: draws = 0`);
      else variants.push(...b.draws.filter(keep).map((id) => (draws === 1 ? `${id}#0` : `${id}#0..${draws - 1}`)));
    }
    if (variants.length) grid.push({ variants, k: ks });
  }
  if (unknown.size) notes.push(`not in this build, left out: ${[...unknown].join(", ")}`);
  if (grid.length === 0) throw new StudyError(`nothing to run for ${study.name}${wanted ? ` (figures ${[...wanted].join(", ")})` : ""}`, "check --figures, --draws and --k-curve");
  const allK = [...new Set(grid.flatMap((g) => g.k))].sort((a, b) => a - b);
  // Variants in the catalog's order (the tables list them so); the blocks at the main k run
  // first, so that the first demo set, on which the run estimates its time, is a typical one.
  const variants = [...new Set(grid.flatMap((g) => g.variants))];
  grid.sort((a, b) => Number(!(a.k.length === 1 && a.k[0] === k)) - Number(!(b.k.length === 1 && b.k[0] === k)));
  const queries = opts.queries ?? d.queries;
  return {
    study,
    overrides: { variants, k: allK, seeds, queries },
    grid,
    manifest: { id: study.id, name: study.name, k, kCurve: [...curve], draws, figures: [...study.figures] },
    notes,
  };
}

/** The parsed settings with the study's grid: what the plan, the fingerprint and the manifest see. */
export function withStudyGrid(settings: ProbeSettings, r: ResolvedStudy): ProbeSettings {
  return { ...settings, grid: r.grid.map((g) => ({ variants: [...g.variants], k: [...g.k] })) };
}

/**
 * A run's settings grown by `add` (a figure's missing variants at its k): the grid gains a block,
 * variants and k their union. The runner then keeps every record of the run and scores only the
 * new cells (runExperiment's resume of a grown plan).
 */
export function extendSettings(settings: ProbeSettings, add: { variants: readonly string[]; k: readonly number[] }): ProbeSettings {
  const ks = add.k.length ? [...add.k] : [...settings.k];
  const grid = [...(settings.grid ?? [{ variants: [...settings.variants], k: [...settings.k] }]), { variants: [...add.variants], k: ks }];
  return {
    ...settings,
    grid,
    variants: [...new Set([...settings.variants, ...add.variants])],
    k: [...new Set([...settings.k, ...ks])].sort((a, b) => a - b),
  };
}
