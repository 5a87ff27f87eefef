/** Where the client keeps the session's tokens. Memory by default; a Web Storage wrapper for browsers. */

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType?: "Bearer";
}

export interface TokenStorage {
  load(): Tokens | null;
  save(tokens: Tokens | null): void;
}

export function memoryStorage(): TokenStorage {
  let kept: Tokens | null = null;
  return { load: () => kept, save: (tokens) => { kept = tokens; } };
}

/** Tokens in `sessionStorage`/`localStorage` under `key` (a malformed entry reads as signed out). */
export function webStorage(storage: Storage, key = "tradehub.session"): TokenStorage {
  return {
    load() {
      try {
        const value = JSON.parse(storage.getItem(key) ?? "null") as Partial<Tokens> | null;
        return value && typeof value.accessToken === "string" && typeof value.refreshToken === "string"
          ? (value as Tokens) : null;
      } catch {
        return null;
      }
    },
    save(tokens) {
      if (tokens) storage.setItem(key, JSON.stringify(tokens));
      else storage.removeItem(key);
    },
  };
}
