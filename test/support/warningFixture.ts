// A demo file with a label that merges with the template on the embedded model: toy-lookup's
// inputs with the template "{input} -{label}", where icl-toy's tokenizer turns "-" + ">" into its
// "->" token (the label "<" does not merge). Used by the model tests, the CLI test and the e2e
// warnings scenario, so they all read the same boundary-merge warning.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(__dirname, "..", "..", "..");

export function arrowDemoText(grid: Record<string, unknown> = {}): string {
  const lines = readFileSync(join(root, "examples", "toy-lookup.icl.jsonl"), "utf8")
    .trim()
    .split("\n")
    .slice(1);
  const header = { "icl-probe": 1, instruction: "lookup:", template: "{input} -{label}", separator: "\n", labels: [">", "<"], ...grid };
  const body = lines.slice(0, 40).map((l, i) => JSON.stringify({ input: (JSON.parse(l) as { input: string }).input, label: i % 2 ? "<" : ">" }));
  return [JSON.stringify(header), ...body].join("\n") + "\n";
}
