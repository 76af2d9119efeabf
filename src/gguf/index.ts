// GGUF writing for fixtures, benchmark models and the embedded models (toy copier, memoriser).
export * from "./writer";
export * from "./quant";
export * from "./quantK";
export * from "./encode";
export * from "./ggmlTypes";
export * from "./dequant";
export * from "./vocab";
export * from "./llamaSpec";
export * from "./fixtures";
export * from "./memoriser";
