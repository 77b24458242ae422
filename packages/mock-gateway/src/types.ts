/** Shapes shared by the ledger, the routes and the wire. */
export type Json = Record<string, unknown>;

/** An HTTP answer before it is written. */
export interface Answer {
  status: number;
  body: Json;
  /** The transaction the answer is about, for idempotent replays with the current status. */
  uid?: string;
  /** The body already written as JSON (then it is sent as is, not stringified again). */
  json?: string;
}

/** An answer whose body was written straight to JSON (transactions); `body` parses it back on demand. */
export class JsonAnswer implements Answer {
  constructor(
    readonly status: number,
    readonly json: string,
    readonly uid?: string,
  ) {}
  get body(): Json {
    return JSON.parse(this.json) as Json;
  }
}
