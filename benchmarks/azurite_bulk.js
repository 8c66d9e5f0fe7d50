// Azurite's blob service, started exactly as `azurite-blob` starts it (same arguments, and the
// run's account key in AZURITE_ACCOUNTS: no OAuth, only the sandbox's storage endpoint signs
// requests it takes), that can also copy one blob's record under many names straight into its
// in-memory metadata store: one line on stdin, {"container", "template", "names": [...]},
// answered by "seeded N".
//
// Why: Azurite looks each uploaded blob up by scanning every blob of the account
// (LokiBlobMetadataStore.createBlob's findOne narrows on accountName first), so uploads slow
// down with the square of the count: 50,000 one-byte PUTs had not finished after 15 min on a
// 2-core machine. Copies of a real blob's record (all sharing its one-byte extent) list
// exactly as uploaded blobs do. For benchmarks/blob_pane.py only.
"use strict";
const path = require("path");
const readline = require("readline");
const root = path.join(__dirname, "..", "node_modules", "azurite", "dist", "src", "blob");
const { BlobServerFactory } = require(path.join(root, "BlobServerFactory"));

async function main() {
  const server = await new BlobServerFactory().createServer();
  await server.start();
  console.log(`listening on ${server.getHttpServerAddress()}`);
  const store = server.metadataStore;
  const lines = readline.createInterface({ input: process.stdin });
  lines.on("line", (line) => {
    const { container, template, names } = JSON.parse(line);
    const blobs = store.db.getCollection(store.BLOBS_COLLECTION);
    const original = blobs.findOne({ containerName: container, name: template });
    blobs.configureOptions({ adaptiveBinaryIndices: false }); // one index rebuild, not one per blob
    blobs.insert(names.map((name) => {
      const copy = structuredClone(original); // keeps its Dates
      delete copy.$loki;
      delete copy.meta;
      copy.name = name;
      return copy;
    }));
    blobs.configureOptions({ adaptiveBinaryIndices: true });
    blobs.ensureAllIndexes(true); // rebuilt from every record (the flag alone left them stale)
    console.log(`seeded ${names.length}`);
  });
  process.once("SIGTERM", () => server.close().then(() => process.exit(0)));
}

main().catch((err) => {
  console.error(`azurite_bulk: ${err.message}`);
  process.exit(1);
});
