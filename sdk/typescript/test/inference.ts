import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MaestroClient } from "../src/index.js";
import { platform } from "./platform.js";

const seeded = "fraud-detector";
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
/** The seeded model: sigmoid(x · [0.8, -0.5, 1.2] - 0.3); the seed API answers the class and its probability. */
const fraud = (x: number[]) => sigmoid(0.8 * x[0]! - 0.5 * x[1]! + 1.2 * x[2]! - 0.3);
const predicted = (x: number[]) => (fraud(x) >= 0.5 ? [1, fraud(x)] : [0, 1 - fraud(x)]);
const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-5, `${actual} is not ${expected}`);

const admin = () => new MaestroClient({ baseUrl: platform().url, apiKey: platform().apiKey });

describe("inference", () => {
  test("predict answers in the seed shape with the model's result and our request id", async () => {
    const result = await admin().predict(seeded, [0.5, 1.2, 3.4], "ts-req-1");
    assert.equal(result.request_id, "ts-req-1");
    assert.equal(result.prediction, 1);
    close(result.probability, fraud([0.5, 1.2, 3.4]));
    assert.ok(result.model_version);
    assert.ok(result.processing_time_ms >= 0);
  });

  test("batchPredict answers every row in order", async () => {
    const rows = [[0, 0, 0], [1, 0, 1], [0, 2, 0]];
    const result = await admin().batchPredict(seeded, rows);
    assert.deepEqual(result.predictions.map((p) => p.prediction), rows.map((r) => predicted(r)[0]));
    result.predictions.forEach((p, i) => close(p.probability, predicted(rows[i]!)[1]!));
  });

  test("health reports the model loaded", async () => {
    const health = await admin().health(seeded);
    assert.equal(health.model_loaded, true);
    assert.ok(health.model_version);
  });

  test("infer with nested arrays takes the model's datatype", async () => {
    const result = await admin().infer(seeded, { features: [[0, 0, 0], [2.5, -1, 0.5]] });
    assert.equal(result.model_name, seeded);
    const probability = result.outputs.find((o) => o.name === "probability")!;
    assert.equal(probability.datatype, "FP32");
    assert.deepEqual(probability.shape, [2, 1]);
    const data = probability.data as number[];
    close(data[0]!, 0.4255575);
    close(data[1]!, 0.9426758);
  });

  test("infer with a Float32Array, a shape and a version", async () => {
    const client = admin();
    const version = (await client.health(seeded)).model_version;
    const result = await client.infer(seeded, [{ name: "features", data: new Float32Array([1, 0, 1]), shape: [1, 3] }], { version });
    assert.equal(result.model_version, version);
    close((result.outputs[0]!.data as number[])[0]!, 0.8455348);
  });
});
