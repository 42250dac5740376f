/** What the gateway said when it refused or could not serve a call. */
export interface MaestroErrorInfo {
  /** The HTTP status; undefined when no answer came. */
  status?: number;
  /** The problem document's `detail` (or the V2 `error`). */
  detail?: string;
  /** The id to quote when asking for help (`X-Request-Id`). */
  requestId?: string;
  title?: string;
  /** Seconds to wait before trying again, from `Retry-After`. */
  retryAfter?: number;
  body?: unknown;
}

/** A call the gateway (or a service behind it) refused or could not serve. */
export class MaestroError extends Error {
  readonly status?: number;
  readonly detail?: string;
  readonly requestId?: string;
  readonly title?: string;
  readonly retryAfter?: number;
  readonly body?: unknown;

  constructor(message: string, info: MaestroErrorInfo = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.status = info.status;
    this.detail = info.detail;
    this.requestId = info.requestId;
    this.title = info.title;
    this.retryAfter = info.retryAfter;
    this.body = info.body;
  }
}

/** 400, 413, 415 or 422: the request itself is wrong (see `detail`). */
export class ValidationError extends MaestroError {}
/** 401: no credentials, or a key or token the gateway does not accept. */
export class AuthenticationError extends MaestroError {}
/** 403: valid credentials without the scope this call needs. */
export class PermissionDeniedError extends MaestroError {}
/** 404: no such model, version, alias or key. */
export class NotFoundError extends MaestroError {}
/** 429 still refused after the client's retries. */
export class RateLimitError extends MaestroError {}
/** 503: a part of the platform is not ready or is overloaded. */
export class ServiceUnavailableError extends MaestroError {}
/** The gateway could not be reached (refused, reset or timed out). */
export class MaestroConnectionError extends MaestroError {}

const byStatus: Record<number, typeof MaestroError> = {
  400: ValidationError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  413: ValidationError,
  415: ValidationError,
  422: ValidationError,
  429: RateLimitError,
  503: ServiceUnavailableError,
};

export function errorClassFor(status: number): typeof MaestroError {
  return byStatus[status] ?? MaestroError;
}
