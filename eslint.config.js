import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "out/", ".moat/", "dist/", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-constant-condition": ["error", { checkLoops: false }],
    },
  },
  {
    // Node 20's V8 gives every object made by such a literal a hidden class of its own (a new map and
    // descriptors in the old generation, ~20x the time): docs/gateway.md, session 6. Use Object.assign.
    files: ["src/**/*.ts", "bench/**/*.ts"],
    ignores: ["**/*.test.ts", "src/**/testing/**"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "ObjectExpression > SpreadElement:first-child:not(:last-child)",
          message: "An object literal that starts with a spread and adds members gets a hidden class per object in Node 20 (slow, old-generation garbage): use Object.assign({}, a, { more }) or one literal.",
        },
      ],
    },
  },
);
