// Runs the search client of a built gongbu site without a browser (Node's
// vm, no DOM), for tests and for trying queries:
//   node tests/browser/search-cli.mjs SITE_DIR QUERY...        → JSON lines of results
//   node tests/browser/search-cli.mjs --scripts SITE_DIR QUERY... (whole pack
//     files run as scripts, as from file://; otherwise units are read by
//     byte range, as over HTTP)
//   node tests/browser/search-cli.mjs --segments TEXT...       → JSON lines of segments
// The client script is the site's own assets/search.js.
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";

const here = path.dirname(new URL(import.meta.url).pathname);

function client(scriptPath) {
  const ctx = vm.createContext({ URL, Map, Set, Promise, Math, console, TextDecoder, atob, Blob, Response, DecompressionStream });
  vm.runInContext(fs.readFileSync(scriptPath, "utf8"), ctx, { filename: scriptPath });
  return ctx;
}

// The client from its sources (joined in this order when gongbu is compiled).
function sourceClient() {
  const dir = path.join(here, "../../static/assets/search");
  const text = ["tokenizer.js", "engine.js", "ui.js"].map((f) => fs.readFileSync(path.join(dir, f), "utf8")).join("");
  const ctx = vm.createContext({ URL, Map, Set, Promise, Math, console });
  vm.runInContext(text, ctx, { filename: path.join(dir, "tokenizer.js + engine.js + ui.js") });
  return ctx;
}

const args = process.argv.slice(2);
if (args[0] === "--segments") {
  const ctx = sourceClient();
  for (const text of args.slice(1)) {
    const segs = ctx.gongbuSearchEngine.segments(text).map((s) => ({ ...s }));
    console.log(JSON.stringify({ text, segments: segs, hash: segs.map((s) => ctx.gongbuSearchEngine.hash(s.text)) }));
  }
  process.exit(0);
}

const scripts = args[0] === "--scripts";
if (scripts) args.shift();
const [site, ...queries] = args;
if (!site) {
  console.error("usage: search-cli.mjs [--scripts] SITE_DIR QUERY... | --segments TEXT...");
  process.exit(2);
}
const ctx = client(path.join(site, "assets/search.js"));
let received = null;
ctx.gongbuSearch = (kind, number, stamp, lengths, data) => { received = { kind, number, stamp, lengths, data }; };
const loadFile = (name) => {
  const file = path.join(site, "search", name.split("?")[0]);
  received = null;
  vm.runInContext(fs.readFileSync(file, "utf8"), ctx, { filename: file });
  return received ? Promise.resolve(received) : Promise.reject(new Error("no data in " + name));
};
// A byte range of a file, as a server answering HTTP ranges gives it.
const loadBytes = (name, from, to) => {
  const bytes = fs.readFileSync(path.join(site, "search", name.split("?")[0]));
  return Promise.resolve({ bytes: new Uint8Array(bytes.subarray(from, Math.min(to, bytes.length))), whole: false });
};
const engine = ctx.gongbuSearchEngine.createEngine(loadFile, scripts ? null : loadBytes);
for (const query of queries) {
  const res = await engine.search(query, { limit: 50 });
  console.log(JSON.stringify({
    query,
    mode: res.mode,
    total: res.total,
    partial: res.partial,
    results: res.results.map((r) => ({ kind: r.kind, title: r.title, href: r.href, section: r.section, snippet: r.snippet.text, marks: r.snippet.marks })),
  }));
}
