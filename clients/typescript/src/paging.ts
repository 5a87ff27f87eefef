/** Cursor paging over `{items, nextPageToken}` lists. */

export interface Page<T> {
  items: T[];
  nextPageToken?: string | null;
}

/** One page for a token (undefined: the first page); an openapi-fetch call or a plain page. */
export type PageFetcher<T> = (pageToken: string | undefined) => Promise<{ data?: Page<T> } | Page<T>>;

function pageOf<T>(answer: { data?: Page<T> } | Page<T>): Page<T> {
  const page = "items" in answer ? answer : answer.data;
  if (!page) throw new Error("the list call returned no body");
  return page;
}

/** Every page in order, following `nextPageToken` until there is none (at most `maxPages`). */
export async function* pages<T>(fetchPage: PageFetcher<T>, maxPages = Infinity): AsyncGenerator<T[]> {
  let token: string | undefined;
  for (let count = 0; count < maxPages; count += 1) {
    const page = pageOf(await fetchPage(token));
    yield page.items;
    if (!page.nextPageToken) return;
    token = page.nextPageToken;
  }
}

/** Every item of every page, one at a time. */
export async function* items<T>(fetchPage: PageFetcher<T>): AsyncGenerator<T> {
  for await (const page of pages(fetchPage)) yield* page;
}

/** Every item of every page in one array (for short lists). */
export async function all<T>(fetchPage: PageFetcher<T>): Promise<T[]> {
  const found: T[] = [];
  for await (const item of items(fetchPage)) found.push(item);
  return found;
}
