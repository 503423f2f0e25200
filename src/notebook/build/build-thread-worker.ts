/**
 * The build thread's entry (see `build-thread.ts`): the functions it runs, by
 * the names `inBuildThread` gives. Bundled into plain JavaScript with esbuild
 * (`worker-bundle.ts`), packages left for Node to load from node_modules.
 */
import { highlightHere } from "../../integrations/highlight.ts";
import { renderOutputsToHtml } from "../render/html.ts";
import { answerCalls } from "./build-thread.ts";

answerCalls({ highlightHere, renderOutputsToHtml });
