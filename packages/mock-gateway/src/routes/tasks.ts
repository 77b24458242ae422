/** The async task endpoints: the status URL and the read-once result URL. */
import type { TaskStore } from "../state/tasks.js";
import type { Answer } from "../types.js";

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
  if (view.state === "processing")
    return {
      status: 425,
      body: {
        status: "processing",
        request_id: id,
        status_url: `${publicUrl}/async/status/${id}`,
        response_url: `${publicUrl}/async/result/${id}`,
      },
    };
  return view.result as Answer;
}
