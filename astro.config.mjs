// @ts-check
/**
 * Site configuration. Two environment variables adapt a build to its host:
 * - BASE_PATH: the sub-path the site is served under (e.g. `/ml-course/transformers/`); default `/`.
 * - SITE_URL: the public origin (e.g. `https://example.github.io`), used for canonical links and the sitemap.
 * Three more tune the pre-rendering of cells (src/notebook/build/):
 * - NOTEBOOK_FRESH=1 ignores the output cache in node_modules/.cache/notebook-outputs/ (so does CI=true).
 * - NOTEBOOK_WORKERS=n runs n chapters at once (default: one per core).
 */
import { defineConfig, passthroughImageService } from "astro/config";
import starlight from "@astrojs/starlight";
import remarkMath from "remark-math";
import rehypeKatex from "rehype-katex";
import { fileURLToPath } from "node:url";
import { chapterSidebar } from "./src/integrations/chapter-sidebar.ts";
import { remarkCells } from "./src/integrations/remark-cells.ts";
import { rehypeScrollableMath } from "./src/integrations/rehype-scrollable-math.ts";
import { siteBuildContext, summaryLine } from "./src/notebook/build/context.ts";
import { docsIndexPlugin } from "./scripts/docs-index.ts";

const docsDir = fileURLToPath(new URL("./src/content/docs/", import.meta.url));
const publicDir = fileURLToPath(new URL("./public/", import.meta.url));
const base = process.env.BASE_PATH || "/";

/** Prints the build's wall time and how many cells ran or came from the cache; drops cache entries unused for a month. */
function notebookBuildSummary() {
  return {
    name: "notebook-build-summary",
    hooks: {
      "astro:build:start": () => siteBuildContext().cache.prune(),
      /** @param {{ logger: import("astro").AstroIntegrationLogger }} options */
      "astro:build:done": ({ logger }) => {
        logger.info(`${summaryLine(siteBuildContext())}; build ${process.uptime().toFixed(1)} s`);
      },
    },
  };
}

export default defineConfig({
  base,
  site: process.env.SITE_URL || undefined,
  trailingSlash: "always",
  // No sharp, no network: images are served as they are.
  image: { service: passthroughImageService() },
  markdown: {
    remarkPlugins: [remarkMath, [remarkCells, { docsDir, publicDir }]],
    rehypePlugins: [rehypeKatex, rehypeScrollableMath],
  },
  // Starlight adds the MDX integration itself (after its own, as it requires).
  integrations: [
    starlight({
      title: "Transformers, by running them",
      description: "A notebook-style course: learn how Transformers work by running and changing them in your browser.",
      customCss: ["katex/dist/katex.min.css", "./src/styles/notebook.css", "./src/styles/companions.css"],
      sidebar: [{ label: "Chapters", items: chapterSidebar(docsDir) }],
      components: { PageTitle: "./src/components/ChapterTitle.astro", Sidebar: "./src/components/Sidebar.astro", Pagination: "./src/components/Pagination.astro" },
      lastUpdated: false,
      pagination: true,
    }),
    notebookBuildSummary(),
  ],
  vite: {
    resolve: {
      alias: {
        transformer: fileURLToPath(new URL("./src/lib/index.ts", import.meta.url)),
        notebook: fileURLToPath(new URL("./src/notebook/engine/notebook-module.ts", import.meta.url)),
      },
    },
    worker: { format: "es" },
    // The editor's documentation index, read from the library's TSDoc on every build.
    plugins: [docsIndexPlugin()],
  },
});
