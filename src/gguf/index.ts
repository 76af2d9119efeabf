// GGUF writing for fixtures, benchmark models and the embedded toy model.
export * from "./writer";
export * from "./quant";
export * from "./quantK";
export * from "./encode";
export * from "./ggmlTypes";
export * from "./dequant";
export * from "./vocab";
export * from "./llamaSpec";
export * from "./fixtures";
