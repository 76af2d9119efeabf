// The model-free classifiers behind the baselines of a run (chance, majority class of the demos,
// bag-of-n-grams logistic regression) and their scores on one demo set; src/core/experiment/
// baselines.ts turns those into the results file's baseline records.
export * from "./features";
export * from "./logreg";
export * from "./score";
