(async function (__nb) { const lib = __nb.import("transformer", []); const {"heatmap": draw, display} = __nb.import("notebook", ["heatmap","display"]);



const data = await Promise.resolve([[1, 0], [0, 1]]);
display(lib.tensor(data));
__nb.value = (draw(data, { title: "identity [2, 2]" }))

__nb.define({data});
})
//# sourceURL=nb-cell-aliases-and-await.js