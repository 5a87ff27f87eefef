// The realtime helpers against the emulators (Auth emulator of firebase-tools, Firestore emulator with
// infra/firestore.rules loaded), run by tests/integration/test_ts_client.py. The signed-in user is a
// partner user of partner TRADEHUB_PARTNER_ID; the test seeded one notification for it, one trade-desk
// view of its partner and one of another partner.
import assert from "node:assert/strict";
import { test } from "node:test";

import { collection, onSnapshot } from "firebase/firestore";

import { Realtime, type ContractView, type LiveNotification } from "../src/realtime.js";
import { EMAIL, PASSWORD, recordedClient } from "./support.js";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const options = {
  projectId: env("TRADEHUB_PROJECT"),
  emulators: { auth: env("TRADEHUB_AUTH_EMULATOR"), firestore: env("TRADEHUB_FIRESTORE") },
};
const PARTNER = env("TRADEHUB_PARTNER_ID");
const OTHER_PARTNER = env("TRADEHUB_OTHER_PARTNER_ID");

function first<T>(subscribe: (resolve: (value: T) => void, reject: (error: Error) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no snapshot within 15 s")), 15_000);
    subscribe((value) => { clearTimeout(timer); resolve(value); }, (error) => { clearTimeout(timer); reject(error); });
  });
}

test("realtime: the login's Firebase token signs in; own notifications and own partner's desk only", async () => {
  const { client } = recordedClient();
  const login = await client.signIn(EMAIL, PASSWORD);
  assert.ok(client.firebaseToken);
  const live = await Realtime.connect(client, options);
  try {
    assert.equal(live.uid, login.user.id);
    assert.equal(live.partnerId, PARTNER);

    const notifications = await first<LiveNotification[]>((resolve, reject) => {
      live.onNotifications((list) => { if (list.length) resolve(list); }, reject);
    });
    assert.deepEqual(notifications.map((n) => [n.title, n.read]), [["Contract ready to sign", false]]);
    assert.ok(notifications[0]!.createdAt instanceof Date);

    const desk = await first<Array<{ id: string }>>((resolve, reject) => {
      live.onPartnerDesk("trades", resolve, reject);
    });
    assert.deepEqual(desk.map((d) => d.id), ["trade-mine"]);

    const contracts = await first<Array<{ id: string; data: ContractView }>>((resolve, reject) => {
      live.onPartnerDesk("contracts", (docs) => { if (docs.length) resolve(docs); }, reject);
    });
    assert.deepEqual(contracts.map((c) => c.id), ["contract-1"]);
    const view = contracts[0]!.data;
    assert.deepEqual([view.number, view.status, view.role, view.contractDate, view.financialYear],
                     ["SC/25-26/00042", "ACTIVE", "BUYER", "2026-04-20", "2026-27"]);
    assert.deepEqual([view.commodity, view.variety, view.quantity, view.rate],
                     ["Cotton", { code: "SHANKAR-6", name: "Shankar-6" }, { value: "100", unit: "BALE", kg: "17000" },
                      { amountPaise: 5600000, unit: "CANDY" }]);
    assert.deepEqual([view.valuePaise, view.gstPaise, view.amendmentPending], [1680000000, 84000000, false]);
    assert.deepEqual(view.counterparty, { partnerId: OTHER_PARTNER, code: "BP-000002", name: "Patel Ginning Factory" });
    assert.ok(view.updatedAt?.toDate() instanceof Date);
    assert.equal("commissions" in view, false);

    // The rules refuse everything else, whatever the client asks for.
    for (const path of [["partnerViews", OTHER_PARTNER, "trades"], ["partnerViews", OTHER_PARTNER, "contracts"],
                        ["users", "someone-else", "notifications"]]) {
      const [root, ...rest] = path as [string, ...string[]];
      const refused = await first<unknown>((resolve, reject) => {
        onSnapshot(collection(live.db, root, ...rest), () => reject(new Error(`${path.join("/")} was readable`)),
                   resolve);
      });
      assert.equal((refused as { code?: string }).code, "permission-denied", path.join("/"));
    }

    // A forced refresh gives a new ID token with the same identity.
    const token = await live.refresh();
    const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;
    assert.equal(claims.user_id ?? claims.sub, login.user.id);
    assert.equal(claims.partnerId, PARTNER);

    // Signing out of the API signs out of Firebase.
    await client.signOut();
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(live.auth.currentUser, null);
    assert.equal(client.firebaseToken, null);
  } finally {
    if (live.auth.currentUser) await live.close();
  }
});
