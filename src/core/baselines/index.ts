// Model-free baselines: chance, majority class, bag-of-n-grams logistic regression.
export * from "./features";
export * from "./logreg";
export * from "./baselines";
