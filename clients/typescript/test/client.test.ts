// The client against the real local stack (gateway on the emulators), run by
// tests/integration/test_ts_client.py: `node --test dist/test/` with TRADEHUB_BASE_URL etc.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  ApiError, PreconditionFailedError, RateLimitedError, SessionEndedError, all, memoryStorage, pages,
} from "../src/index.js";
import { ACCESS_TOKEN_LIFETIME, EMAIL, PASSWORD, advanceClock, recordedClient } from "./support.js";

test("signIn keeps the tokens and the calls carry them", async () => {
  const { client, seen } = recordedClient();
  assert.equal(client.signedIn, false);
  const login = await client.signIn(EMAIL, PASSWORD);
  assert.equal(login.user.email, EMAIL);
  assert.equal(client.tokens?.accessToken, login.tokens.accessToken);
  assert.equal(typeof client.firebaseToken, "string");

  const { data: me } = await client.api.GET("/api/auth/me");
  assert.equal(me?.id, login.user.id);
  const call = seen.find((s) => s.path === "/api/auth/me");
  assert.equal(call?.headers.get("Authorization"), `Bearer ${login.tokens.accessToken}`);
  assert.equal(seen.find((s) => s.path === "/api/auth/login")?.headers.get("Authorization"), null);
});

test("a wrong password is a typed 401 error with the API's code", async () => {
  const { client } = recordedClient();
  const error = await client.signIn(EMAIL, "not-the-password-1A!").then(() => null, (e: unknown) => e);
  assert.ok(error instanceof ApiError);
  assert.equal(error.status, 401);
  assert.equal(error.code, "INVALID_CREDENTIALS");
  assert.deepEqual(error.details, {});
  assert.equal(client.signedIn, false);
});

test("five parallel calls on an expired token make exactly one refresh and all succeed", async () => {
  const { client, seen } = recordedClient();
  const login = await client.signIn(EMAIL, PASSWORD);
  await advanceClock(ACCESS_TOKEN_LIFETIME + 60);

  const answers = await Promise.all(Array.from({ length: 5 }, () => client.api.GET("/api/auth/me")));
  for (const { data } of answers) assert.equal(data?.id, login.user.id);

  const refreshes = seen.filter((s) => s.path === "/api/auth/refresh");
  assert.equal(refreshes.length, 1);
  assert.equal(client.refreshCount, 1);
  const me = seen.filter((s) => s.path === "/api/auth/me");
  assert.equal(me.filter((s) => s.status === 401).length, 5, "every first try was refused");
  assert.equal(me.filter((s) => s.status === 200).length, 5, "every call was repeated once");
  assert.notEqual(client.tokens?.accessToken, login.tokens.accessToken);
  assert.notEqual(client.tokens?.refreshToken, login.tokens.refreshToken, "the refresh token rotated");
});

test("a refused refresh signs out and the call fails with SessionEndedError", async () => {
  const storage = memoryStorage();
  const { client } = recordedClient({ storage });
  const ended: string[] = [];
  client.onSessionEnd((reason) => ended.push(reason));
  await client.signIn(EMAIL, PASSWORD);
  const stolen = client.tokens!;

  // Another holder of the same refresh token uses it first: the API rotates it, so this client's is reused.
  const { client: other } = recordedClient({ storage: memoryStorage() });
  (other as unknown as { storage: typeof storage }).storage.save(stolen);
  await other.refresh();

  await advanceClock(ACCESS_TOKEN_LIFETIME + 60);
  const error = await client.api.GET("/api/auth/me").then(() => null, (e: unknown) => e);
  assert.ok(error instanceof SessionEndedError, String(error));
  assert.equal(error.status, 401);
  assert.equal(client.signedIn, false);
  assert.equal(client.firebaseToken, null);
  assert.equal(ended.length, 1);
  assert.equal(ended[0], error.code);
});

test("a 429 is a RateLimitedError with its retry time", async () => {
  const { client } = recordedClient();
  const body = { email: "nobody@example.com" };
  await client.api.POST("/api/auth/password-reset/request", { body });
  const error = await client.api.POST("/api/auth/password-reset/request", { body }).then(() => null, (e: unknown) => e);
  assert.ok(error instanceof RateLimitedError, String(error));
  assert.equal(error.status, 429);
  assert.equal(error.code, "RATE_LIMITED");
  assert.ok(error.retryAfter !== null && error.retryAfter >= 1 && error.retryAfter <= 60, String(error.retryAfter));
  const wait = error.retryAt!.getTime() - Date.now();
  assert.ok(wait > 0 && wait <= 60_000, String(wait));
  assert.match(error.requestId ?? "", /.+/);
});

test("creating POSTs send an Idempotency-Key and pages() walks every page once", async () => {
  const { client, seen } = recordedClient();
  await client.signIn(EMAIL, PASSWORD);
  const created: string[] = [];
  for (let n = 0; n < 5; n += 1) {
    const { data } = await client.api.POST("/api/partners", { body: { legalName: `Paging Mill ${n}`, kind: "BUYER" } });
    created.push(data!.id);
  }
  const keys = seen.filter((s) => s.method === "POST" && s.path === "/api/partners")
    .map((s) => s.headers.get("Idempotency-Key"));
  assert.equal(keys.length, 5);
  assert.equal(new Set(keys).size, 5);
  for (const key of keys) assert.match(key ?? "", /^[0-9a-f-]{36}$/);
  assert.equal(seen.find((s) => s.path === "/api/auth/login")?.headers.get("Idempotency-Key"), null);

  const sizes: number[] = [];
  const ids: string[] = [];
  for await (const page of pages((pageToken) =>
    client.api.GET("/api/partners", { params: { query: { pageSize: 2, pageToken } } }))) {
    sizes.push(page.length);
    ids.push(...page.map((partner) => partner.id));
  }
  assert.deepEqual(sizes, [2, 2, 1]);
  assert.deepEqual([...ids].sort(), [...created].sort());
  const everything = await all((pageToken) =>
    client.api.GET("/api/partners", { params: { query: { pageSize: 3, pageToken } } }));
  assert.deepEqual(everything.map((partner) => partner.id), ids, "newest first, the same order at any page size");
});

test("the same Idempotency-Key twice creates one partner", async () => {
  const { client } = recordedClient();
  await client.signIn(EMAIL, PASSWORD);
  const init = { body: { legalName: "Once Only Cotton", kind: "SELLER" as const },
                 headers: { "Idempotency-Key": "tsclient-once-only" } };
  const first = await client.api.POST("/api/partners", init);
  const again = await client.api.POST("/api/partners", init);
  assert.equal(again.data?.id, first.data?.id);
  const found = await all((pageToken) => client.api.GET("/api/partners", { params: { query: { q: "Once Only", pageToken } } }));
  assert.equal(found.length, 1);
});

test("ETags are kept and sent as If-Match; a stale one is a PreconditionFailedError", async () => {
  const { client, seen } = recordedClient();
  await client.signIn(EMAIL, PASSWORD);
  const { data: draft, response } = await client.api.POST("/api/partners", { body: { legalName: "Etag Spinners", kind: "BUYER" } });
  const id = draft!.id;
  assert.equal(client.etags.get(`/api/partners/${id}`), response.headers.get("ETag"));

  const { client: colleague } = recordedClient();
  await colleague.signIn(EMAIL, PASSWORD);
  await colleague.api.GET("/api/partners/{partnerId}", { params: { path: { partnerId: id } } });
  await colleague.api.PATCH("/api/partners/{partnerId}", { params: { path: { partnerId: id } },
                                                             body: { tradeName: "Colleague's edit" } });

  const stale = await client.api.PATCH("/api/partners/{partnerId}", { params: { path: { partnerId: id } },
                                                                       body: { tradeName: "My edit" } })
    .then(() => null, (e: unknown) => e);
  assert.ok(stale instanceof PreconditionFailedError, String(stale));
  assert.equal(stale.status, 412);
  assert.equal(stale.code, "STALE_VERSION");
  const patches = seen.filter((s) => s.method === "PATCH");
  assert.equal(patches[0]?.headers.get("If-Match"), response.headers.get("ETag"));
  assert.equal(stale.details.currentETag, colleague.etags.get(`/api/partners/${id}`));

  // Reload, and the update goes through with the new ETag.
  const { response: reread } = await client.api.GET("/api/partners/{partnerId}", { params: { path: { partnerId: id } } });
  const { data: saved, response: after } = await client.api.PATCH("/api/partners/{partnerId}", {
    params: { path: { partnerId: id } }, body: { tradeName: "My edit" } });
  assert.equal(seen.filter((s) => s.method === "PATCH").at(-1)?.headers.get("If-Match"), reread.headers.get("ETag"));
  assert.equal(saved?.tradeName, "My edit");
  assert.equal(client.etags.get(`/api/partners/${id}`), after.headers.get("ETag"));
  assert.notEqual(after.headers.get("ETag"), reread.headers.get("ETag"));
});

test("reportActivity extends the idle timeout, posting at most once per interval", async () => {
  const { client, seen } = recordedClient();
  await client.signIn(EMAIL, PASSWORD);
  const { data: before } = await client.api.GET("/api/auth/session");
  await advanceClock(10 * 60);

  await Promise.all([client.reportActivity(), client.reportActivity()]);
  await client.reportActivity();
  assert.equal(seen.filter((s) => s.path === "/api/auth/session/activity").length, 1);

  const { data: after } = await client.api.GET("/api/auth/session");
  const moved = Date.parse(after!.idleExpiresAt) - Date.parse(before!.idleExpiresAt);
  assert.ok(moved >= 10 * 60 * 1000 && moved < 11 * 60 * 1000, `idle expiry moved by ${moved} ms`);
});
