// @ts-nocheck: a cell's inputs are declared by earlier cells
interface Config { heads: number; dim: number }
const config: Config = { heads: 2, dim: previous.dim };
function headSize(c: Config): number {
  return c.dim / c.heads;
}
headSize(config)
