// One platform for the whole suite: started before the first test, stopped (SIGTERM) after the last.
import { after, before } from "node:test";
import { startPlatform, stopPlatform } from "./platform.js";

before(async () => {
  await startPlatform();
}, { timeout: 300_000 });

after(async () => {
  await stopPlatform();
});

await import("./types.js");
await import("./inference.js");
await import("./registry.js");
await import("./errors.js");
await import("./quota.js");
await import("./tokens.js");
