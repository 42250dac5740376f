import { AuthenticationError } from "./errors.js";
import type { TokenResponse, Tokens } from "./types.js";

/** A token that expires within this many milliseconds is renewed before it is sent. */
export const REFRESH_MARGIN_MS = 30_000;

/** Calls `POST /auth/token` (with the key) or `POST /auth/refresh` (with the refresh token), unauthenticated. */
export type Exchange = (path: "/auth/token" | "/auth/refresh", headers: Record<string, string>, body?: unknown) => Promise<TokenResponse>;

/** The `exp` of a JWT in ms (read, not verified: the gateway verifies), or undefined. */
export function jwtExpiry(token: string): number | undefined {
  try {
    const payload = token.split(".")[1];
    if (!payload) return undefined;
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { exp?: unknown };
    return typeof claims.exp === "number" ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

export function tokensFrom(response: TokenResponse, now = Date.now()): Tokens {
  return { accessToken: response.access_token, refreshToken: response.refresh_token ?? undefined, expiresAt: now + response.expires_in * 1000 };
}

export interface CredentialOptions {
  apiKey?: string;
  token?: string;
  refreshToken?: string;
  useTokens?: boolean;
  onTokens?: (tokens: Tokens) => void;
}

/**
 * What a client sends, and how it renews a bearer token: with `useTokens` and an API key, the key is
 * exchanged at `POST /auth/token` first; the bearer token is renewed at `POST /auth/refresh` shortly
 * before it expires or once on a 401, falling back to the key when the refresh token is refused.
 * One renewal at a time: a refresh token is good once, so concurrent calls share the renewal in flight.
 */
export class Credentials {
  tokens?: Tokens;
  private readonly apiKey?: string;
  private readonly useTokens: boolean;
  private readonly onTokens?: (tokens: Tokens) => void;
  private renewal?: Promise<Tokens>;

  constructor(options: CredentialOptions) {
    this.apiKey = options.apiKey;
    this.useTokens = options.useTokens ?? (options.token === undefined && options.refreshToken !== undefined);
    this.onTokens = options.onTokens;
    if (options.token !== undefined || options.refreshToken !== undefined) {
      this.tokens = {
        accessToken: options.token ?? "",
        refreshToken: options.refreshToken,
        expiresAt: options.token ? jwtExpiry(options.token) : 0,
      };
    }
  }

  get usesBearer(): boolean {
    return this.tokens !== undefined || (this.useTokens && this.apiKey !== undefined);
  }

  canRenew(): boolean {
    return this.tokens?.refreshToken !== undefined || (this.useTokens && this.apiKey !== undefined);
  }

  async headers(exchange: Exchange): Promise<Record<string, string>> {
    if (!this.usesBearer) {
      return this.apiKey ? { "X-API-Key": this.apiKey } : {};
    }
    let tokens = this.tokens;
    if (!tokens || !tokens.accessToken || (tokens.expiresAt !== undefined && tokens.expiresAt - Date.now() < REFRESH_MARGIN_MS && this.canRenew())) {
      tokens = await this.renew(exchange, tokens?.accessToken);
    }
    return { Authorization: `Bearer ${tokens.accessToken}` };
  }

  /** New tokens, unless another call already replaced `stale` (then its successor). */
  renew(exchange: Exchange, stale: string | undefined): Promise<Tokens> {
    const current = this.tokens;
    if (current?.accessToken && current.accessToken !== stale) {
      return Promise.resolve(current);
    }
    this.renewal ??= this.renewNow(exchange).finally(() => {
      this.renewal = undefined;
    });
    return this.renewal;
  }

  private async renewNow(exchange: Exchange): Promise<Tokens> {
    let fresh: Tokens | undefined;
    const refreshToken = this.tokens?.refreshToken;
    if (refreshToken) {
      try {
        fresh = tokensFrom(await exchange("/auth/refresh", {}, { refresh_token: refreshToken }));
      } catch (error) {
        if (!(error instanceof AuthenticationError) || !(this.useTokens && this.apiKey)) throw error;
      }
    }
    if (!fresh) {
      if (!this.apiKey) {
        throw new AuthenticationError("The bearer token has expired and there is no refresh token or API key to renew it.", { status: 401 });
      }
      fresh = tokensFrom(await exchange("/auth/token", { "X-API-Key": this.apiKey }));
    }
    this.tokens = fresh;
    this.onTokens?.(fresh);
    return fresh;
  }
}
