// Pure statistics for ICL Probe (intervals, tests, correlations, bootstrap, classification metrics).
export * from "./special";
export * from "./intervals";
export * from "./tests";
export * from "./correlation";
export * from "./bootstrap";
export * from "./classification";
export * from "./scores";
