import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AuthenticationError, MaestroClient, type Tokens } from "../src/index.js";
import { platform } from "./platform.js";

async function refreshStatus(refreshToken: string): Promise<number> {
  const response = await fetch(`${platform().url}/auth/refresh`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ refresh_token: refreshToken }),
  });
  await response.body?.cancel();
  return response.status;
}

async function rawTokens(): Promise<{ access_token: string; refresh_token: string }> {
  const response = await fetch(`${platform().url}/auth/token`, { method: "POST", headers: { "X-API-Key": platform().apiKey } });
  return (await response.json()) as { access_token: string; refresh_token: string };
}

describe("tokens", () => {
  test("useTokens exchanges the key and calls with a bearer token", async () => {
    const sent: Headers[] = [];
    const recording: typeof fetch = (input, init) => {
      sent.push(new Headers(init?.headers));
      return fetch(input, init);
    };
    const client = new MaestroClient({ baseUrl: platform().url, apiKey: platform().apiKey, useTokens: true, fetch: recording });
    await client.predict("fraud-detector", [0.5, 1.2, 3.4]);
    assert.match(client.tokens!.refreshToken!, /^mr_/);
    assert.ok(client.tokens!.expiresAt! > Date.now() + 600_000);
    assert.ok(sent[0]!.has("x-api-key") && !sent[0]!.has("authorization"));
    assert.equal(sent[1]!.get("authorization"), `Bearer ${client.tokens!.accessToken}`);
    assert.ok(!sent[1]!.has("x-api-key"));
  });

  test("an expiring token is refreshed before the call and the old refresh token is spent", async () => {
    const seen: Tokens[] = [];
    const client = new MaestroClient({ baseUrl: platform().url, apiKey: platform().apiKey, useTokens: true, onTokens: (t) => seen.push(t) });
    await client.predict("fraud-detector", [0.5, 1.2, 3.4]);
    const first = { ...client.tokens! };
    client.tokens!.expiresAt = Date.now() + 5_000; // within the refresh margin, as 15 minutes later

    await client.predict("fraud-detector", [0.5, 1.2, 3.4]);

    assert.equal(seen.length, 2);
    assert.notEqual(client.tokens!.accessToken, first.accessToken);
    assert.notEqual(client.tokens!.refreshToken, first.refreshToken);
    assert.equal(await refreshStatus(first.refreshToken!), 401);
  });

  test("a token refused with 401 is refreshed once and the call succeeds", async () => {
    const raw = await rawTokens();
    const seen: Tokens[] = [];
    const client = new MaestroClient({ baseUrl: platform().url, token: "not-a-valid-jwt", refreshToken: raw.refresh_token, onTokens: (t) => seen.push(t) });
    const result = await client.predict("fraud-detector", [0.5, 1.2, 3.4]);
    assert.ok(result.probability > 0);
    assert.equal(seen.length, 1);
    assert.notEqual(seen[0]!.refreshToken, raw.refresh_token);
  });

  test("a spent refresh token without a key fails clearly", async () => {
    const raw = await rawTokens();
    assert.equal(await refreshStatus(raw.refresh_token), 200);
    const client = new MaestroClient({ baseUrl: platform().url, token: "not-a-valid-jwt", refreshToken: raw.refresh_token });
    const error = await client.predict("fraud-detector", [0.5, 1.2, 3.4]).catch((e: unknown) => e);
    assert.ok(error instanceof AuthenticationError, String(error));
    assert.match(error.detail ?? "", /already used/);
  });

  test("concurrent calls with an expired token share one refresh", async () => {
    const seen: Tokens[] = [];
    const client = new MaestroClient({ baseUrl: platform().url, apiKey: platform().apiKey, useTokens: true, onTokens: (t) => seen.push(t) });
    await client.health("fraud-detector");
    client.tokens!.expiresAt = 0;
    await Promise.all(Array.from({ length: 8 }, () => client.predict("fraud-detector", [0.5, 1.2, 3.4])));
    assert.equal(seen.length, 2);
  });
});
