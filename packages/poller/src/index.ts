export { DEFAULT_POLICY, type PollPolicy, pollDelay } from "./policy.js";
export {
  createPoller,
  type Poller,
  type PollerOptions,
  type PollerStats,
  type ResultOptions,
  type SubmitRequests,
  type TaskHandle,
} from "./poller.js";
export { FileStore } from "./store/file.js";
export { MemoryStore } from "./store/memory.js";
export type { TaskStore } from "./store/types.js";
export {
  ASYNC_OPERATIONS,
  type AsyncOperation,
  type Outcome,
  type ProgressEvent,
  type StoredOutcome,
  type TaskState,
  type UnknownReason,
} from "./task.js";
