(async function (__nb) { const {tensor, matmul} = __nb.import("transformer", ["tensor","matmul"]);


const x = [[1, 2], [3, 4]];
const a = tensor(x);
__nb.value = (matmul(a, a))

__nb.define({x, a});
})
//# sourceURL=nb-cell-basic.js