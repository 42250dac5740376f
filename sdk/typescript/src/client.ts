import { Credentials, type Exchange } from "./auth.js";
import { errorClassFor, MaestroConnectionError, MaestroError } from "./errors.js";
import { inputTensor, type WireTensor } from "./tensors.js";
import type {
  ApiKeySummary, BatchPredictResult, CreatedApiKey, InferResult, ModelAlias, ModelCard, ModelHealth, ModelPage,
  ModelVersion, PredictResult, RegisteredModel, Tensor, TensorData, TokenResponse, Tokens,
} from "./types.js";
import { multipartFile, type MultipartBody } from "./upload.js";

export interface MaestroClientOptions {
  /** The gateway, e.g. `http://localhost:8000`. */
  baseUrl: string;
  /** Sent as `X-API-Key`; with `useTokens`, exchanged for bearer tokens instead. */
  apiKey?: string;
  /** A bearer token (from `POST /auth/token`). */
  token?: string;
  /** Renews `token` at `POST /auth/refresh` when it expires or is refused. */
  refreshToken?: string;
  /** Exchange `apiKey` for bearer and refresh tokens and call with those. */
  useTokens?: boolean;
  /** Told every new pair of tokens (to keep the refresh token somewhere). */
  onTokens?: (tokens: Tokens) => void;
  /** Per request (default 30 s). */
  timeoutMs?: number;
  /** How often a 429, a 503 with `Retry-After` or an idempotent call's connection failure is retried (default 3). */
  retries?: number;
  /** The longest wait for one `Retry-After` (default 60 s). */
  maxRetryWaitMs?: number;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
}

export interface InferOptions {
  version?: number | string;
  outputs?: string[];
  id?: string;
}

type Body = { json: unknown } | { multipart: MultipartBody } | undefined;

const idempotent = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);
const segment = (value: string | number) => encodeURIComponent(String(value));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `Retry-After` in ms (delta-seconds or an HTTP date), or undefined. */
function retryAfterMs(response: Response): number | undefined {
  const value = response.headers.get("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * A client of one Maestro gateway. A 429 is retried after its `Retry-After` up to `retries` times, as
 * is a 503 that carries one; connection failures only for idempotent calls (GET, PUT, DELETE).
 * Bearer tokens are renewed transparently through their refresh token.
 */
export class MaestroClient {
  readonly baseUrl: string;
  private readonly credentials: Credentials;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly maxRetryWaitMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly datatypes = new Map<string, { at: number; byInput: Map<string, string> }>();

  constructor(options: MaestroClientOptions) {
    if ((options.retries ?? 3) < 0) throw new RangeError("retries must be 0 or more");
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.credentials = new Credentials(options);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retries = options.retries ?? 3;
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? 60_000;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** The bearer and refresh tokens in use, when the client authenticates with tokens. */
  get tokens(): Tokens | undefined {
    return this.credentials.tokens;
  }

  // ---- inference ----

  predict(model: string, features: number[], requestId?: string): Promise<PredictResult> {
    const body = requestId === undefined ? { features } : { features, metadata: { request_id: requestId } };
    return this.json("POST", `/api/v1/models/${segment(model)}/predict`, { json: body });
  }

  /** Each row (features, or `{features, metadata}`) predicted in one call (at most 100). */
  batchPredict(model: string, rows: Array<number[] | { features: number[]; metadata?: { request_id?: string } }>): Promise<BatchPredictResult> {
    const requests = rows.map((row) => (Array.isArray(row) ? { features: row } : row));
    return this.json("POST", `/api/v1/models/${segment(model)}/batch_predict`, { json: { requests } });
  }

  health(model: string): Promise<ModelHealth> {
    return this.json("GET", `/api/v1/models/${segment(model)}/health`);
  }

  /**
   * Open Inference Protocol v2 inference. `inputs` maps each input's name to nested arrays (or a typed
   * array), or lists {@link Tensor}s; a datatype not given is the model's own, from its V2 metadata.
   */
  async infer(model: string, inputs: Record<string, TensorData> | Tensor[], options: InferOptions = {}): Promise<InferResult> {
    const items: Tensor[] = Array.isArray(inputs) ? inputs : Object.entries(inputs).map(([name, data]) => ({ name, data }));
    let declared: Map<string, string> | undefined;
    const tensors: WireTensor[] = [];
    for (const item of items) {
      let datatype: string | undefined = item.datatype;
      if (datatype === undefined) {
        declared ??= await this.inputDatatypes(model, options.version);
        datatype = declared.get(item.name);
      }
      tensors.push(inputTensor(item.name, item.data, datatype, item.shape));
    }
    const body: Record<string, unknown> = { inputs: tensors };
    if (options.outputs) body.outputs = options.outputs.map((name) => ({ name }));
    if (options.id !== undefined) body.id = options.id;
    return this.json("POST", `${this.v2Path(model, options.version)}/infer`, { json: body });
  }

  /** V2 model metadata: `name`, `versions`, `platform`, `inputs` and `outputs`. */
  modelMetadata(model: string, version?: number | string): Promise<{ name: string; inputs?: Array<{ name: string; datatype: string; shape: number[] }>; [key: string]: unknown }> {
    return this.json("GET", this.v2Path(model, version));
  }

  // ---- registry ----

  createModel(name: string, description?: string, tags: Record<string, string> = {}): Promise<RegisteredModel> {
    return this.json("POST", "/api/v1/models", { json: { name, description: description ?? null, tags } });
  }

  getModel(name: string): Promise<RegisteredModel> {
    return this.json("GET", `/api/v1/models/${segment(name)}`);
  }

  async deleteModel(name: string): Promise<void> {
    await this.request("DELETE", `/api/v1/models/${segment(name)}`);
  }

  /** Every model (matching `filterString`), page by page as the iteration goes, following `next_page_token`. */
  async *listModels(filterString?: string, pageSize?: number): AsyncGenerator<RegisteredModel, void, undefined> {
    let token: string | null | undefined;
    do {
      const query = new URLSearchParams();
      if (filterString) query.set("filter_string", filterString);
      if (pageSize) query.set("max_results", String(pageSize));
      if (token) query.set("page_token", token);
      const page = await this.json<ModelPage>("GET", `/api/v1/models${query.size ? `?${query}` : ""}`);
      yield* page.models;
      token = page.next_page_token;
    } while (token);
  }

  async listVersions(name: string): Promise<ModelVersion[]> {
    return (await this.json<{ model_versions: ModelVersion[] }>("GET", `/api/v1/models/${segment(name)}/versions`)).model_versions;
  }

  /** Uploads an `.onnx` file as the model's next version, streamed from disk; `onProgress(sent, total)` follows the bytes. */
  async uploadVersion(name: string, path: string, onProgress?: (sent: number, total: number) => void): Promise<ModelVersion> {
    return this.json("POST", `/api/v1/models/${segment(name)}/versions`, { multipart: await multipartFile("file", path, onProgress) });
  }

  getVersion(name: string, version: number | string): Promise<ModelVersion> {
    return this.json("GET", `/api/v1/models/${segment(name)}/versions/${segment(version)}`);
  }

  /** Moves a version to `None`, `Staging`, `Production` or `Archived`. */
  setStage(name: string, version: number | string, stage: string, archiveExistingVersions = false): Promise<ModelVersion> {
    return this.json("POST", `/api/v1/models/${segment(name)}/versions/${segment(version)}/stage`, {
      json: { stage, archive_existing_versions: archiveExistingVersions },
    });
  }

  setAlias(name: string, alias: string, version: number | string): Promise<ModelAlias> {
    return this.json("PUT", `/api/v1/models/${segment(name)}/aliases/${segment(alias)}`, { json: { version: Number(version) } });
  }

  getModelCard(name: string, version: number | string): Promise<ModelCard>;
  getModelCard(name: string, version: number | string, format: "markdown"): Promise<string>;
  async getModelCard(name: string, version: number | string, format?: "markdown"): Promise<ModelCard | string> {
    const path = `/api/v1/model-cards/${segment(name)}/versions/${segment(version)}`;
    return format === "markdown" ? (await this.request("GET", `${path}?format=markdown`)).text() : this.json<ModelCard>("GET", path);
  }

  // ---- API keys (scope admin) ----

  /** A new key; its secret, `key`, is in this answer only. */
  createApiKey(name: string, scopes: string[], plan?: string, rateLimit?: { requests_per_minute: number; burst: number }): Promise<CreatedApiKey> {
    return this.json("POST", "/admin/api-keys", { json: { name, scopes, plan: plan ?? null, rate_limit: rateLimit ?? null } });
  }

  async listApiKeys(): Promise<ApiKeySummary[]> {
    return (await this.json<{ api_keys: ApiKeySummary[] }>("GET", "/admin/api-keys")).api_keys;
  }

  async revokeApiKey(id: string): Promise<void> {
    await this.request("DELETE", `/admin/api-keys/${segment(id)}`);
  }

  // ---- transport ----

  private v2Path(model: string, version?: number | string): string {
    return version === undefined ? `/v2/models/${segment(model)}` : `/v2/models/${segment(model)}/versions/${segment(version)}`;
  }

  /** Each input's datatype from the model's V2 metadata, remembered for a minute. */
  private async inputDatatypes(model: string, version?: number | string): Promise<Map<string, string>> {
    const key = `${model}\u0000${version ?? ""}`;
    const cached = this.datatypes.get(key);
    if (cached && Date.now() - cached.at < 60_000) return cached.byInput;
    const metadata = await this.modelMetadata(model, version);
    const byInput = new Map((metadata.inputs ?? []).map((i) => [i.name, i.datatype] as const));
    this.datatypes.set(key, { at: Date.now(), byInput });
    return byInput;
  }

  private async json<T>(method: string, path: string, body?: Body): Promise<T> {
    return (await (await this.request(method, path, body)).json()) as T;
  }

  private readonly exchange: Exchange = async (path, headers, body) =>
    (await (await this.request("POST", path, body === undefined ? undefined : { json: body }, headers, false)).json()) as TokenResponse;

  private async request(method: string, path: string, body?: Body, extraHeaders: Record<string, string> = {}, authenticated = true): Promise<Response> {
    const url = this.baseUrl + path;
    let attempt = 0;
    let renewed = false;
    for (;;) {
      const headers: Record<string, string> = { ...extraHeaders, "X-Request-Id": crypto.randomUUID().replaceAll("-", "") };
      if (authenticated) Object.assign(headers, await this.credentials.headers(this.exchange));
      const init: RequestInit & { duplex?: "half" } = { method, headers, signal: AbortSignal.timeout(this.timeoutMs) };
      if (body && "json" in body) {
        headers["Content-Type"] = "application/json";
        init.body = JSON.stringify(body.json);
      } else if (body && "multipart" in body) {
        headers["Content-Type"] = body.multipart.contentType;
        headers["Content-Length"] = String(body.multipart.length);
        init.body = body.multipart.open();
        init.duplex = "half";
      }

      let response: Response;
      try {
        response = await this.fetchImpl(url, init);
      } catch (error) {
        if (idempotent.has(method) && attempt < this.retries) {
          attempt += 1;
          await sleep(Math.min(250 * 2 ** (attempt - 1), 2000));
          continue;
        }
        const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
        throw new MaestroConnectionError(`${method} ${url} failed: ${reason}`, { requestId: headers["X-Request-Id"] }, { cause: error });
      }

      const bearer = headers.Authorization;
      if (response.status === 401 && authenticated && bearer && !renewed && this.credentials.canRenew()) {
        renewed = true;
        await response.body?.cancel();
        await this.credentials.renew(this.exchange, bearer.slice("Bearer ".length));
        continue;
      }
      if ((response.status === 429 || response.status === 503) && attempt < this.retries) {
        const wait = retryAfterMs(response);
        if (wait !== undefined || response.status === 429) {
          attempt += 1;
          await response.body?.cancel();
          await sleep(Math.min(wait ?? 1000, this.maxRetryWaitMs));
          continue;
        }
      }
      if (response.status >= 400) throw await this.error(method, path, response);
      return response;
    }
  }

  private async error(method: string, path: string, response: Response): Promise<MaestroError> {
    const text = await response.text();
    let body: unknown = text || undefined;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    const problem = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
    const str = (value: unknown) => (typeof value === "string" && value ? value : undefined);
    const detail = str(problem.detail) ?? str(problem.error) ?? str(problem.message);
    const title = str(problem.title);
    const requestId = response.headers.get("x-request-id") ?? str(problem.requestId) ?? str(problem.traceId);
    const retryAfter = retryAfterMs(response);
    let message = `${method} ${path} answered ${response.status}: ${detail ?? title ?? response.statusText}`;
    if (requestId) message += ` (request id ${requestId})`;
    const ErrorClass = errorClassFor(response.status);
    return new ErrorClass(message, {
      status: response.status, detail, title, requestId, body,
      retryAfter: retryAfter === undefined ? undefined : retryAfter / 1000,
    });
  }
}
