import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, test } from "node:test";
import { platform, sdkRoot } from "./platform.js";

describe("types", () => {
  test("generated types match what the running gateway's /openapi/v1.json gives", () => {
    const run = spawnSync(process.execPath, [join(sdkRoot, "scripts", "generate-types.mjs"), platform().url, "--check"], { encoding: "utf8", timeout: 120_000 });
    assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
    assert.match(run.stdout, /is current/);
  });

  test("tsc --strict reports nothing", () => {
    const tsc = join(sdkRoot, "node_modules", "typescript", "bin", "tsc");
    const run = spawnSync(process.execPath, [tsc, "-p", join(sdkRoot, "tsconfig.json"), "--noEmit", "--strict"], { encoding: "utf8", timeout: 180_000 });
    assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
    assert.equal(run.stdout.trim(), "");
  });
});
