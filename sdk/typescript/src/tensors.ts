import type { Datatype, TensorData } from "./types.js";

/** One V2 input tensor as sent. */
export interface WireTensor {
  name: string;
  shape: number[];
  datatype: string;
  data: unknown[];
}

function isTyped(data: unknown): data is ArrayLike<number | bigint> & { constructor: { name: string } } {
  return ArrayBuffer.isView(data) && !(data instanceof DataView);
}

const typedDatatypes: Record<string, Datatype> = {
  Float32Array: "FP32", Float64Array: "FP64", Int8Array: "INT8", Int16Array: "INT16", Int32Array: "INT32",
  Uint8Array: "UINT8", Uint16Array: "UINT16", Uint32Array: "UINT32", BigInt64Array: "INT64", BigUint64Array: "UINT64",
};

/** The shape of nested arrays (a typed array is one dimension) and their elements in row-major order. */
export function shapeAndFlat(data: TensorData): { shape: number[]; flat: unknown[] } {
  if (isTyped(data)) {
    return { shape: [data.length], flat: Array.from(data as ArrayLike<number | bigint>, (v) => (typeof v === "bigint" ? Number(v) : v)) };
  }
  if (!Array.isArray(data)) {
    return { shape: [], flat: [data] };
  }
  const shape: number[] = [];
  let level: unknown = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  const flat: unknown[] = [];
  const walk = (value: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (Array.isArray(value)) throw new TypeError("the nested arrays are ragged: every row must have the same length");
      flat.push(value);
      return;
    }
    if (!Array.isArray(value) || value.length !== shape[depth]) {
      throw new TypeError("the nested arrays are ragged: every row must have the same length");
    }
    for (const item of value) walk(item, depth + 1);
  };
  walk(data, 0);
  return { shape, flat };
}

/** A datatype from the values themselves, when neither the caller nor the model says. */
export function guessDatatype(data: TensorData, flat: unknown[]): Datatype {
  if (isTyped(data)) return typedDatatypes[data.constructor.name] ?? "FP32";
  if (flat.length > 0 && flat.every((v) => typeof v === "boolean")) return "BOOL";
  if (flat.length > 0 && flat.every((v) => typeof v === "string")) return "BYTES";
  return "FP32";
}

export function inputTensor(name: string, data: TensorData, datatype?: string, shape?: number[]): WireTensor {
  const { shape: actual, flat } = shapeAndFlat(data);
  return { name, shape: shape ?? actual, datatype: datatype ?? guessDatatype(data, flat), data: flat };
}
