// Generate the client's types from the API's OpenAPI document (openapi-typescript).
//
//   node scripts/generate.mjs <openapi.json | URL> [out dir]     (out dir: src/generated)
//
// Writes two files, both checked in (tests/integration/test_ts_client_types.py fails when they differ
// from what this script makes of the current document):
//   schema.ts      the `paths`, `components` and `operations` types of openapi-typescript;
//   operations.ts  the creating POSTs that take an Idempotency-Key (the document's `x-idempotent`).
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import openapiTS, { COMMENT_HEADER, astToString } from "openapi-typescript";

const [source, outDir = "src/generated"] = process.argv.slice(2);
if (!source) {
  console.error("usage: node scripts/generate.mjs <openapi.json | URL> [out dir]");
  process.exit(2);
}
const text = /^https?:/.test(source) ? await (await fetch(source)).text() : await readFile(source, "utf8");
const document = JSON.parse(text);

const ast = await openapiTS(document, {
  silent: true,
  alphabetize: true,
  // A field with a default is optional (request bodies: PATCH sends only what changes). The generator's
  // default (true) would make every defaulted field required, so no partial body would type-check.
  defaultNonNullable: false,
});
const schema = COMMENT_HEADER + astToString(ast);

const idempotent = Object.entries(document.paths)
  .filter(([, item]) => item.post?.["x-idempotent"])
  .map(([path]) => path)
  .sort();
const operations = `${COMMENT_HEADER}/** Path templates of the POSTs that accept an \`Idempotency-Key\` (x-idempotent). */
export const IDEMPOTENT_POSTS: readonly string[] = ${JSON.stringify(idempotent, null, 2)};
`;

await mkdir(outDir, { recursive: true });
await writeFile(join(outDir, "schema.ts"), schema);
await writeFile(join(outDir, "operations.ts"), operations);
console.log(`wrote ${join(outDir, "schema.ts")} (${Object.keys(document.paths).length} paths) and operations.ts ` +
  `(${idempotent.length} idempotent POSTs)`);
