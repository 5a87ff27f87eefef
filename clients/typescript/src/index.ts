export { TradeHubClient, createTradeHubClient } from "./client.js";
export type { ClientOptions, LoginOut, Schemas } from "./client.js";
export * from "./errors.js";
export { ETagStore } from "./etags.js";
export { all, items, pages } from "./paging.js";
export type { Page, PageFetcher } from "./paging.js";
export { memoryStorage, webStorage } from "./storage.js";
export type { TokenStorage, Tokens } from "./storage.js";
export type { components, operations, paths } from "./generated/schema.js";
