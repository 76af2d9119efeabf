// ICL Probe: Show Log.
import * as vscode from "vscode";
import { log } from "../log";
import type { CommandModule } from "../services";

export const showLog: CommandModule = () => vscode.commands.registerCommand("iclProbe.showLog", () => log().show(true));
