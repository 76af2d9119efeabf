// Pure statistics for ICL Probe: the inference method (inference.ts), correlations and their
// randomization tests, classification metrics, score summaries.
export * from "./intervals";
export * from "./inference";
export * from "./correlation";
export * from "./classification";
export * from "./scores";
