import type { components } from "./generated/openapi.js";

type Schemas = components["schemas"];

/**
 * A schema as the gateway sends it. The generated types allow `number | string` wherever ASP.NET Core
 * would also read a number from a string; the gateway always writes numbers, so responses are narrowed.
 */
export type Wire<T> = number extends T
  ? Exclude<T, string | number> | number
  : T extends readonly (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

export type PredictResult = Wire<Schemas["PredictResponse"]>;
export type BatchPredictResult = Wire<Schemas["BatchPredictResponse"]>;
export type ModelHealth = Wire<Schemas["ModelHealthResponse"]>;
export type InferResult = Wire<Schemas["V2InferenceResponse"]>;
export type OutputTensor = Wire<Schemas["V2OutputTensor"]>;
export type RegisteredModel = Wire<Schemas["RegisteredModel"]>;
export type ModelVersion = Wire<Schemas["ModelVersion"]>;
export type ModelPage = Wire<Schemas["ModelPage"]>;
export type ModelAlias = Wire<Schemas["ModelAlias"]>;
export type ModelCard = Wire<Schemas["ModelCard"]>;
export type CreatedApiKey = Wire<Schemas["CreatedApiKey"]>;
export type ApiKeySummary = Wire<Schemas["ApiKeySummary"]>;
export type TokenResponse = Wire<Schemas["TokenResponse"]>;
export type CreateModelRequest = Schemas["CreateModelRequest"];
export type PredictRequest = Schemas["PredictRequest"];

/** A V2 datatype. */
export type Datatype =
  | "BOOL" | "UINT8" | "UINT16" | "UINT32" | "UINT64" | "INT8" | "INT16" | "INT32" | "INT64"
  | "FP16" | "FP32" | "FP64" | "BYTES";

/** Nested arrays of numbers, booleans or strings, or a typed array (flat; give `shape`). */
export type TensorData =
  | number | boolean | string
  | readonly TensorData[]
  | Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array
  | BigInt64Array | BigUint64Array;

/** An input tensor given explicitly; `datatype` defaults to the model's, `shape` to the nesting of `data`. */
export interface Tensor {
  name: string;
  data: TensorData;
  datatype?: Datatype;
  shape?: number[];
}

/** A bearer token, the refresh token that renews it, and when the bearer token expires (ms since the epoch). */
export interface Tokens {
  accessToken: string;
  refreshToken?: string;
  expiresAt?: number;
}
