// ESLint (flat config): typescript-eslint's recommended rules over the TypeScript sources, run by
// `npm test` (pretest -> npm run lint) with zero findings allowed. The scripts (*.mjs) and the
// e2e tool folder are not linted yet.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["out/**", "dist/**", "node_modules/**", "e2e/**", "models/**", "**/*.js", "**/*.mjs", "**/*.cjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // A leading underscore marks a value left out on purpose (`const { a: _a, ...rest } = x`).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", ignoreRestSiblings: true }],
      // A destructuring with one reassigned part stays `let`; so does a binding that a closure
      // reads before its one assignment (late wiring in extension.ts).
      "prefer-const": ["error", { destructuring: "all", ignoreReadBeforeAssign: true }],
      // Control characters in a regex are how demo-file text and terminal output are cleaned.
      "no-control-regex": "off",
    },
  },
  {
    // Tests and benchmarks load modules fresh or in child processes with require().
    files: ["test/**/*.ts", "bench/**/*.ts"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
