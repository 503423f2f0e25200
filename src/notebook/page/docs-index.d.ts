/** The editor's documentation index, generated at build time by scripts/docs-index.ts. */
declare module "virtual:docs-index" {
  const index: import("./editor-docs").DocsIndex;
  export default index;
}
