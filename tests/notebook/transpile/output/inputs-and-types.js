(async function (__nb) { const {previous} = __nb.scope;
// @ts-nocheck: a cell's inputs are declared by earlier cells

const config = { heads: 2, dim: previous.dim };
function headSize(c) {
  return c.dim / c.heads;
}
__nb.value = (headSize(config))

__nb.define({config, headSize});
})
//# sourceURL=nb-cell-inputs-and-types.js