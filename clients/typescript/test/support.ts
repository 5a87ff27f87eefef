/** What the node tests get from tests/integration/test_ts_client.py: the served gateway and a user. */
import { createTradeHubClient, type ClientOptions, type TradeHubClient } from "../src/index.js";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run these tests through tests/integration/test_ts_client.py`);
  return value;
}

export const BASE_URL = required("TRADEHUB_BASE_URL");
export const EMAIL = required("TRADEHUB_EMAIL");
export const PASSWORD = required("TRADEHUB_PASSWORD");

let addresses = 0;

export interface Seen {
  method: string;
  path: string;
  headers: Headers;
  status: number;
}

/** A client whose calls come from an address of its own (per-IP limits do not mix tests) and are recorded. */
export function recordedClient(options: Partial<ClientOptions> = {}): { client: TradeHubClient; seen: Seen[] } {
  const seen: Seen[] = [];
  addresses += 1;
  const address = `203.0.113.${addresses}`;
  const fetcher = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    request.headers.set("X-Forwarded-For", address);
    const copy = request.clone();
    const response = await fetch(request);
    seen.push({ method: copy.method, path: new URL(copy.url).pathname, headers: copy.headers, status: response.status });
    return response;
  };
  return { client: createTradeHubClient({ baseUrl: BASE_URL, fetch: fetcher, ...options }), seen };
}

/** Move the gateway's clock (shared.clock of the test process) forward. */
export async function advanceClock(seconds: number): Promise<void> {
  const response = await fetch(`${BASE_URL}/_test/clock?advanceSeconds=${seconds}`, { method: "POST" });
  if (!response.ok) throw new Error(`could not move the clock: ${response.status}`);
}

export const ACCESS_TOKEN_LIFETIME = 15 * 60;
