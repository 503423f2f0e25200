/**
 * The chart helpers of the `"notebook"` module. Each lives with its renderer
 * in one module per chart kind (`charts/<kind>.ts`, registered in
 * `charts/index.ts`): it turns tensors or arrays into a `PlotSpec` (plain data,
 * checked so a wrong shape, an unknown option or a NaN fails in the reader's
 * cell with a clear message) and tags it so that a cell ending in
 * `heatmap(...)` shows the chart.
 */
export { bar, dots, graph, heatmap, image, line, patches, row, scatter } from "./charts/index";
export type { BarOptions, HeatmapOptions, ImageOptions, LineOptions, LineSeries, PatchesOptions, RowOptions, ScatterPoint } from "./charts/index";
