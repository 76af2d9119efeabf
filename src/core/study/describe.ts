// The sentence a study run starts with: what it will score, before the first estimate of how long.
import type { ExperimentPlan } from "../experiment/plan";
import type { StudyManifest } from "./resolve";

const n = (x: number): string => x.toLocaleString("en-US");

export function studyPlanText(m: StudyManifest, plan: ExperimentPlan, fileName: string): string {
  const seeds = plan.settings.seeds.length;
  const cells = new Set(plan.groups.map((g) => `${g.variant}|${g.k}`)).size;
  const parts = [
    `${seeds} seed${seeds === 1 ? "" : "s"} x ${plan.settings.queries} queries`,
    `k = ${m.k}`,
    ...(m.kCurve.length ? [`k curve ${m.kCurve.join(", ")}`] : []),
    ...(m.draws ? [`${m.draws} random g`] : []),
    `${cells} variant x k runs`,
  ];
  return `${m.name} on ${fileName}: ${n(plan.totalQueries)} queries in ${n(plan.groups.length)} demo sets (${parts.join("; ")}). How long it takes is measured on the first demo set.`;
}
