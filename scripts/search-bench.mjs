// Browser half of scripts/search-bench.sh: gongbu's search and Pagefind on
// the same built site, in headless Chromium, served over http by this script
// (Pagefind needs http; gongbu is measured over http and from file://).
//
//   node scripts/search-bench.mjs SITE_DIR
//
// For each query: time from query to the first 10 results with their text
// (gongbu: engine.search; Pagefind: search() plus data() of the first 10),
// cold (a fresh page: nothing loaded) and warm (the index already opened by
// another query), the bytes the query loaded, and how many results it found.
import { createServer } from "node:http";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { pathToFileURL } from "node:url";
import { createRequire } from "node:module";

const require = createRequire(new URL("../tests/browser/package.json", import.meta.url));
const { chromium } = require("playwright-core");

const site = path.resolve(process.argv[2] || "/tmp/search-out");
// Words of the generated corpus: whole words, parts of words (스위칭 in
// 컨텍스트 스위칭), a word with a particle, two words, English, 초성.
const QUERIES = process.env.QUERIES
  ? process.env.QUERIES.split("|").map((q) => q.trim()).filter(Boolean)
  : ["스레드", "프로세스", "세마포어", "스위칭", "스레드가", "교착 상태", "힙", "mutex", "TLB", "ㅍㄹㅅㅅ"];
const WARMUP_QUERY = "커널";

function walk(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

function sizes(dir) {
  let raw = 0, gz = 0, files = 0;
  for (const f of walk(dir)) {
    const b = fs.readFileSync(f);
    raw += b.length;
    // Pagefind's files are compressed already.
    gz += /\.(pf_\w+|wasm.*)$/.test(f) ? b.length : zlib.gzipSync(b, { level: 6 }).length;
    files += 1;
  }
  return { files, raw, gz };
}

const TYPES = { ".js": "text/javascript", ".css": "text/css", ".html": "text/html; charset=utf-8", ".wasm": "application/wasm", ".json": "application/json" };
const server = createServer((req, res) => {
  const rel = decodeURIComponent(new URL(req.url, "http://x").pathname);
  const file = path.join(site, rel);
  if (!file.startsWith(site) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    res.writeHead(404);
    res.end();
    return;
  }
  const type = TYPES[path.extname(file)] || "application/octet-stream", body = fs.readFileSync(file);
  // Byte ranges as GitHub Pages answers them (gongbu reads its index so).
  const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range || "");
  if (range) {
    const from = Number(range[1]), to = Math.min(Number(range[2]), body.length - 1);
    res.writeHead(206, { "content-type": type, "content-range": `bytes ${from}-${to}/${body.length}` });
    res.end(body.subarray(from, to + 1));
    return;
  }
  res.writeHead(200, { "content-type": type });
  res.end(body);
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});

// Bytes of the index files a page requested (raw and gzip-compressed; a
// byte range counts its bytes, sent as stored).
function tracker(page, marker) {
  const seen = [];
  page.on("requestfinished", (r) => {
    const u = new URL(r.url());
    if (!u.pathname.includes(marker)) return;
    const file = path.join(site, decodeURIComponent(u.pathname));
    if (fs.existsSync(file)) seen.push({ file, range: r.headers()["range"] || "" });
  });
  return {
    take() {
      const reads = seen.splice(0);
      let raw = 0, gz = 0;
      for (const { file: f, range } of reads) {
        const b = fs.readFileSync(f);
        const m = /^bytes=(\d+)-(\d+)$/.exec(range);
        if (m) {
          const n = Math.min(Number(m[2]), b.length - 1) - Number(m[1]) + 1;
          raw += n;
          gz += n;
          continue;
        }
        raw += b.length;
        gz += /\.(pf_\w+|wasm.*)$/.test(f) ? b.length : zlib.gzipSync(b).length;
      }
      return { files: reads.length, raw, gz };
    },
  };
}

const engines = {
  gongbu: {
    marker: "/search/",
    page: "search.html",
    run: (q) => window.gongbuSearchEngine.engine.search(q, { limit: 10 }).then((r) => ({ total: r.total, shown: r.results.length })),
  },
  pagefind: {
    marker: "/pagefind/",
    page: "404.html",
    run: async (q) => {
      if (!window.__pf) { window.__pf = await import("/pagefind/pagefind.js"); await window.__pf.init(); }
      const s = await window.__pf.search(q);
      const data = await Promise.all(s.results.slice(0, 10).map((r) => r.data()));
      return { total: s.results.length, shown: data.length };
    },
  },
};

async function measure(name, origin, query, warm) {
  const e = engines[name];
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (err) => errors.push(err.message));
  await page.goto(origin + e.page);
  const t = tracker(page, e.marker);
  if (warm) {
    await page.evaluate(`(${e.run.toString()})(${JSON.stringify(WARMUP_QUERY)})`);
    await page.waitForTimeout(50);
    t.take();
  }
  const result = await page.evaluate(`(async () => {
    const t0 = performance.now();
    const r = await (${e.run.toString()})(${JSON.stringify(query)});
    return { ms: performance.now() - t0, ...r };
  })()`);
  await page.waitForTimeout(50);
  const bytes = t.take();
  await context.close();
  if (errors.length) throw new Error(`${name} ${query}: ${errors.join("; ")}`);
  return { ...result, ...bytes };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const kb = (n) => (n / 1024).toFixed(1);

const report = { site, queries: QUERIES, sizes: {}, rows: [] };
report.sizes.gongbu = sizes(path.join(site, "search"));
if (fs.existsSync(path.join(site, "pagefind"))) report.sizes.pagefind = sizes(path.join(site, "pagefind"));

const origins = [["gongbu", base], ["gongbu (file://)", pathToFileURL(site).href + "/"]];
if (report.sizes.pagefind) origins.push(["pagefind", base]);
for (const [label, origin] of origins) {
  const name = label.split(" ")[0];
  for (const q of QUERIES) {
    const cold = await measure(name, origin, q, false);
    const warm = await measure(name, origin, q, true);
    report.rows.push({ engine: label, query: q, cold, warm });
  }
}
await browser.close();
server.close();

console.log("\nindex size (all files)");
for (const [name, s] of Object.entries(report.sizes)) {
  console.log(`  ${name.padEnd(10)} ${String(s.files).padStart(6)} files  ${(s.raw / 1048576).toFixed(1).padStart(7)} MB on disk  ${(s.gz / 1048576).toFixed(1).padStart(7)} MB gzip`);
}
console.log("\nper query (cold = fresh page; warm = index opened by another query)");
console.log("  engine            query        found   cold ms  cold KB (gzip)   warm ms  warm KB (gzip)");
for (const r of report.rows) {
  console.log(`  ${r.engine.padEnd(17)} ${r.query.padEnd(10)} ${String(r.cold.total).padStart(7)} ${r.cold.ms.toFixed(0).padStart(9)} ${kb(r.cold.raw).padStart(8)} (${kb(r.cold.gz).padStart(6)}) ${r.warm.ms.toFixed(0).padStart(9)} ${kb(r.warm.raw).padStart(8)} (${kb(r.warm.gz).padStart(6)})`);
}
console.log("\nmedians over the queries");
for (const [label] of origins) {
  const rows = report.rows.filter((r) => r.engine === label);
  console.log(`  ${label.padEnd(17)} cold ${median(rows.map((r) => r.cold.ms)).toFixed(0)} ms, ${kb(median(rows.map((r) => r.cold.raw)))} KB (${kb(median(rows.map((r) => r.cold.gz)))} KB gzip); warm ${median(rows.map((r) => r.warm.ms)).toFixed(0)} ms, ${kb(median(rows.map((r) => r.warm.raw)))} KB (${kb(median(rows.map((r) => r.warm.gz)))} KB gzip)`);
}
fs.writeFileSync("/tmp/search-bench.json", JSON.stringify(report, null, 2));
console.log("\nraw numbers: /tmp/search-bench.json");
