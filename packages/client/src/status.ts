/** HTTP status codes as literal unions, so that comparing `e.status` narrows an error to its class. */
type Upto<N extends number, Acc extends number[] = []> = Acc["length"] extends N
  ? Acc[number]
  : Upto<N, [...Acc, Acc["length"]]>;
type Between<From extends number, To extends number> = Exclude<Upto<To>, Upto<From>>;

/** 200–299. */
export type SuccessStatus = Between<200, 300>;
/** 300–399: never followed by the client. */
export type RedirectStatus = Between<300, 400>;
/** 4xx other than 401, 403, 404 and 429 (each has its own class). */
export type ClientErrorStatus = Exclude<Between<400, 500>, 401 | 403 | 404 | 429>;
/** 500–599. */
export type ServerErrorStatus = Between<500, 600>;
