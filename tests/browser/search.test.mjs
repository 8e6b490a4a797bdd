// Search in headless Chromium, from file:// and under a sub-path.
//
//   node tests/browser/search.test.mjs            # builds its own fixtures
//   node --test tests/browser/search.test.mjs     # the same, under node's runner
//
// The fixtures are built with the gongbu binary ($GONGBU_BIN, else the newer
// of target/release/gongbu and target/debug/gongbu):
//   seeds  — the five seed notes ($GONGBU_SEEDS or /work/shared/seeds) as .md,
//            plus notes/glossary.yaml naming 스레드 with its alias 쓰레드
//   small  — a few notes of our own (markup in titles, sections, 초성)
// Chromium: $CHROMIUM or /usr/bin/chromium (apt-get install -y chromium).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const seedsDir = process.env.GONGBU_SEEDS || "/work/shared/seeds";
const hasSeeds = fs.existsSync(seedsDir) && fs.readdirSync(seedsDir).some((f) => f.endsWith(".txt"));

function gongbuBin() {
  if (process.env.GONGBU_BIN) return process.env.GONGBU_BIN;
  const found = ["release", "debug"]
    .map((p) => path.join(repo, "target", p, "gongbu"))
    .filter((p) => fs.existsSync(p))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  if (!found.length) throw new Error("no gongbu binary: run cargo build (or set GONGBU_BIN)");
  return found[0];
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "gongbu-search-"));

function buildSite(name, files) {
  const root = path.join(work, name);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  execFileSync(gongbuBin(), ["build", "--root", root, "--out", path.join(root, "site")], { stdio: "pipe" });
  return path.join(root, "site");
}

function seedFiles() {
  const files = {
    "notes/glossary.yaml":
      "- term: 스레드\n  aliases: [쓰레드]\n  english: Thread\n  definition: 프로세스 안에서 실행되는 흐름의 단위\n",
  };
  for (const f of fs.readdirSync(seedsDir).sort()) {
    if (f.endsWith(".txt")) files[`notes/${f.replace(/\.txt$/, ".md")}`] = fs.readFileSync(path.join(seedsDir, f), "utf8");
  }
  return files;
}

const SMALL = {
  "notes/os/sync.md": "# 동기화\n\n개요\n\n## 뮤텍스\n\n잠금 하나\n\n## 교착 상태\n\n데드락은 서로를 기다리며 멈춘 상태다.\n",
  "notes/evil.md":
    "---\ntitle: \"<script>window.__pwned=1</script><img src=x onerror=window.__pwned=2> 악성 제목\"\n" +
    "tags: [\"<b>태그</b>\"]\n---\n본문에도 <img src=y onerror=window.__pwned=3> 악성 글자가 있다.\n",
  "notes/deep/er/note.md": "# 깊은 노트\n\n세마포어는 정수 카운터다.\n",
};

let browser, seedsSite, smallSite, server;
const problems = [];
const served = [];

before(async () => {
  const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
  if (!fs.existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath} (apt-get install -y chromium)`);
  seedsSite = hasSeeds ? buildSite("seeds", seedFiles()) : null;
  smallSite = buildSite("small", SMALL);
  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run", "--disable-quic",
    ],
  });
  // The small site under a sub-path, as on GitHub Pages (user.github.io/repo/),
  // answering byte ranges as GitHub Pages does; under /whole/ a server that
  // ignores ranges and sends whole files; under /mangled/ one that answers a
  // range with bytes of the gzipped file (as CDNs have done).
  server = createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    const prefix = ["/repo/", "/whole/", "/mangled/"].find((p) => url.pathname.startsWith(p));
    const rel = decodeURIComponent(prefix ? url.pathname.slice(prefix.length) : "\0");
    const file = path.join(smallSite, rel);
    if (!file.startsWith(smallSite) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404);
      res.end();
      return;
    }
    const type = file.endsWith(".js") ? "text/javascript" : file.endsWith(".css") ? "text/css" : "text/html; charset=utf-8";
    const body = fs.readFileSync(file);
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range || "");
    served.push({ path: url.pathname, range: req.headers.range || "", ranged: Boolean(range && prefix === "/repo/") });
    if (range && prefix === "/mangled/") {
      const gz = zlib.gzipSync(body), from = Number(range[1]), to = Math.min(Number(range[2]), gz.length - 1);
      res.writeHead(206, { "content-type": type, "content-range": `bytes ${from}-${to}/${gz.length}` });
      res.end(gz.subarray(from, to + 1));
      return;
    }
    if (range && prefix === "/repo/") {
      const from = Number(range[1]), to = Math.min(Number(range[2]), body.length - 1);
      res.writeHead(206, { "content-type": type, "content-range": `bytes ${from}-${to}/${body.length}` });
      res.end(body.subarray(from, to + 1));
      return;
    }
    res.writeHead(200, { "content-type": type });
    res.end(body);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.close();
  fs.rmSync(work, { recursive: true, force: true });
});

async function openPage(url, opts = {}) {
  const context = await browser.newContext({ viewport: { width: opts.width || 1200, height: 800 }, colorScheme: opts.colorScheme || "light" });
  const page = await context.newPage();
  page.on("pageerror", (e) => problems.push(`${url}: ${e.message}`));
  page.on("console", (m) => { if (m.type() === "error" && !/Failed to load resource/.test(m.text())) problems.push(`${url}: console: ${m.text()}`); });
  page.on("response", (r) => { if (r.status() >= 400 && !r.url().endsWith("/favicon.ico")) problems.push(`${url}: ${r.status()} ${r.url()}`); });
  // Leaving a page aborts what it was still loading: that is no failure.
  page.on("requestfailed", (r) => {
    if (!/ERR_ABORTED/.test(r.failure()?.errorText || "")) problems.push(`${url}: failed ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on("dialog", (d) => { problems.push(`${url}: dialog ${d.message()}`); d.dismiss(); });
  await page.goto(url);
  return page;
}

function fileUrl(site, rel) {
  return pathToFileURL(path.join(site, rel)).href;
}

// Runs search.html?q=… and returns the result links (page file names and hrefs).
async function searchPage(site, query) {
  const page = await openPage(fileUrl(site, "search.html") + "?q=" + encodeURIComponent(query));
  await page.waitForFunction(() => {
    const s = document.getElementById("search-status");
    return s && s.textContent && s.textContent !== "찾는 중…";
  });
  const links = await page.$$eval("#search-results a", (as) => as.map((a) => ({
    href: a.href,
    title: a.querySelector(".search-hit-title").textContent,
    marks: Array.from(a.querySelectorAll("mark")).map((m) => m.textContent),
  })));
  await page.context().close();
  return links.map((l) => ({ ...l, file: decodeURIComponent(new URL(l.href).pathname.split("/").pop()) }));
}

const files = (links) => links.map((l) => l.file).filter((f) => /^\d{3}_/.test(f));

test("스레드 finds all five seeds from file://", { skip: !hasSeeds && "no seed notes" }, async () => {
  const links = await searchPage(seedsSite, "스레드");
  const found = new Set(files(links).map((f) => f.slice(0, 3)));
  assert.deepEqual([...found].sort(), ["000", "001", "002", "003", "004"]);
  assert.ok(links[0].href.includes("glossary/"), `the term first: ${links[0].href}`);
});

test("멀티스레드 finds 001, 003 and 004", { skip: !hasSeeds && "no seed notes" }, async () => {
  const links = await searchPage(seedsSite, "멀티스레드");
  assert.deepEqual(files(links).map((f) => f.slice(0, 3)).sort(), ["001", "003", "004"]);
  assert.ok(links.some((l) => l.marks.includes("멀티스레드")), "the match is highlighted");
});

test("GIL ranks 003 first, at its section", { skip: !hasSeeds && "no seed notes" }, async () => {
  const links = await searchPage(seedsSite, "GIL");
  assert.equal(links[0].file.slice(0, 3), "003");
  assert.match(decodeURIComponent(links[0].href), /#python의-gil/);
});

test("ㅍㄹㅅㅅ finds the notes about 프로세스", { skip: !hasSeeds && "no seed notes" }, async () => {
  const links = await searchPage(seedsSite, "ㅍㄹㅅㅅ");
  const found = files(links).map((f) => f.slice(0, 3));
  for (const seed of ["000", "001", "002", "003", "004"]) assert.ok(found.includes(seed), `${seed} in ${found}`);
  assert.ok(links[0].marks.includes("프로세스"), "initials highlighted in the title");
});

test("데드락 finds 001", { skip: !hasSeeds && "no seed notes" }, async () => {
  const links = await searchPage(seedsSite, "데드락");
  assert.ok(files(links).some((f) => f.startsWith("001")), JSON.stringify(links));
  assert.ok(links.find((l) => l.file.startsWith("001")).marks.includes("데드락"));
});

test("header box: / focuses, live results, arrows move, Enter opens the section", async () => {
  const page = await openPage(fileUrl(smallSite, "deep/er/note.html"));
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement.name), "q");
  await page.keyboard.type("데드락");
  await page.waitForSelector("#site-search-popup:not([hidden]) [role=option]");
  const options = await page.$$eval("[role=option]", (os) => os.map((o) => o.textContent));
  assert.equal(options.length, 1);
  assert.match(options[0], /동기화/);
  assert.match(options[0], /교착 상태/);
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.getAttribute("form.site-search input", "aria-activedescendant"), "site-search-opt-0");
  await page.keyboard.press("Escape");
  assert.equal(await page.isHidden("#site-search-popup"), true);
  await page.keyboard.press("ArrowDown");
  await page.waitForSelector("#site-search-popup:not([hidden])");
  await page.keyboard.press("ArrowDown");
  await Promise.all([page.waitForURL(/sync\.html#/), page.keyboard.press("Enter")]);
  const url = decodeURIComponent(page.url());
  assert.ok(url.endsWith("os/sync.html#교착-상태"), url);
  assert.ok(await page.$("[id='교착-상태']"));
  await page.context().close();
});

test("Enter without a chosen result opens search.html with the query", async () => {
  const page = await openPage(fileUrl(smallSite, "os/sync.html"));
  await page.fill("form.site-search input", "세마포어");
  await Promise.all([page.waitForURL(/search\.html\?q=/), page.press("form.site-search input", "Enter")]);
  await page.waitForSelector("#search-results a");
  assert.equal(await page.inputValue("#search-page-q"), "세마포어");
  const hrefs = await page.$$eval("#search-results a", (as) => as.map((a) => decodeURIComponent(a.href)));
  assert.ok(hrefs[0].endsWith("deep/er/note.html"), hrefs[0]);
  await page.context().close();
});

test("markup in titles and text stays text", async () => {
  const links = await searchPage(smallSite, "악성");
  assert.equal(links.length, 1);
  assert.equal(links[0].title, "<script>window.__pwned=1</script><img src=x onerror=window.__pwned=2> 악성 제목");
  const page = await openPage(fileUrl(smallSite, "search.html") + "?q=" + encodeURIComponent("악성"));
  await page.waitForSelector("#search-results a");
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.$$eval("#search-results img, #search-results script, #search-results b", (e) => e.length), 0);
  await page.context().close();
});

test("works under a sub-path over http, reading only the byte ranges a query needs", async () => {
  const base = `http://127.0.0.1:${server.address().port}/repo/`;
  const page = await openPage(base + "deep/er/note.html");
  served.length = 0;
  await page.click("form.site-search input");
  await page.keyboard.type("뮤텍스");
  await page.waitForSelector("[role=option]");
  const href = await page.$eval("[role=option]", (a) => a.href);
  assert.ok(decodeURIComponent(href).startsWith(base + "os/sync.html#뮤텍스"), href);
  const index = served.filter((s) => s.path.includes("/search/"));
  assert.ok(index.every((s) => s.path.startsWith("/repo/search/")), JSON.stringify(index));
  assert.ok(index.some((s) => s.path.endsWith("/meta.js") && !s.range));
  // Every pack file is read by range: its first line, then units.
  const packs = index.filter((s) => !s.path.endsWith("/meta.js"));
  assert.ok(packs.length >= 2, JSON.stringify(index));
  assert.ok(packs.every((s) => s.ranged), JSON.stringify(packs));
  assert.ok(packs.some((s) => /^bytes=0-/.test(s.range)) && packs.some((s) => !/^bytes=0-/.test(s.range)), JSON.stringify(packs));
  await page.context().close();
});

for (const [kind, what] of [["whole", "ignores ranges"], ["mangled", "mangles ranges"]]) {
  test(`over http from a server that ${what}, whole files do`, async () => {
    const base = `http://127.0.0.1:${server.address().port}/${kind}/`;
    served.length = 0;
    const page = await openPage(base + "search.html?q=" + encodeURIComponent("뮤텍스"));
    await page.waitForFunction(() => /검색 결과 \d+건/.test(document.getElementById("search-status")?.textContent || ""));
    const href = await page.$eval("#search-results a", (a) => a.href);
    assert.ok(decodeURIComponent(href).startsWith(base + "os/sync.html#뮤텍스"), href);
    const packs = served.filter((s) => /\/search\/(shards|concepts|frags)-/.test(s.path));
    if (kind === "mangled") {
      // Ranges tried first, then whole packs as scripts.
      assert.ok(packs.some((s) => s.range) && packs.some((s) => !s.range), JSON.stringify(packs));
    }
    await page.context().close();
  });
}

test("the dropdown fits a 360 px phone, light and dark", async () => {
  for (const colorScheme of ["light", "dark"]) {
    const page = await openPage(fileUrl(smallSite, "os/sync.html"), { width: 360, colorScheme });
    await page.click("form.site-search input");
    await page.keyboard.type("상태");
    await page.waitForSelector("[role=option]");
    const box = await page.$eval("#site-search-popup", (e) => {
      const r = e.getBoundingClientRect();
      return { left: r.left, right: r.right, width: r.width };
    });
    assert.ok(box.left >= 0 && box.right <= 360, JSON.stringify(box));
    const [bg, fg] = await page.$eval("#site-search-popup", (e) => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]);
    const lum = (c) => { const [r, g, b] = c.match(/\d+/g).map(Number); return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255; };
    if (colorScheme === "dark") assert.ok(lum(bg) < 0.3 && lum(fg) > 0.7, `${bg} / ${fg}`);
    else assert.ok(lum(bg) > 0.7 && lum(fg) < 0.3, `${bg} / ${fg}`);
    await page.context().close();
  }
});

test("format 3 from file://: a term's concept file, keys-only postings, a long list read to the end", async () => {
  // 힙 is a glossary term (its postings and text in concepts-N.js) and one
  // syllable (keys-only postings); 60 notes make its list long enough that
  // entries take under two letters each. 머리말 never names it.
  const files = {
    "notes/glossary.yaml": "- term: 힙\n  english: Heap\n  definition: 우선순위 큐를 만드는 완전 이진 트리\n",
    "notes/a00.md": "# 머리말\n\n다른 이야기\n",
  };
  for (let n = 1; n <= 60; n++) files[`notes/n${String(n).padStart(2, "0")}.md`] = `# 힙 ${n}\n\n힙 본문 ${n}\n`;
  const site = buildSite("format3", files);
  const names = fs.readdirSync(path.join(site, "search"));
  assert.ok(names.some((f) => /^concepts-\d+\.js$/.test(f)), names.join(" "));
  const page = await openPage(fileUrl(site, "search.html") + "?q=" + encodeURIComponent("힙"));
  await page.waitForFunction(() => /검색 결과 \d+건/.test(document.getElementById("search-status")?.textContent || ""));
  assert.match(await page.textContent("#search-status"), /검색 결과 61건/);
  const first = await page.$eval("#search-results a", (a) => a.textContent);
  assert.ok(first.includes("우선순위 큐를 만드는 완전 이진 트리"), first);
  const titles = await page.$$eval("#search-results .search-hit-title", (e) => e.map((x) => x.textContent));
  assert.ok(!titles.includes("머리말"), titles.join(" | "));
  await page.context().close();
});

test("an index rebuilt under an open page: files of the new build are noticed and the index read again", async () => {
  // 300 notes spread their postings over several shard files. The page
  // searches once (meta.js and a few files of the first build), then the
  // site is rebuilt without the first note (every document number moves,
  // so every shard file changes) and with a new one; the next query needs
  // a shard file the page has not read yet, finds its stamp differs from
  // what the old meta.js listed, reads the index again and finds the note.
  const words = ["프로세스", "스레드", "세마포어", "뮤텍스", "페이징", "캐시", "스케줄링", "인터럽트", "파일", "소켓", "가상", "메모리"];
  const files = { "notes/a00.md": "# 머리말\n\n처음 노트\n" };
  for (let n = 1; n <= 300; n++) {
    const w = (k) => words[(n * 7 + k * 5) % words.length];
    const own = Array.from({ length: 400 }, (_, k) => `term${n}x${k}`).join(" ");
    files[`notes/n${String(n).padStart(3, "0")}.md`] = `# ${w(0)} 노트 ${n}\n\n${w(1)}와 ${w(2)} 이야기 ${n}번. ${own}\n`;
  }
  const site = buildSite("rebuilt", files);
  const root = path.dirname(site);
  const packs = fs.readdirSync(path.join(site, "search")).filter((f) => f.startsWith("shards-"));
  assert.ok(packs.length >= 4, packs.join(" "));
  const page = await openPage(fileUrl(site, "n001.html"));
  const metaLoads = [];
  page.on("request", (r) => { if (/\/search\/meta\.js/.test(r.url())) metaLoads.push(r.url()); });
  await page.click("form.site-search input");
  await page.keyboard.type("프로세스");
  await page.waitForSelector("[role=option]");

  fs.rmSync(path.join(root, "notes/a00.md"));
  fs.writeFileSync(path.join(root, "notes/zz.md"), "# 새로 쓴 노트\n\n은행원 알고리즘으로 교착 상태를 피한다.\n");
  execFileSync(gongbuBin(), ["build", "--root", root, "--out", site], { stdio: "pipe" });

  await page.fill("form.site-search input", "");
  await page.keyboard.type("은행원 알고리즘");
  await page.waitForFunction(() => Array.from(document.querySelectorAll("[role=option]")).some((o) => o.textContent.includes("새로 쓴 노트")), null, { timeout: 10000 });
  // Read once per build: the second time with a cache-busting query.
  assert.equal(metaLoads.length, 2, metaLoads.join(" "));
  assert.match(metaLoads[1], /[?&]t=\d+/);
  await page.context().close();
});

test("no script errors or failed loads", () => {
  assert.deepEqual(problems, []);
});

test("결과 더 보기 appears only while more results exist", async () => {
  // 1 result: no button.
  const one = await openPage(fileUrl(smallSite, "search.html") + "?q=" + encodeURIComponent("세마포어"));
  await one.waitForFunction(() => /검색 결과 1건/.test(document.getElementById("search-status")?.textContent || ""));
  assert.equal(await one.isVisible(".search-more"), false, "one result, no 결과 더 보기");
  await one.context().close();

  // More than a page of 30: the button, then the rest and no button.
  const many = {};
  for (let i = 1; i <= 45; i++) many[`notes/큐/${String(i).padStart(2, "0")}번 문제.md`] = `# 큐 문제 ${i}\n\n원형 큐로 풀어 본 ${i}번째 문제.\n`;
  const site = buildSite("many", many);
  const page = await openPage(fileUrl(site, "search.html") + "?q=" + encodeURIComponent("원형 큐"));
  await page.waitForFunction(() => /검색 결과 \d+건/.test(document.getElementById("search-status")?.textContent || ""));
  const status = await page.textContent("#search-status");
  const total = Number(status.match(/검색 결과 (\d+)건/)[1]);
  assert.ok(total > 30, status);
  assert.equal(await page.locator("#search-results > li").count(), 30);
  assert.equal(await page.isVisible(".search-more"), true);
  while (await page.isVisible(".search-more")) {
    const shown = await page.locator("#search-results > li").count();
    await page.click(".search-more");
    await page.waitForFunction((n) => document.querySelectorAll("#search-results > li").length > n, shown);
  }
  assert.equal(await page.locator("#search-results > li").count(), total, "all shown, then the button goes away");
  await page.context().close();
});
