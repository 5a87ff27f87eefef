// The client's own logic with a scripted fetch (no server): error mapping, Retry-After, storage,
// paging limits, where ETags are kept, and a refresh that fails for a reason other than the session.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  ApiError, SessionEndedError, UnavailableError, ValidationError, createTradeHubClient, errorFromResponse,
  memoryStorage, pages, parseRetryAfter, webStorage,
} from "../src/index.js";

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

/** A fetch that answers from a script and records what it was sent. */
function scripted(...answers: Answer[]) {
  const sent: Request[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    sent.push(request);
    const next = answers.shift();
    if (!next) throw new Error(`unexpected ${request.method} ${request.url}`);
    const body = next.body === undefined ? null : JSON.stringify(next.body);
    return new Response(body, { status: next.status, headers: { "Content-Type": "application/json", ...next.headers } });
  };
  return { fetch, sent };
}

const TOKENS = { accessToken: "access-1", refreshToken: "refresh-1", expiresIn: 900, tokenType: "Bearer" as const };

test("Retry-After in seconds or as an HTTP date", () => {
  assert.equal(parseRetryAfter("120"), 120);
  const inThirty = new Date(Date.now() + 30_000).toUTCString();
  const seconds = parseRetryAfter(inThirty)!;
  assert.ok(seconds >= 29 && seconds <= 31, String(seconds));
  assert.equal(parseRetryAfter("soon"), null);
  assert.equal(parseRetryAfter(null), null);
});

test("error answers become typed errors; a proxy's HTML page still becomes an ApiError", async () => {
  const unavailable = await errorFromResponse(new Response(
    JSON.stringify({ code: "DEPENDENCY_UNAVAILABLE", message: "Firestore is not answering", details: {} }),
    { status: 503, headers: { "Retry-After": "7", "X-Request-Id": "req-1" } }));
  assert.ok(unavailable instanceof UnavailableError);
  assert.equal(unavailable.retryAfter, 7);
  assert.equal(unavailable.requestId, "req-1");

  const invalid = await errorFromResponse(new Response(
    JSON.stringify({ code: "VALIDATION_FAILED", message: "Invalid fields", details: { fields: [{ field: "pan" }] } }),
    { status: 422, headers: { "Retry-After": "7" } }));
  assert.ok(invalid instanceof ValidationError);
  assert.equal(invalid.retryAfter, null, "Retry-After only counts on 429/503");
  assert.deepEqual(invalid.details, { fields: [{ field: "pan" }] });

  const proxy = await errorFromResponse(new Response("<html>Bad gateway</html>", { status: 502 }));
  assert.ok(proxy instanceof ApiError && !(proxy instanceof UnavailableError));
  assert.equal(proxy.code, "HTTP_502");
});

test("webStorage round-trips tokens and reads a malformed entry as signed out", () => {
  const values = new Map<string, string>();
  const storage = {
    getItem: (key: string) => values.get(key) ?? null,
    setItem: (key: string, value: string) => void values.set(key, value),
    removeItem: (key: string) => void values.delete(key),
  } as unknown as Storage;
  const kept = webStorage(storage);
  kept.save(TOKENS);
  assert.deepEqual(kept.load(), TOKENS);
  values.set("tradehub.session", "{not json");
  assert.equal(kept.load(), null);
  values.set("tradehub.session", JSON.stringify({ accessToken: "only" }));
  assert.equal(kept.load(), null);
  kept.save(null);
  assert.equal(values.has("tradehub.session"), false);
});

test("pages() stops at maxPages and on a page without a token", async () => {
  const asked: Array<string | undefined> = [];
  const fetchPage = async (token: string | undefined) => {
    asked.push(token);
    return { items: [asked.length], nextPageToken: asked.length < 3 ? `t${asked.length}` : null };
  };
  const seen: number[][] = [];
  for await (const page of pages(fetchPage, 2)) seen.push(page);
  assert.deepEqual(seen, [[1], [2]]);
  assert.deepEqual(asked, [undefined, "t1"]);
});

test("ETags are kept for the resource an answer carries and sent back as If-Match", async () => {
  const storage = memoryStorage();
  storage.save(TOKENS);
  const { fetch, sent } = scripted(
    { status: 201, body: { id: "p1" }, headers: { ETag: '"v1"' } },          // POST /api/partners
    { status: 200, body: { id: "p1" }, headers: { ETag: '"v2"' } },          // POST /api/partners/p1/submit
    { status: 200, body: { id: "p1" }, headers: { ETag: '"v3"' } },          // PATCH /api/partners/p1
  );
  const client = createTradeHubClient({ baseUrl: "http://api.test", fetch, storage });
  await client.api.POST("/api/partners", { body: { legalName: "Scripted Mill" } });
  assert.equal(client.etags.get("/api/partners/p1"), '"v1"');
  await client.api.POST("/api/partners/{partnerId}/submit", { params: { path: { partnerId: "p1" } } });
  assert.equal(client.etags.get("/api/partners/p1"), '"v2"');
  await client.api.PATCH("/api/partners/{partnerId}", { params: { path: { partnerId: "p1" } }, body: { tradeName: "T" } });
  assert.equal(sent[2]!.headers.get("If-Match"), '"v2"');
  assert.equal(sent[2]!.headers.get("Authorization"), "Bearer access-1");
  assert.equal(sent[1]!.headers.get("Idempotency-Key"), null, "submit is not a creating POST");
  assert.match(sent[0]!.headers.get("Idempotency-Key") ?? "", /^[0-9a-f-]{36}$/);
  assert.equal(client.etags.get("/api/partners/p1"), '"v3"');
});

test("a refresh refused for another reason than the session (503) keeps the session", async () => {
  const storage = memoryStorage();
  storage.save(TOKENS);
  const { fetch } = scripted(
    { status: 401, body: { code: "TOKEN_EXPIRED", message: "expired", details: {} } },
    { status: 503, body: { code: "DEPENDENCY_UNAVAILABLE", message: "down", details: {} }, headers: { "Retry-After": "5" } },
  );
  let signedOut = 0;
  const client = createTradeHubClient({ baseUrl: "http://api.test", fetch, storage, onSignOut: () => { signedOut += 1; } });
  const error = await client.api.GET("/api/auth/me").then(() => null, (e: unknown) => e);
  assert.ok(error instanceof UnavailableError, String(error));
  assert.equal(error.retryAfter, 5);
  assert.equal(client.signedIn, true);
  assert.equal(signedOut, 0);
});

test("a refresh answered 409 REFRESH_TOKEN_ROTATED takes the tokens another tab saves meanwhile", async () => {
  const storage = memoryStorage();
  storage.save(TOKENS);
  const rotated = { ...TOKENS, accessToken: "access-2", refreshToken: "refresh-2" };
  const { fetch, sent } = scripted(
    { status: 409, body: { code: "REFRESH_TOKEN_ROTATED", message: "rotated", details: {} } },
  );
  const client = createTradeHubClient({ baseUrl: "http://api.test", fetch, storage, rotationWaitMs: 2000 });
  setTimeout(() => storage.save(rotated), 120);     // the other tab's save shows up a little later
  assert.equal(await client.refresh(), "access-2");
  assert.equal(sent.length, 1, "no second refresh with the stale token");
  assert.equal(client.signedIn, true);
});

test("a refresh answered 409 REFRESH_TOKEN_ROTATED with no new tokens in time ends the session", async () => {
  const storage = memoryStorage();
  storage.save(TOKENS);
  const { fetch } = scripted(
    { status: 409, body: { code: "REFRESH_TOKEN_ROTATED", message: "rotated", details: {} } },
  );
  const ended: string[] = [];
  const client = createTradeHubClient({ baseUrl: "http://api.test", fetch, storage, rotationWaitMs: 150,
    onSignOut: (reason) => ended.push(reason) });
  const error = await client.refresh().then(() => null, (e: unknown) => e);
  assert.ok(error instanceof SessionEndedError, String(error));
  assert.equal(error.status, 409);
  assert.deepEqual(ended, ["REFRESH_TOKEN_ROTATED"]);
  assert.equal(client.signedIn, false);
});
