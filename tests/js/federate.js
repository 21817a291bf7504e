#!/usr/bin/env node
// Runs one SPARQL SELECT with Comunica (@comunica/query-sparql) for tests/test_federation_inbound.py
// and prints {"bindings": [{var: {termType, value, language?, datatype?}}], "sources": [...]} as JSON.
//
//   node federate.js MODE LOCAL_TTL ENDPOINT QUERY
//
// MODE says how the endpoint is used:
//   sparql    the local Turtle file and the endpoint are two sources; the endpoint is typed as SPARQL
//   discover  the same, but the endpoint is a bare URL: Comunica fetches it, finds the SPARQL
//             Service Description (sd:endpoint) and only then treats it as a SPARQL endpoint
//   service   the local Turtle file is the only source; the query reaches the endpoint by SERVICE
//
// The Turtle file is given to Comunica as a serialized source, so nothing but the endpoint is fetched.
"use strict";

const fs = require("fs");
const { QueryEngine } = require("@comunica/query-sparql");

function term(t) {
  const out = { termType: t.termType, value: t.value };
  if (t.termType === "Literal") {
    if (t.language) out.language = t.language;
    out.datatype = t.datatype.value;
  }
  return out;
}

async function main() {
  const [mode, localTtl, endpoint, query] = process.argv.slice(2);
  if (!query) {
    throw new Error("usage: node federate.js sparql|discover|service LOCAL_TTL ENDPOINT QUERY");
  }
  const local = {
    type: "serialized",
    value: fs.readFileSync(localTtl, "utf8"),
    mediaType: "text/turtle",
    baseIRI: "http://example.org/local/",
  };
  const sources = { sparql: [local, { type: "sparql", value: endpoint }],
                    discover: [local, endpoint],
                    service: [local] }[mode];
  if (!sources) throw new Error(`unknown mode ${mode}`);
  const engine = new QueryEngine();
  const stream = await engine.queryBindings(query, { sources, noCache: true, lenient: false });
  const rows = await stream.toArray();
  const bindings = rows.map((b) => {
    const row = {};
    for (const [variable, value] of b) row[variable.value] = term(value);
    return row;
  });
  process.stdout.write(JSON.stringify({ bindings }) + "\n");
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
