import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { MaestroClient } from "../src/index.js";
import { platform, samples, unique } from "./platform.js";

/** fraud-detector-v2.onnx: sigmoid(x · [-0.6, 0.9, 0.4] + 0.1). */
const v2 = (x: number[]) => 1 / (1 + Math.exp(-(-0.6 * x[0]! + 0.9 * x[1]! + 0.4 * x[2]! + 0.1)));

describe("registry", () => {
  test("register from samples/models, upload with progress, promote, predict, alias, model card", async () => {
    const client = new MaestroClient({ baseUrl: platform().url, apiKey: platform().apiKey });
    const name = unique("ts-fraud");
    const created = await client.createModel(name, "fraud scoring, from the TypeScript SDK", { team: "risk" });
    assert.deepEqual(created.tags, { team: "risk" });

    const file = join(samples, "fraud-detector-v2.onnx");
    const progress: Array<[number, number]> = [];
    const version = await client.uploadVersion(name, file, (sent, total) => progress.push([sent, total]));
    assert.equal(version.version, 1);
    assert.equal(version.size_bytes, statSync(file).size);
    assert.deepEqual(version.signature.inputs.map((i) => i.name), ["features"]);
    const [sent, total] = progress.at(-1)!;
    assert.equal(sent, total);
    assert.ok(total > statSync(file).size);

    const promoted = await client.setStage(name, 1, "Production", true);
    assert.equal(promoted.current_stage, "Production");

    const result = await client.predict(name, [0.5, 1.2, 3.4]);
    assert.equal(result.model_version, "1");
    assert.ok(Math.abs(result.probability - v2([0.5, 1.2, 3.4])) < 1e-5);

    const alias = await client.setAlias(name, "champion", 1);
    assert.deepEqual([alias.alias, alias.version], ["champion", 1]);
    assert.deepEqual((await client.getModel(name)).aliases, { champion: 1 });

    const card = await client.getModelCard(name, 1);
    assert.equal(card.current_stage, "Production");
    assert.equal(card.sha256, version.sha256);
    assert.match(await client.getModelCard(name, 1, "markdown"), new RegExp(name));
  });

  test("listModels follows next_page_token through 250 models", async () => {
    const urls: string[] = [];
    const recording: typeof fetch = (input, init) => {
      urls.push(String(input));
      return fetch(input, init);
    };
    const client = new MaestroClient({ baseUrl: platform().url, apiKey: platform().apiKey, fetch: recording });
    const prefix = unique("ts-page");
    const names = Array.from({ length: 250 }, (_, i) => `${prefix}-${String(i).padStart(3, "0")}`);
    for (const name of names) await client.createModel(name);

    urls.length = 0;
    const listed: string[] = [];
    for await (const model of client.listModels(`name LIKE '${prefix}-%'`, 100)) listed.push(model.name);

    assert.equal(listed.length, 250);
    assert.deepEqual([...listed].sort(), names);
    assert.equal(urls.length, 3);
    assert.ok(urls[1]!.includes("page_token=") && urls[2]!.includes("page_token="));
  });
});
