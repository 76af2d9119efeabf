// Automated accessibility check (axe-core) inside a webview's document. axe-core is a dev
// dependency of the tests only: it is evaluated into the frame from here (through the DevTools
// protocol, which the webview's Content-Security-Policy does not govern), never shipped in the
// extension.
import { readFileSync } from "node:fs";
import type { Frame } from "playwright-core";

const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/** Every axe-core violation in the frame's document (WCAG 2.x A and AA rules and best practices). */
export async function axeViolations(frame: Frame): Promise<AxeViolation[]> {
  await frame.evaluate(`${AXE_SOURCE}\n;0`);
  return frame.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; impact?: string; help: string; nodes: { target: string[]; failureSummary?: string }[] }[] }> };
      }
    ).axe;
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? "unknown",
      help: v.help,
      nodes: v.nodes.slice(0, 6).map((n) => `${n.target.join(" ")}: ${(n.failureSummary ?? "").replace(/\s+/g, " ").slice(0, 300)}`),
    }));
  });
}

/** The serious and critical ones, each as one line for an assertion message. */
export function serious(violations: readonly AxeViolation[]): string[] {
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.join(" | ")}`);
}
