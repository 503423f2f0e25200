/**
 * Builds the site under a sub-path (as on GitHub Pages) and serves `dist/` on
 * 127.0.0.1 for the browser tests. Every test runs under the base path, so a
 * link or asset that ignores it fails a test.
 *
 * E2E_SKIP_BUILD=1 reuses an existing `dist/` (built with the same BASE_PATH).
 */
import { execFileSync } from "node:child_process";
import type { TestProject } from "vitest/node";
import { serveStatic } from "../../scripts/serve";

/** The sub-path the tests build and serve the site under. */
export const E2E_BASE_PATH = "/ml-course/transformers/";

declare module "vitest" {
  export interface ProvidedContext {
    /** URL of the served site's home page, ending in the base path. */
    siteUrl: string;
  }
}

export default async function setup(project: TestProject) {
  if (!process.env.E2E_SKIP_BUILD) {
    execFileSync("npx", ["astro", "build"], {
      stdio: "inherit",
      env: { ...buildEnvironment(), BASE_PATH: E2E_BASE_PATH, ASTRO_TELEMETRY_DISABLED: "1" },
    });
  }
  const { server, url } = await serveStatic({ dir: "dist", base: E2E_BASE_PATH, port: 0 });
  project.provide("siteUrl", url);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * The environment for the child build, without the `import.meta.env` values
 * Vitest puts into `process.env` (`BASE_URL=/`, `MODE`, `DEV`, `PROD`, `SSR`):
 * Vite reads them back during the server-side render, and a leaked
 * `BASE_URL=/` silently drops the base path from Starlight's own links.
 */
function buildEnvironment(): NodeJS.ProcessEnv {
  const leaked = new Set(["BASE_URL", "MODE", "DEV", "PROD", "SSR"]);
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !leaked.has(key) && !key.startsWith("VITEST")));
}
