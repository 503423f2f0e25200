import { tensor, matmul } from "transformer";

const x: number[][] = [[1, 2], [3, 4]];
const a = tensor(x);
matmul(a, a)
