// Studies as data (catalog.ts) and their resolution into a plan's grid (resolve.ts).
export * from "./catalog";
export * from "./resolve";
