// What a cold search query loads from a built gongbu site over HTTP: meta.js
// whole (its gzip bytes, as a server compresses it), then byte ranges of the
// pack files (raw bytes: a range is sent as it is stored), per query and as
// median/max, plus how many files the index has. Runs the site's own client
// (assets/search.js) in Node's vm with a fresh engine per query, so nothing
// is cached between queries; no browser needed. "requests" counts meta.js
// and every range read; "gzip" is what crosses the network (meta.js
// compressed plus the ranges), "raw" the same with meta.js uncompressed.
// --scripts measures the file:// way instead: whole pack files run as
// scripts (raw and gzip of the files).
//
//   node scripts/search-bytes.mjs SITE_DIR [QUERY...]
//   QUERIES="a|b" node scripts/search-bytes.mjs SITE_DIR
//
// Options (before SITE_DIR): --json (one JSON object on stdout), --limit N
// (results per query, default 10 like the search page), --scripts.
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import zlib from "node:zlib";

// The default queries of scripts/search-bench.mjs plus a few more shapes:
// whole words, parts of words, a particle, two words, English, 초성, one
// syllable, a prefix.
const DEFAULT_QUERIES = [
  "스레드", "프로세스", "세마포어", "스위칭", "스레드가", "교착 상태", "힙", "mutex", "TLB", "ㅍㄹㅅㅅ",
  "커널", "가상 메모리", "페이지", "소켓", "트랜잭션", "인덱스", "정렬", "해시", "sched", "DNS",
];

const args = process.argv.slice(2);
let json = false, limit = 10, scripts = false;
while (args.length && args[0].startsWith("--")) {
  const a = args.shift();
  if (a === "--json") json = true;
  else if (a === "--limit") limit = Number(args.shift());
  else if (a === "--scripts") scripts = true;
  else {
    console.error(`unknown option ${a}`);
    process.exit(2);
  }
}
const site = args.shift();
if (!site || !fs.existsSync(path.join(site, "search", "meta.js"))) {
  console.error("usage: search-bytes.mjs [--json] [--limit N] SITE_DIR [QUERY...]  (SITE_DIR/search/meta.js must exist)");
  process.exit(2);
}
const queries = args.length
  ? args
  : process.env.QUERIES
    ? process.env.QUERIES.split("|").map((q) => q.trim()).filter(Boolean)
    : DEFAULT_QUERIES;

const clientText = fs.readFileSync(path.join(site, "assets/search.js"), "utf8");
const gz = new Map();
function sizes(file) {
  if (!gz.has(file)) {
    const b = fs.readFileSync(file);
    gz.set(file, { raw: b.length, gz: zlib.gzipSync(b, { level: 6 }).length });
  }
  return gz.get(file);
}

// One cold query: a new client and engine, every file it asks for recorded.
async function cold(query) {
  const ctx = vm.createContext({ URL, Map, Set, Promise, Math, console, TextDecoder, atob, Blob, Response, DecompressionStream });
  vm.runInContext(clientText, ctx, { filename: "assets/search.js" });
  let received = null;
  ctx.gongbuSearch = (kind, number, stamp, lengths, data) => { received = { kind, number, stamp, lengths, data }; };
  const loaded = [];
  let raw = 0, gzip = 0, requests = 0;
  const loadFile = (name) => {
    const file = path.join(site, "search", name.split("?")[0]);
    loaded.push(file);
    const s = sizes(file);
    raw += s.raw;
    gzip += s.gz;
    requests++;
    received = null;
    vm.runInContext(fs.readFileSync(file, "utf8"), ctx, { filename: file });
    return received ? Promise.resolve(received) : Promise.reject(new Error("no data in " + name));
  };
  const loadBytes = (name, from, to) => {
    const file = path.join(site, "search", name.split("?")[0]);
    loaded.push(file);
    const bytes = fs.readFileSync(file).subarray(from, to);
    raw += bytes.length;
    gzip += bytes.length;
    requests++;
    return Promise.resolve({ bytes: new Uint8Array(bytes), whole: false });
  };
  const engine = ctx.gongbuSearchEngine.createEngine(loadFile, scripts ? null : loadBytes);
  const res = await engine.search(query, { limit });
  const files = [...new Set(loaded)];
  return { query, total: res.total, shown: res.results.length, files: files.length, requests, raw, gzip, names: files.map((f) => path.basename(f)) };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const kb = (n) => (n / 1024).toFixed(1);

const indexFiles = fs.readdirSync(path.join(site, "search")).map((f) => path.join(site, "search", f));
let indexRaw = 0, indexGz = 0;
for (const f of indexFiles) {
  const s = sizes(f);
  indexRaw += s.raw;
  indexGz += s.gz;
}
const rows = [];
for (const q of queries) rows.push(await cold(q));
const summary = {
  site,
  indexFiles: indexFiles.length,
  indexRaw,
  indexGzip: indexGz,
  mode: scripts ? "scripts (file://)" : "ranges (HTTP)",
  median: { files: median(rows.map((r) => r.files)), requests: median(rows.map((r) => r.requests)), raw: median(rows.map((r) => r.raw)), gzip: median(rows.map((r) => r.gzip)) },
  max: { files: Math.max(...rows.map((r) => r.files)), requests: Math.max(...rows.map((r) => r.requests)), raw: Math.max(...rows.map((r) => r.raw)), gzip: Math.max(...rows.map((r) => r.gzip)) },
  rows,
};
if (json) {
  console.log(JSON.stringify(summary));
} else {
  console.log(`index: ${indexFiles.length} files under search/, ${kb(indexRaw)} KB, ${kb(indexGz)} KB gzip; ${summary.mode}`);
  console.log("query            found  files  reqs   raw KB  gzip KB");
  for (const r of rows) {
    console.log(`${r.query.padEnd(16)} ${String(r.total).padStart(5)} ${String(r.files).padStart(6)} ${String(r.requests).padStart(5)} ${kb(r.raw).padStart(8)} ${kb(r.gzip).padStart(8)}`);
  }
  console.log(`cold query: median ${summary.median.files} files, ${summary.median.requests} requests, ${kb(summary.median.raw)} KB, ${kb(summary.median.gzip)} KB gzip; max ${summary.max.files} files, ${summary.max.requests} requests, ${kb(summary.max.raw)} KB, ${kb(summary.max.gzip)} KB gzip`);
}
