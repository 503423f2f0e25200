import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

export default defineConfig({
  resolve: {
    alias: {
      transformer: fileURLToPath(new URL("./src/lib/index.ts", import.meta.url)),
      notebook: fileURLToPath(new URL("./src/notebook/engine/notebook-module.ts", import.meta.url)),
    },
  },
  test: {
    include: ["tests/lib/**/*.test.ts", "tests/notebook/**/*.test.ts", "tests/chapters/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    pool: "forks",
  },
});
