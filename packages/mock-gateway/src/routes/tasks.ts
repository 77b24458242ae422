/** The async task endpoints: the status URL and the read-once result URL. */
import type { TaskStore } from "../state/tasks.js";
import type { Answer, Json } from "../types.js";

/** A task still running: where to ask about it (the submit answer and the 425 of an early result read). */
export function processingBody(id: string, publicUrl: string): Json {
  return {
    status: "processing",
    request_id: id,
    status_url: `${publicUrl}/async/status/${id}`,
    response_url: `${publicUrl}/async/result/${id}`,
  };
}

export function taskStatus(tasks: TaskStore, id: string, publicUrl: string): Answer {
  const view = tasks.status(id);
  if (view.state === "unknown") return { status: 404, body: { status: "unknown", request_id: id } };
  if (view.state === "processing") return { status: 200, body: { status: "processing", request_id: id } };
  return {
    status: 200,
    body: { status: "completed", request_id: id, response_url: `${publicUrl}/async/result/${id}` },
  };
}

export function taskResult(tasks: TaskStore, id: string, publicUrl: string): Answer {
  const view = tasks.readResult(id);
  if (view.state === "unknown") return { status: 404, body: { status: "unknown", request_id: id } };
  if (view.state === "processing") return { status: 425, body: processingBody(id, publicUrl) };
  return view.result as Answer;
}
