// Imported first by kernels-wasm-typescript.test.ts: switches this test file's library to the TypeScript kernels before the imported suites load.
import { setKernels } from "../../src/lib/kernels/index";

setKernels("typescript");
