// Runs the CLI in-process with captured stdout/stderr (no terminal, no SIGINT source).
import { main, type Io } from "../../src/cli/main";

export async function runCli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: Io = { out: (s) => (out += s + "\n"), err: (s) => (err += s + "\n"), tty: false };
  const code = await main(argv, io);
  return { code, out, err };
}
