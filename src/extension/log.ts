// The "ICL Probe" log output channel. Errors shown to the user always offer "Show log" so the
// engine's own messages (forwarded here) are one click away.
import * as vscode from "vscode";

let channel: vscode.LogOutputChannel | undefined;

export function createLog(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel("ICL Probe", { log: true });
  return channel;
}

export function log(): vscode.LogOutputChannel {
  return createLog();
}

/** Forwards an engine log line at its level. */
export function engineLog(level: "debug" | "info" | "warn" | "error", message: string): void {
  const c = log();
  if (level === "error") c.error(`[engine] ${message}`);
  else if (level === "warn") c.warn(`[engine] ${message}`);
  else if (level === "debug") c.debug(`[engine] ${message}`);
  else c.info(`[engine] ${message}`);
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const hint = (err as { hint?: unknown }).hint;
    return typeof hint === "string" && hint && !err.message.includes(hint) ? `${err.message} ${hint}` : err.message;
  }
  return String(err);
}

/** Logs an error and shows it with a "Show log" button; never throws. */
export async function showError(prefix: string, err: unknown, ...extra: string[]): Promise<string | undefined> {
  const msg = `${prefix}: ${describe(err)}`;
  log().error(msg);
  if (err instanceof Error && err.stack) log().debug(err.stack);
  const choice = await vscode.window.showErrorMessage(msg, ...extra, "Show log");
  if (choice === "Show log") log().show(true);
  return choice;
}
