import { defineConfig } from "vitest/config";

/**
 * Browser tests: run against the built site (see tests/e2e/global-setup.ts,
 * which builds it unless E2E_SKIP_BUILD=1 and serves it on 127.0.0.1).
 * One browser at a time: the machine has two cores.
 */
export default defineConfig({
  test: {
    include: ["tests/e2e/**/*.test.ts"],
    globalSetup: ["tests/e2e/global-setup.ts"],
    environment: "node",
    testTimeout: 90_000,
    hookTimeout: 600_000,
    fileParallelism: false,
    pool: "forks",
  },
});
