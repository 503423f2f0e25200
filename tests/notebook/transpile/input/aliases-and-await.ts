import * as lib from "transformer";
import { heatmap as draw, display } from "notebook";

const data = await Promise.resolve([[1, 0], [0, 1]]);
display(lib.tensor(data));
draw(data, { title: "identity [2, 2]" })
