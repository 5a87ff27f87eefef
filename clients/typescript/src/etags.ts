/** The last `ETag` seen per resource path, sent back as `If-Match` on its PUT/PATCH/DELETE. */
export class ETagStore {
  private readonly tags = new Map<string, string>();

  get(path: string): string | undefined {
    return this.tags.get(path);
  }

  set(path: string, etag: string): void {
    this.tags.set(path, etag);
  }

  delete(path: string): void {
    this.tags.delete(path);
  }

  clear(): void {
    this.tags.clear();
  }
}
