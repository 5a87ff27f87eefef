// The browser check's page script: the client, as a web app on another origin would use it.
// Query: api (the API origin), email, password, project, auth and firestore (emulators as host:port).
// Progress is in `window.tradehub` and on <body data-state=...>: "listening" (signed in, partners listed,
// one updated, realtime listener live), "refused" (sign-in failed: on a non-allowed origin, CORS).
// With mode=tabs the page only exposes `window.tabs` (sign-in, refresh, a call) for the two-tab check.
import { ApiError, all, createTradeHubClient, webStorage } from "../../src/index.js";
import { Realtime } from "../../src/realtime.js";

interface State {
  partners: string[];
  updated?: string | null;
  ifMatchSent?: string | null;
  notifications: string[];
  signInError?: { name: string; message: string; apiError: boolean };
  failure?: string;
}

const params = new URLSearchParams(location.search);
const get = (name: string): string => params.get(name) ?? "";
const state: State = { partners: [], notifications: [] };
(window as unknown as { tradehub: State }).tradehub = state;
const sent: Request[] = [];

function mark(value: string): void {
  document.body.dataset.state = value;
  document.getElementById("log")!.textContent = JSON.stringify(state, null, 2);
}

async function run(): Promise<void> {
  const th = createTradeHubClient({
    baseUrl: get("api"),
    storage: webStorage(sessionStorage),
    fetch: (input, init) => {
      const request = new Request(input, init);
      sent.push(request.clone());
      return fetch(request);
    },
  });
  try {
    await th.signIn(get("email"), get("password"));
  } catch (error) {
    const e = error as Error;
    state.signInError = { name: e.name, message: e.message, apiError: error instanceof ApiError };
    mark("refused");
    return;
  }
  const partners = await all((pageToken) =>
    th.api.GET("/api/partners", { params: { query: { pageSize: 2, pageToken } } }));
  state.partners = partners.map((partner) => partner.id);
  const partnerId = state.partners[0]!;
  await th.api.GET("/api/partners/{partnerId}", { params: { path: { partnerId } } });
  const { data } = await th.api.PATCH("/api/partners/{partnerId}", {
    params: { path: { partnerId } }, body: { tradeName: "Edited in the browser" } });
  state.updated = data?.tradeName ?? null;
  state.ifMatchSent = sent.find((request) => request.method === "PATCH")?.headers.get("If-Match") ?? null;

  const live = await Realtime.connect(th, {
    projectId: get("project"), emulators: { auth: get("auth"), firestore: get("firestore") } });
  live.onNotifications((list) => {
    state.notifications = list.map((n) => n.title);
    mark("listening");
  }, (error) => {
    state.failure = `listener: ${error.message}`;
    mark("failed");
  });
}

// mode=tabs: two tabs of one origin sharing the session in localStorage, driven by drive.mjs.
function tabs(): void {
  const th = createTradeHubClient({ baseUrl: get("api"), storage: webStorage(localStorage, "tradehub.tabs") });
  const outcome = async <T>(work: () => Promise<T>): Promise<{ ok: T } | { error: string }> => {
    try {
      return { ok: await work() };
    } catch (error) {
      return { error: error instanceof ApiError ? error.code : String(error) };
    }
  };
  (window as unknown as { tabs: unknown }).tabs = {
    signIn: () => outcome(async () => (await th.signIn(get("email"), get("password"))).user.id),
    refresh: () => outcome(async () => (await th.refresh()).slice(-8)),   // a tail to compare, not a token
    me: () => outcome(async () => (await th.api.GET("/api/auth/me")).data?.id),
    refreshes: () => th.refreshCount,
  };
  document.body.dataset.state = "tabs";
}

if (get("mode") === "tabs") {
  tabs();
} else {
  run().catch((error: unknown) => {
    state.failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    mark("failed");
  });
}
