(async function (__nb) { const {factor, values} = __nb.scope;
// @ts-nocheck: a cell's inputs are declared by earlier cells
const total = values.reduce((sum, v) => sum + v, 0);
function scale(values, by) {
  const total = values.length;
  return values.map((v) => (v * by) / total);
}
const scaled = scale([1, 2], factor);

__nb.define({total, scale, scaled});
})
//# sourceURL=nb-cell-shadowing.js