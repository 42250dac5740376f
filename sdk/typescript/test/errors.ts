import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  AuthenticationError, MaestroClient, MaestroConnectionError, NotFoundError, PermissionDeniedError, ValidationError,
} from "../src/index.js";
import { freePort, platform, unique } from "./platform.js";

const admin = () => new MaestroClient({ baseUrl: platform().url, apiKey: platform().apiKey });

describe("errors", () => {
  test("a wrong key is an AuthenticationError with the gateway's reason and a request id", async () => {
    const client = new MaestroClient({ baseUrl: platform().url, apiKey: "mk_not-a-real-key" });
    const error = await client.predict("fraud-detector", [0.5, 1.2, 3.4]).catch((e: unknown) => e);
    assert.ok(error instanceof AuthenticationError, String(error));
    assert.equal(error.status, 401);
    assert.match(error.detail ?? "", /X-API-Key/);
    assert.ok(error.requestId);
  });

  test("a missing model is a NotFoundError naming it", async () => {
    const error = await admin().predict("no-such-model-anywhere", [0.5, 1.2, 3.4]).catch((e: unknown) => e);
    assert.ok(error instanceof NotFoundError, String(error));
    assert.equal(error.status, 404);
    assert.match(error.detail ?? "", /no-such-model-anywhere/);
  });

  test("a malformed input is a ValidationError saying what is expected", async () => {
    const error = await admin().predict("fraud-detector", [0.5, 1.2]).catch((e: unknown) => e);
    assert.ok(error instanceof ValidationError, String(error));
    assert.equal(error.status, 400);
    assert.match(error.detail ?? "", /3/);
  });

  test("a malformed V2 input carries the V2 error text", async () => {
    const error = await admin().infer("fraud-detector", { no_such_input: [[1, 2, 3]] }).catch((e: unknown) => e);
    assert.ok(error instanceof ValidationError, String(error));
    assert.match(error.detail ?? "", /no_such_input|features/);
  });

  test("a key without the scope is a PermissionDeniedError naming it", async () => {
    const reader = await admin().createApiKey(unique("ts-reader"), ["models:read"]);
    const client = new MaestroClient({ baseUrl: platform().url, apiKey: reader.key });
    const error = await client.predict("fraud-detector", [0.5, 1.2, 3.4]).catch((e: unknown) => e);
    assert.ok(error instanceof PermissionDeniedError, String(error));
    assert.match(error.detail ?? "", /predict/);
  });

  test("an unreachable gateway is a MaestroConnectionError", async () => {
    const client = new MaestroClient({ baseUrl: `http://127.0.0.1:${await freePort()}`, apiKey: "k", retries: 1, timeoutMs: 2000 });
    const error = await client.health("fraud-detector").catch((e: unknown) => e);
    assert.ok(error instanceof MaestroConnectionError, String(error));
    assert.equal(error.status, undefined);
  });
});
