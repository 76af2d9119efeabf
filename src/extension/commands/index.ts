// Every command module, registered by activate().
import type { CommandModule } from "../services";
import { runProbe } from "./runProbe";
import { runVariants } from "./runVariants";
import { previewVariant } from "./previewVariant";
import { selectModel } from "./selectModel";
import { downloadModel } from "./downloadModel";
import { showResults } from "./showResults";
import { exportResults } from "./exportResults";
import { openReport } from "./openReport";
import { cancelProbe } from "./cancelProbe";
import { chooseLensVariant } from "./chooseLensVariant";
import { showLog } from "./showLog";
import { importDataset } from "./importDataset";
import { showQuery } from "./showQuery";
import { compareRuns } from "./compareRuns";
import { removeRun } from "./removeRun";
import { openExample } from "./openExample";
import { openModelSetting } from "./openModelSetting";
import { chooseStudy, runStudy } from "./runStudy";
import { setServerApiKey } from "./setServerApiKey";

export const COMMANDS: readonly CommandModule[] = [
  runProbe,
  runVariants,
  previewVariant,
  selectModel,
  downloadModel,
  showResults,
  exportResults,
  openReport,
  cancelProbe,
  chooseLensVariant,
  showLog,
  importDataset,
  showQuery,
  compareRuns,
  removeRun,
  openExample,
  openModelSetting,
  runStudy,
  chooseStudy,
  setServerApiKey,
];
