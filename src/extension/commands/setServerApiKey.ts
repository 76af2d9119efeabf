// ICL Probe: Set API Key for Server... — stores (or, when left empty, removes) the bearer key of
// a vLLM / SGLang server in SecretStorage, for that server's origin only (serverKeys.ts).
import * as vscode from "vscode";
import { SPEC_SYNTAX, specProblem } from "../../remote/spec";
import { keyOrigin, setServerKey } from "../serverKeys";
import type { CommandModule } from "../services";

export const setServerApiKey: CommandModule = (s) =>
  vscode.commands.registerCommand("iclProbe.setServerApiKey", async (specArg?: unknown): Promise<boolean> => {
    let spec = typeof specArg === "string" ? specArg : undefined;
    spec ??= await vscode.window.showInputBox({
      title: "ICL Probe: API key for which server?",
      prompt: `The server's URL (${SPEC_SYNTAX})`,
      value: s.settings().remoteSpec ?? "http://127.0.0.1:8000/v1",
      ignoreFocusOut: true,
      validateInput: specProblem,
    });
    if (!spec) return false;
    const origin = keyOrigin(spec);
    const key = await vscode.window.showInputBox({
      title: `ICL Probe: API key for ${origin}`,
      prompt: "Sent as 'Authorization: Bearer <key>' to this server only; kept in VS Code's secret storage, never in settings or results. Leave empty to remove the stored key.",
      password: true,
      ignoreFocusOut: true,
    });
    if (key === undefined) return false;
    await setServerKey(s.context.secrets, spec, key.trim() || undefined);
    void vscode.window.showInformationMessage(key.trim() ? `ICL Probe: API key stored for ${origin}.` : `ICL Probe: API key for ${origin} removed.`);
    return true;
  });
