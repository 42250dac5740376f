import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MaestroClient, RateLimitError } from "../src/index.js";
import { platform, unique } from "./platform.js";

const admin = () => new MaestroClient({ baseUrl: platform().url, apiKey: platform().apiKey });

describe("quota", () => {
  test("an exhausted quota is waited out (Retry-After) and every call succeeds", async () => {
    // One request in the bucket, refilled every 5 s: the second call is refused however slow the machine is.
    const key = await admin().createApiKey(unique("ts-quota"), ["predict"], undefined, { requests_per_minute: 12, burst: 1 });
    const answers: Array<[number, string | null]> = [];
    const recording: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      answers.push([response.status, response.headers.get("retry-after")]);
      return response;
    };
    const client = new MaestroClient({ baseUrl: platform().url, apiKey: key.key, retries: 5, fetch: recording });

    const started = Date.now();
    for (let i = 0; i < 2; i++) await client.predict("fraud-detector", [0.5, 1.2, 3.4]);
    const elapsed = Date.now() - started;

    const refused = answers.filter(([status]) => status === 429);
    assert.ok(refused.length > 0, `no request was refused: ${JSON.stringify(answers)}`);
    assert.ok(refused.every(([, retry]) => Number(retry) >= 1));
    assert.ok(elapsed >= refused.reduce((sum, [, retry]) => sum + Number(retry) * 1000, 0) - 100, `waited only ${elapsed} ms`);
    assert.equal(answers.filter(([status]) => status === 200).length, 2);
  });

  test("without retries an exhausted quota is a RateLimitError with retryAfter", async () => {
    const key = await admin().createApiKey(unique("ts-quota0"), ["predict"], undefined, { requests_per_minute: 1, burst: 1 });
    const client = new MaestroClient({ baseUrl: platform().url, apiKey: key.key, retries: 0 });
    await client.predict("fraud-detector", [0.5, 1.2, 3.4]);
    const error = await client.predict("fraud-detector", [0.5, 1.2, 3.4]).catch((e: unknown) => e);
    assert.ok(error instanceof RateLimitError, String(error));
    assert.equal(error.status, 429);
    assert.ok((error.retryAfter ?? 0) > 1);
  });
});
