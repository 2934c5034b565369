import { afterAll } from "vitest";
import { flushAnswers } from "../worker/helpers";

// The last answers of each file reach the recorder before the next file starts.
afterAll(flushAnswers);
