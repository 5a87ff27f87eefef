/** Every error answer of the API is `{code, message, details}`; these classes carry it, typed by status. */

export interface ErrorBody {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

export class ApiError extends Error {
  override readonly name: string = "ApiError";
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;
  /** The `X-Request-Id` of the answer (quote it when reporting a problem). */
  readonly requestId: string | null;
  /** Seconds to wait before retrying (`Retry-After`), on 429 and 503; null otherwise. */
  readonly retryAfter: number | null;

  constructor(status: number, body: ErrorBody, requestId: string | null = null, retryAfter: number | null = null) {
    super(body.message);
    this.status = status;
    this.code = body.code;
    this.details = body.details;
    this.requestId = requestId;
    this.retryAfter = retryAfter;
  }

  /** When a retry may be made (now + retryAfter), or null. */
  get retryAt(): Date | null {
    return this.retryAfter === null ? null : new Date(Date.now() + this.retryAfter * 1000);
  }
}

/** 401 that a refresh could not cure: the session has ended and the client signed out. */
export class SessionEndedError extends ApiError {
  override readonly name = "SessionEndedError";
}
/** 403: the caller lacks the route's permission. */
export class ForbiddenError extends ApiError {
  override readonly name = "ForbiddenError";
}
/** 404: no such resource, or outside the caller's scope. */
export class NotFoundError extends ApiError {
  override readonly name = "NotFoundError";
}
/** 409: a state conflict or a duplicate. */
export class ConflictError extends ApiError {
  override readonly name = "ConflictError";
}
/** 412: `If-Match` was stale (`details.currentETag` is the current one); reload and retry. */
export class PreconditionFailedError extends ApiError {
  override readonly name = "PreconditionFailedError";
}
/** 422: invalid fields, listed in `details.fields`. */
export class ValidationError extends ApiError {
  override readonly name = "ValidationError";
}
/** 423: the account is locked until `details.lockedUntil`. */
export class LockedError extends ApiError {
  override readonly name = "LockedError";
}
/** 429: a rate limit; `retryAfter` says how long to wait. */
export class RateLimitedError extends ApiError {
  override readonly name = "RateLimitedError";
}
/** 503: a dependency is down; `retryAfter` says how long to wait. */
export class UnavailableError extends ApiError {
  override readonly name = "UnavailableError";
}

const BY_STATUS: Record<number, typeof ApiError> = {
  403: ForbiddenError, 404: NotFoundError, 409: ConflictError, 412: PreconditionFailedError,
  422: ValidationError, 423: LockedError, 429: RateLimitedError, 503: UnavailableError,
};

/** `Retry-After` as seconds (it may be a number of seconds or an HTTP date). */
export function parseRetryAfter(value: string | null): number | null {
  if (value === null || value.trim() === "") return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== "object" || value === null) return false;
  const body = value as Record<string, unknown>;
  return typeof body.code === "string" && typeof body.message === "string";
}

/** The typed error of a non-2xx answer (reads its body). */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (a proxy's page, say): kept as the message below
  }
  const body: ErrorBody = isErrorBody(parsed)
    ? { code: parsed.code, message: parsed.message, details: (parsed.details as Record<string, unknown>) ?? {} }
    : { code: `HTTP_${response.status}`, message: text.slice(0, 200) || response.statusText, details: {} };
  const retryAfter = response.status === 429 || response.status === 503
    ? parseRetryAfter(response.headers.get("Retry-After")) : null;
  const Kind = BY_STATUS[response.status] ?? ApiError;
  return new Kind(response.status, body, response.headers.get("X-Request-Id"), retryAfter);
}
