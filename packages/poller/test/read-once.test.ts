/** The read-once window across workers (see read-once-takeover.ts), on the in-process shared store. */
import { SharedMemoryStore } from "../src/index.js";
import { describeReadOnceTakeover } from "./read-once-takeover.js";

// One SharedMemoryStore is every process's view of it.
describeReadOnceTakeover(
  "SharedMemoryStore",
  async (options) => new SharedMemoryStore(options),
  async (store) => store,
);
