(async function (__nb) { const {display} = __nb.builtins;
// @ts-nocheck: a cell's inputs are declared by earlier cells
// display needs no import; Math and console are globals.
const angle = Math.PI / 4;
display(Math.sin(angle));
__nb.value = (console.log("done"));

__nb.define({angle});
})
//# sourceURL=nb-cell-builtins.js