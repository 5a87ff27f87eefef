/**
 * The TradeHub API client: openapi-fetch over the generated `paths`, with the session rules of the API.
 *
 * - `signIn` keeps the tokens (and the login's `firebaseToken` for the realtime helpers).
 * - Every call carries the access token. A 401 on a call that carried one refreshes the tokens once and
 *   repeats the call; concurrent calls share one in-flight refresh (the refresh token rotates on each use
 *   and a reused one ends the session, so two refreshes would sign the user out). A refused refresh signs
 *   out and the call fails with `SessionEndedError`. Tabs sharing one storage refresh one at a time
 *   (Web Locks); a tab whose storage had not yet shown another tab's rotation gets 409
 *   REFRESH_TOKEN_ROTATED (nothing revoked) and waits for the rotated tokens to show up.
 * - Creating POSTs (the document's `x-idempotent` routes) get an `Idempotency-Key` unless one is given;
 *   the repeat after a refresh sends the same key.
 * - The `ETag` of every answer is kept per resource path (see resourcePath) and sent as `If-Match` on that
 *   path's PUT/PATCH/DELETE unless one is given; a stale one fails with `PreconditionFailedError` (412).
 * - Every non-2xx answer is thrown as a typed `ApiError` (see errors.ts), so `data` is always there.
 */
import createClient, { type Client, type Middleware } from "openapi-fetch";

import { ETagStore } from "./etags.js";
import { ApiError, SessionEndedError, errorFromResponse } from "./errors.js";
import { IDEMPOTENT_POSTS } from "./generated/operations.js";
import type { components, paths } from "./generated/schema.js";
import { memoryStorage, type TokenStorage, type Tokens } from "./storage.js";

export type LoginOut = components["schemas"]["LoginOut"];
export type Schemas = components["schemas"];

export interface ClientOptions {
  /** The API's origin, e.g. `https://api.tradehub.rnrl.in` (paths start with /api). */
  baseUrl: string;
  /** Where tokens are kept (default: memory). */
  storage?: TokenStorage;
  /** The fetch to use (default: globalThis.fetch). */
  fetch?: typeof globalThis.fetch;
  /** Called once whenever the session ends (sign-out, refused refresh). */
  onSignOut?: (reason: string) => void;
  /** `reportActivity()` posts at most once in this many milliseconds (default 2 minutes). */
  activityIntervalMs?: number;
  /** How long a refresh answered 409 REFRESH_TOKEN_ROTATED waits for the other tab's tokens (default 5 s). */
  rotationWaitMs?: number;
}

/** The Web Locks lock that serializes refreshes across the tabs sharing one token storage. */
export const REFRESH_LOCK = "tradehub-token-refresh";
const DEFAULT_ACTIVITY_INTERVAL_MS = 2 * 60 * 1000;
const DEFAULT_ROTATION_WAIT_MS = 5000;

// Calls that must never carry the session or trigger a refresh.
const SESSIONLESS = new Set(["/api/auth/login", "/api/auth/refresh"]);
const IDEMPOTENT = new Set(IDEMPOTENT_POSTS);

interface Pending {
  copy: Request;
  token: string | null;
}

export class TradeHubClient {
  /** The typed openapi-fetch client; errors are thrown as ApiError. */
  readonly api: Client<paths>;
  readonly etags = new ETagStore();
  /** The login's Firebase custom token (for realtime.ts), null before sign-in or for restricted logins. */
  firebaseToken: string | null = null;
  /** How many refreshes this client has made (for diagnostics and tests). */
  refreshCount = 0;

  private readonly storage: TokenStorage;
  private readonly fetch: typeof globalThis.fetch;
  private readonly baseUrl: string;
  private readonly onSignOut?: (reason: string) => void;
  private refreshing: Promise<string> | null = null;
  private readonly activityIntervalMs: number;
  private readonly rotationWaitMs: number;
  private lastActivity: { at: number; call: Promise<void> } | null = null;
  private readonly pending = new Map<string, Pending>();
  private readonly signOutListeners = new Set<(reason: string) => void>();

  constructor(options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.storage = options.storage ?? memoryStorage();
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.onSignOut = options.onSignOut;
    this.activityIntervalMs = options.activityIntervalMs ?? DEFAULT_ACTIVITY_INTERVAL_MS;
    this.rotationWaitMs = options.rotationWaitMs ?? DEFAULT_ROTATION_WAIT_MS;
    this.api = createClient<paths>({ baseUrl: this.baseUrl, fetch: (request) => this.fetch(request) });
    this.api.use(this.middleware());
  }

  get signedIn(): boolean {
    return this.storage.load() !== null;
  }

  get tokens(): Tokens | null {
    return this.storage.load();
  }

  /** Sign in with e-mail and password; keeps the tokens. Throws ApiError (401, 423, 429...). */
  async signIn(email: string, password: string): Promise<LoginOut> {
    const { data } = await this.api.POST("/api/auth/login", { body: { email, password } });
    const login = data as LoginOut;
    this.storage.save(login.tokens);
    this.firebaseToken = login.firebaseToken ?? null;
    return login;
  }

  /** End the session on the server (best effort) and forget the tokens. */
  async signOut(): Promise<void> {
    if (this.signedIn) {
      try {
        await this.api.POST("/api/auth/logout");
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;   // already ended there: nothing more to do
      }
    }
    this.endSession("SIGNED_OUT");
  }

  /** Listen for the end of the session; returns the unsubscribe function. */
  onSessionEnd(listener: (reason: string) => void): () => void {
    this.signOutListeners.add(listener);
    return () => this.signOutListeners.delete(listener);
  }

  /** Refresh the tokens now (shared with any refresh in flight); the new access token. */
  refresh(): Promise<string> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /**
   * Report user activity (keys, clicks): only `POST /api/auth/session/activity` extends the session's idle
   * timeout (30 minutes), API calls do not. Posts at most once per `activityIntervalMs`; calls in between
   * share the last one.
   */
  reportActivity(): Promise<void> {
    const now = Date.now();
    if (this.lastActivity && now - this.lastActivity.at < this.activityIntervalMs) return this.lastActivity.call;
    const call = this.api.POST("/api/auth/session/activity").then(() => undefined);
    this.lastActivity = { at: now, call };
    call.catch(() => {
      if (this.lastActivity?.call === call) this.lastActivity = null;    // a failed report is retried next time
    });
    return call;
  }

  private async doRefresh(): Promise<string> {
    const seen = this.storage.load();
    // Tabs sharing localStorage refresh one at a time (Web Locks, where the platform has them): a tab that
    // waited finds the tokens another tab just rotated and uses them instead of reusing the old refresh
    // token, which would end the session.
    const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
    if (!locks) return this.refreshWith(seen);
    return locks.request(REFRESH_LOCK, () => {
      const now = this.storage.load();
      if (now && seen && now.refreshToken !== seen.refreshToken) return now.accessToken;
      return this.refreshWith(now);
    });
  }

  /** The tokens another tab saved in place of `stale`, waiting up to `rotationWaitMs` for them to show. */
  private async rotatedTokens(stale: string): Promise<Tokens | null> {
    const deadline = Date.now() + this.rotationWaitMs;
    for (;;) {
      const now = this.storage.load();
      if (now && now.refreshToken !== stale) return now;
      if (Date.now() >= deadline) return null;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async refreshWith(tokens: Tokens | null): Promise<string> {
    if (!tokens) throw new SessionEndedError(401, { code: "NOT_SIGNED_IN", message: "Sign in first", details: {} });
    this.refreshCount += 1;
    const response = await this.fetch(new Request(`${this.baseUrl}/api/auth/refresh`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refreshToken: tokens.refreshToken }),
    }));
    if (response.ok) {
      const body = (await response.json()) as components["schemas"]["RefreshOut"];
      this.storage.save(body.tokens);
      return body.tokens.accessToken;
    }
    const error = await errorFromResponse(response);
    const rotatedElsewhere = response.status === 409 && error.code === "REFRESH_TOKEN_ROTATED";
    if (rotatedElsewhere) {
      // Another tab rotated this token moments ago (the lock does not order localStorage between tabs):
      // its new tokens reach this tab's storage shortly.
      const rotated = await this.rotatedTokens(tokens.refreshToken);
      if (rotated) return rotated.accessToken;
    }
    if (response.status === 401 || response.status === 403 || rotatedElsewhere) {
      this.endSession(error.code);
      throw new SessionEndedError(error.status, error, error.requestId);
    }
    throw error;    // 429/503...: the session may still be fine; the call fails with that error
  }

  private endSession(reason: string): void {
    const wasSignedIn = this.signedIn || this.firebaseToken !== null;
    this.storage.save(null);
    this.firebaseToken = null;
    this.etags.clear();
    this.lastActivity = null;
    if (!wasSignedIn) return;
    this.onSignOut?.(reason);
    for (const listener of this.signOutListeners) listener(reason);
  }

  private withToken(request: Request, token: string | null): Request {
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    return request;
  }

  private middleware(): Middleware {
    return {
      onRequest: ({ request, schemaPath, id }) => {
        const method = request.method;
        if (method === "POST" && IDEMPOTENT.has(schemaPath) && !request.headers.has("Idempotency-Key")) {
          request.headers.set("Idempotency-Key", crypto.randomUUID());
        }
        const path = new URL(request.url).pathname;
        if ((method === "PUT" || method === "PATCH" || method === "DELETE") && !request.headers.has("If-Match")) {
          const etag = this.etags.get(path);
          if (etag) request.headers.set("If-Match", etag);
        }
        let token: string | null = null;
        if (!SESSIONLESS.has(schemaPath) && !request.headers.has("Authorization")) {
          token = this.storage.load()?.accessToken ?? null;
          this.withToken(request, token);
        }
        // The body can be read once: keep a copy for the repeat after a refresh.
        this.pending.set(id, { copy: request.clone(), token });
        return request;
      },
      onResponse: async ({ request, response, id }) => {
        const pending = this.pending.get(id);
        this.pending.delete(id);
        let answer = response;
        if (answer.status === 401 && pending?.token) {
          const current = this.storage.load()?.accessToken ?? null;
          // Another call may have refreshed since this one left: use its token instead of refreshing again.
          const token = current && current !== pending.token ? current : await this.refresh();
          answer = await this.fetch(this.withToken(pending.copy, token));
        }
        if (!answer.ok) {
          const error = await errorFromResponse(answer);
          if (answer.status === 401 && pending?.token) {
            this.endSession(error.code);
            throw new SessionEndedError(error.status, error, error.requestId);
          }
          throw error;
        }
        const path = new URL(request.url).pathname;
        const etag = answer.headers.get("ETag");
        if (request.method === "DELETE") this.etags.delete(path);
        else if (etag) this.etags.set(await resourcePath(path, answer), etag);
        return answer;
      },
      onError: ({ id }) => {
        this.pending.delete(id);
      },
    };
  }
}

/**
 * The path an answer's ETag belongs to: the resource whose `id` the body carries. GET/PATCH of
 * /api/partners/p1 and POST /api/partners/p1/submit all answer partner p1 (key /api/partners/p1); a 201 of
 * POST /api/partners answers the new /api/partners/{id}. Without an `id`, the request path itself.
 */
async function resourcePath(path: string, answer: Response): Promise<string> {
  let id: unknown;
  try {
    id = ((await answer.clone().json()) as { id?: unknown } | null)?.id;
  } catch {
    return path;
  }
  if (typeof id !== "string" || id === "") return path;
  const segments = path.split("/");
  const at = segments.lastIndexOf(encodeURIComponent(id));
  if (at > 0) return segments.slice(0, at + 1).join("/");
  return answer.status === 201 ? `${path}/${encodeURIComponent(id)}` : path;
}

export function createTradeHubClient(options: ClientOptions): TradeHubClient {
  return new TradeHubClient(options);
}
