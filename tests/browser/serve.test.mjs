// `gongbu serve`의 실시간 새로 고침과 오류 오버레이를 진짜 브라우저(헤드리스
// Chromium)에서 확인한다: 고친 페이지는 스스로 새로 고치고(스크롤 위치 유지),
// 상관없는 페이지는 그대로 있고, 깨진 앞머리는 오버레이로 보이고, 고치면 사라진다.
//
//   cargo build && cd tests/browser && npm install && node --test
//
// GONGBU_BIN (기본: ../../target/debug/gongbu), CHROMIUM (기본: /usr/bin/chromium).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const bin = process.env.GONGBU_BIN ?? resolve(here, "../../target/debug/gongbu");
const root = mkdtempSync(join(tmpdir(), "gongbu-serve-browser-"));
const note = join(root, "notes", "os", "프로세스.md");
const long = Array.from({ length: 80 }, (_, i) => `문단 ${i}: 프로세스는 실행 중인 프로그램이다.`).join("\n\n");
const original = `---\ntitle: 프로세스\ndate: 2026-03-01\n---\n\n처음 문장.\n\n${long}\n\n끝 문장.\n`;
let server;
let base;
let out;
let browser;

before(async () => {
  mkdirSync(join(root, "notes", "os"), { recursive: true });
  writeFileSync(note, original);
  writeFileSync(join(root, "notes", "os", "스레드.md"), "---\ntitle: 스레드\ndate: 2026-03-02\n---\n\n흐름.\n");
  server = spawn(bin, ["serve", "--root", root, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  server.stdout.on("data", (d) => (stdout += d));
  await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error("gongbu serve did not start: " + stdout)), 60000);
    server.stdout.on("data", () => {
      const url = stdout.match(/미리 보기: (http:\/\/\S+)/);
      const dir = stdout.match(/임시 출력: (.+)/);
      if (url && dir) {
        base = url[1];
        out = dir[1].trim();
        clearTimeout(timer);
        ok();
      }
    });
    server.on("exit", (code) => fail(new Error(`gongbu serve exited with ${code}`)));
  });
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium" });
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const stopped = new Promise((ok) => server.on("exit", ok));
    server.kill("SIGINT");
    await stopped;
  }
  assert.equal(existsSync(out), false, "serve removes its temporary output");
  rmSync(root, { recursive: true, force: true });
});

function pageUrl(rel) {
  return base + rel.split("/").map(encodeURIComponent).join("/");
}

test("an edit reloads its page in place and leaves other pages alone", async () => {
  const page = await browser.newPage();
  const other = await browser.newPage();
  await page.goto(pageUrl("os/프로세스.html"));
  await other.goto(pageUrl("os/스레드.html"));
  // Both pages listen.
  await page.waitForSelector("html[data-gongbu-live]", { state: "attached" });
  await other.waitForSelector("html[data-gongbu-live]", { state: "attached" });
  await page.evaluate(() => {
    window.scrollTo(0, 1500);
    window.notReloaded = true;
  });
  await other.evaluate(() => (window.notReloaded = true));
  writeFileSync(note, original.replace("끝 문장.", "고친 끝 문장."));
  await page.waitForFunction(() => document.body.textContent.includes("고친 끝 문장."), null, { timeout: 30000 });
  assert.equal(await page.evaluate(() => window.notReloaded), undefined, "the page reloaded itself");
  const y = await page.evaluate(() => window.scrollY);
  assert.ok(Math.abs(y - 1500) < 50, `scroll position kept (${y})`);
  assert.equal(await other.evaluate(() => window.notReloaded), true, "an unrelated page stays");
  await page.close();
  await other.close();
});

test("a broken note shows an overlay over the last good page until fixed", async () => {
  const page = await browser.newPage();
  await page.goto(pageUrl("os/프로세스.html"));
  await page.waitForSelector("html[data-gongbu-live]", { state: "attached" });
  writeFileSync(note, "---\ntitle: [프로세스\n---\n\n<b>깨진</b> 본문.\n");
  const overlay = page.locator("#gongbu-overlay");
  await overlay.waitFor({ timeout: 30000 });
  const text = await overlay.textContent();
  assert.match(text, /notes\/os\/프로세스\.md:\d+/);
  assert.match(text, /front matter/);
  assert.equal(await page.locator("#gongbu-overlay b").count(), 0, "diagnostic text is not markup");
  assert.ok((await page.textContent("main")).includes("처음 문장."), "the last good page is still shown");

  // A page opened while the error stands shows it at once.
  const late = await browser.newPage();
  await late.goto(pageUrl("os/스레드.html"));
  await late.locator("#gongbu-overlay").waitFor({ timeout: 30000 });

  writeFileSync(note, original.replace("처음 문장.", "고친 처음 문장."));
  await page.waitForFunction(() => document.body.textContent.includes("고친 처음 문장."), null, { timeout: 30000 });
  await overlay.waitFor({ state: "detached", timeout: 30000 });
  await late.locator("#gongbu-overlay").waitFor({ state: "detached", timeout: 30000 });
  assert.equal(readFileSync(note, "utf8").includes("고친 처음 문장."), true);
  await page.close();
  await late.close();
});
