export { MaestroClient, type InferOptions, type MaestroClientOptions } from "./client.js";
export {
  AuthenticationError, MaestroConnectionError, MaestroError, NotFoundError, PermissionDeniedError, RateLimitError,
  ServiceUnavailableError, ValidationError, type MaestroErrorInfo,
} from "./errors.js";
export type * from "./types.js";
export type { components, operations, paths } from "./generated/openapi.js";
