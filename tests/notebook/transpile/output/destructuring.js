(async function (__nb) { const {pairs, settings} = __nb.scope;
// @ts-nocheck: a cell's inputs are declared by earlier cells
const { heads, dims: [first, ...rest] } = settings;
let [p = 1, { q }] = pairs;
class Counter { n = 0; tick() { return ++this.n; } }
for (const r of rest) console.log(r);

__nb.define({heads, first, rest, p, q, Counter});
})
//# sourceURL=nb-cell-destructuring.js