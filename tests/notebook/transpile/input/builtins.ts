// @ts-nocheck: a cell's inputs are declared by earlier cells
// display needs no import; Math and console are globals.
const angle: number = Math.PI / 4;
display(Math.sin(angle));
console.log("done");
