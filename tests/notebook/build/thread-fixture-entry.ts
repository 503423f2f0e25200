/** The entry of the build-thread test's own thread: the fixture's functions, by name. */
import { answerCalls } from "../../../src/notebook/build/build-thread";
import { crashes, fails, whereAmI } from "./thread-fixture";

answerCalls({ whereAmI, fails, crashes });
