// The real Maestro platform for these tests, started the way a user starts it: the built AppHost under
// `dotnet` (--port --dashboard-port --data-dir --workers, MAESTRO_DEV_API_KEY) on free ports with a fresh
// data directory, ready once it prints "Maestro is ready"; stopped with SIGTERM.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file runs from sdk/typescript/dist/test). */
export const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
export const samples = join(repo, "samples", "models");
export const sdkRoot = join(repo, "sdk", "typescript");
const readyTimeoutMs = 240_000;

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export interface Platform {
  url: string;
  apiKey: string;
  output(): string;
}

let process_: ChildProcess | undefined;
let dataDir: string | undefined;
let current: Platform | undefined;

export function platform(): Platform {
  if (!current) throw new Error("the platform is not started (startPlatform in a before hook)");
  return current;
}

export async function startPlatform(): Promise<Platform> {
  const configuration = process.env.CONFIGURATION ?? "Release";
  const assembly = join(repo, "src", "AppHost", "bin", configuration, "net10.0", "Maestro.AppHost.dll");
  if (!existsSync(assembly)) throw new Error(`${assembly} is not built: run \`dotnet build Maestro.Aspire.sln -c Release\` first`);
  const [port, dashboardPort] = [await freePort(), await freePort()];
  const apiKey = `sdk-ts-${randomUUID().replaceAll("-", "")}`;
  dataDir = mkdtempSync(join(tmpdir(), "maestro-sdk-ts-"));
  const lines: string[] = [];
  const child = spawn("dotnet", [assembly, "--port", String(port), "--dashboard-port", String(dashboardPort), "--data-dir", dataDir, "--workers", "1"], {
    cwd: dataDir,
    env: { ...process.env, MAESTRO_DEV_API_KEY: apiKey },
    stdio: ["ignore", "pipe", "pipe"],
  });
  process_ = child;
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => lines.push(chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => lines.push(chunk));
  const output = () => lines.join("");
  const deadline = Date.now() + readyTimeoutMs;
  while (!output().includes("Maestro is ready")) {
    if (child.exitCode !== null) throw new Error(`the AppHost exited with ${child.exitCode} before it was ready:\n${output()}`);
    if (Date.now() > deadline) {
      await stopPlatform();
      throw new Error(`the AppHost was not ready after ${readyTimeoutMs / 1000} s:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  current = { url: `http://127.0.0.1:${port}`, apiKey, output };
  return current;
}

export async function stopPlatform(): Promise<void> {
  const child = process_;
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    await exited;
    clearTimeout(timer);
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  process_ = undefined;
  current = undefined;
}

export const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 10)}`;
