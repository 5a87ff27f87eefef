/**
 * Realtime helpers: Firebase sign-in with the login's `firebaseToken`, and live listeners on what the
 * Firestore security rules (infra/firestore.rules) let a user read: its own notifications
 * (users/{uid}/notifications), its partner's trade-desk views (partnerViews/{partnerId}/trades|offers) and its
 * partner's contract views (partnerViews/{partnerId}/contracts, functions/contracts/views.py).
 *
 * The Firebase SDK refreshes its ID token by itself (hourly); `refresh()` forces it, for example after the
 * user's role changed. Signing out of the API client signs out of Firebase too.
 */
import { deleteApp, initializeApp, type FirebaseApp } from "firebase/app";
import { connectAuthEmulator, getAuth, signInWithCustomToken, signOut, type Auth } from "firebase/auth";
import {
  collection, connectFirestoreEmulator, getFirestore, limit, onSnapshot, orderBy, query,
  type DocumentData, type Firestore, type Timestamp,
} from "firebase/firestore";

import type { TradeHubClient } from "./client.js";

export interface RealtimeOptions {
  /** The Firebase project id (the API's GOOGLE_CLOUD_PROJECT). */
  projectId: string;
  /** The web API key of the Firebase app (any value against the emulators). */
  apiKey?: string;
  /** Local only: the emulators as host:port. */
  emulators?: { auth: string; firestore: string };
  /** Name of the Firebase app instance (several clients in one page). */
  appName?: string;
}

export interface LiveNotification {
  id: string;
  title: string;
  body: string;
  category: string;
  severity: string;
  read: boolean;
  createdAt: Date | null;
  link: unknown;
  eventType: string | null;
}

export type Unsubscribe = () => void;

/** The partner-view collections a partner user may listen to (infra/firestore.rules). */
export type PartnerDeskKind = "trades" | "offers" | "contracts";

/** A party of a contract as its views name it (not anonymous: a contract is made). */
export interface ContractViewParty {
  partnerId: string | null;
  code: string | null;
  name: string | null;
}

/**
 * partnerViews/{partnerId}/contracts/{contractId}: what one party sees of its contract, in the stored shapes
 * (functions/contracts/views.py), not the API's: money in integer paise, decimals as strings, a Firestore
 * timestamp. No brokerage. A buyer or seller gets `counterparty`; a sub-broker gets `buyer` and `seller`.
 */
export interface ContractView {
  id: string;
  number: string | null;
  status: string;
  role: "BUYER" | "SELLER" | "SUB_BROKER";
  contractDate: string | null;          // YYYY-MM-DD (India)
  financialYear: string | null;         // 2025-26
  contractVersion: number | null;
  amendmentPending: boolean;
  commodity: string | null;             // the commodity's name
  variety: { code: string; name: string | null } | null;
  quantity: { value: string; unit: string; kg: string } | null;
  rate: { amountPaise: number; unit: string } | null;
  valuePaise: number | null;
  gstPaise: number | null;
  updatedAt: Timestamp | null;
  counterparty?: ContractViewParty | null;
  buyer?: ContractViewParty | null;
  seller?: ContractViewParty | null;
}

function toDate(value: unknown): Date | null {
  return value && typeof (value as Timestamp).toDate === "function" ? (value as Timestamp).toDate() : null;
}

export class Realtime {
  readonly uid: string;
  /** The partner id of the signed-in user (from its Firebase claims), null for back-office users. */
  readonly partnerId: string | null;
  private readonly unsubscribers = new Set<Unsubscribe>();
  private stopSessionListener: Unsubscribe = () => {};

  private constructor(readonly app: FirebaseApp, readonly auth: Auth, readonly db: Firestore, uid: string,
                      partnerId: string | null) {
    this.uid = uid;
    this.partnerId = partnerId;
  }

  /** Sign in to Firebase with the client's `firebaseToken` (from its last signIn). */
  static async connect(client: TradeHubClient, options: RealtimeOptions): Promise<Realtime> {
    const token = client.firebaseToken;
    if (!token) throw new Error("no Firebase token: sign in first (restricted sessions get none)");
    const app = initializeApp({ apiKey: options.apiKey ?? "local", projectId: options.projectId,
                                authDomain: `${options.projectId}.firebaseapp.com` },
                              options.appName ?? `tradehub-${Math.random().toString(36).slice(2)}`);
    const auth = getAuth(app);
    const db = getFirestore(app);
    if (options.emulators) {
      connectAuthEmulator(auth, `http://${options.emulators.auth}`, { disableWarnings: true });
      const [host = "127.0.0.1", port = "8080"] = options.emulators.firestore.split(":");
      connectFirestoreEmulator(db, host, Number(port));
    }
    try {
      const credential = await signInWithCustomToken(auth, token);
      const claims = (await credential.user.getIdTokenResult()).claims;
      const partnerId = typeof claims.partnerId === "string" && claims.partnerId ? claims.partnerId : null;
      const realtime = new Realtime(app, auth, db, credential.user.uid, partnerId);
      realtime.stopSessionListener = client.onSessionEnd(() => void realtime.close());
      return realtime;
    } catch (error) {
      await deleteApp(app);
      throw error;
    }
  }

  /** Force a new Firebase ID token now (the SDK also refreshes it by itself before it expires). */
  async refresh(): Promise<string> {
    const user = this.auth.currentUser;
    if (!user) throw new Error("signed out of Firebase");
    return user.getIdToken(true);
  }

  /** The user's notifications, newest first, live: `onChange` gets the whole list on every change. */
  onNotifications(onChange: (notifications: LiveNotification[]) => void, onError?: (error: Error) => void,
                  max = 50): Unsubscribe {
    const mine = query(collection(this.db, "users", this.uid, "notifications"), orderBy("createdAt", "desc"),
                       limit(max));
    return this.keep(onSnapshot(mine, (snapshot) => {
      onChange(snapshot.docs.map((doc) => {
        const n = doc.data();
        return { id: doc.id, title: String(n.title ?? ""), body: String(n.body ?? ""),
                 category: String(n.category ?? ""), severity: String(n.severity ?? ""), read: Boolean(n.read),
                 createdAt: toDate(n.createdAt), link: n.link ?? null, eventType: n.eventType ?? null };
      }));
    }, (error) => onError?.(error)));
  }

  /**
   * The partner's views, live; only for partner users: the trade desk's (`trades`, `offers`: the API's
   * answer for that partner, anonymised before a deal) or its contracts (`contracts`, one ContractView each).
   */
  onPartnerDesk(kind: "contracts", onChange: (documents: Array<{ id: string; data: ContractView }>) => void,
                onError?: (error: Error) => void): Unsubscribe;
  onPartnerDesk(kind: "trades" | "offers", onChange: (documents: Array<{ id: string; data: DocumentData }>) => void,
                onError?: (error: Error) => void): Unsubscribe;
  onPartnerDesk(kind: PartnerDeskKind,
                onChange: ((documents: Array<{ id: string; data: ContractView }>) => void)
                  | ((documents: Array<{ id: string; data: DocumentData }>) => void),
                onError?: (error: Error) => void): Unsubscribe {
    if (!this.partnerId) throw new Error("only partner users have trade-desk views");
    const views = collection(this.db, "partnerViews", this.partnerId, kind);
    const deliver = onChange as (documents: Array<{ id: string; data: DocumentData }>) => void;
    return this.keep(onSnapshot(views, (snapshot) => {
      deliver(snapshot.docs.map((doc) => ({ id: doc.id, data: doc.data() })));
    }, (error) => onError?.(error)));
  }

  /** Stop every listener and sign out of Firebase. */
  async close(): Promise<void> {
    this.stopSessionListener();
    for (const unsubscribe of this.unsubscribers) unsubscribe();
    this.unsubscribers.clear();
    try {
      await signOut(this.auth);
    } finally {
      await deleteApp(this.app);
    }
  }

  private keep(unsubscribe: Unsubscribe): Unsubscribe {
    this.unsubscribers.add(unsubscribe);
    return () => {
      this.unsubscribers.delete(unsubscribe);
      unsubscribe();
    };
  }
}
