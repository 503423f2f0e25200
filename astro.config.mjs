// @ts-check
/**
 * Site configuration. Two environment variables adapt a build to its host:
 * - BASE_PATH: the sub-path the site is served under (e.g. `/ml-course/transformers/`); default `/`.
 * - SITE_URL: the public origin (e.g. `https://example.github.io`), used for canonical links and the sitemap.
 * Three more tune the pre-rendering of cells (src/notebook/build/):
 * - NOTEBOOK_FRESH=1 ignores the output cache in node_modules/.cache/notebook-outputs/ (so does CI=true), and
 *   `npm run build` (scripts/build.ts) then also ignores its cache of whole builds.
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
import { rehypeOperatorSpacing } from "./src/integrations/rehype-operator-spacing.ts";
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
        const cpu = process.cpuUsage();
        const cpuSeconds = ((cpu.user + cpu.system) / 1e6).toFixed(1);
        logger.info(`${summaryLine(siteBuildContext())}; build ${process.uptime().toFixed(1)} s, ${cpuSeconds} s CPU in this process`);
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
    // MathML only: browsers draw it natively (and read it aloud), at a tenth of the elements of KaTeX's HTML.
    rehypePlugins: [[rehypeKatex, { output: "mathml" }], rehypeOperatorSpacing, rehypeScrollableMath],
  },
  // Starlight adds the MDX integration itself (after its own, as it requires).
  integrations: [
    starlight({
      title: "Transformers, by running them",
      description: "A notebook-style course: learn how Transformers work by running and changing them in your browser.",
      customCss: ["./src/styles/math.css", "./src/styles/notebook.css", "./src/styles/companions.css", "./src/styles/export.css", "./src/styles/print.css", "./src/styles/presentation.css"],
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
    // Vite's table of gzip sizes gzips every chunk on every build; `npm run report` measures what readers download.
    build: { reportCompressedSize: false },
    // The editor's documentation index, read from the library's TSDoc on every build.
    plugins: [docsIndexPlugin()],
  },
});
