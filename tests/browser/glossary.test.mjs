// 용어집 툴팁을 진짜 브라우저(헤드리스 Chromium)에서 확인한다: 마우스 hover,
// 키보드 초점, 터치(첫 탭은 정의, 두 번째 탭은 이동), Esc로 닫기.
//
//   cargo build && cd tests/browser && npm install && node --test
//
// GONGBU_BIN (기본: ../../target/debug/gongbu), CHROMIUM (기본: /usr/bin/chromium).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const bin = process.env.GONGBU_BIN ?? resolve(here, "../../target/debug/gongbu");
const root = mkdtempSync(join(tmpdir(), "gongbu-glossary-"));
let browser;

function pageUrl(rel) {
  return pathToFileURL(join(root, "site", rel)).href;
}

before(async () => {
  mkdirSync(join(root, "notes"), { recursive: true });
  writeFileSync(
    join(root, "notes", "glossary.yaml"),
    "- term: 스레드\n  aliases: [쓰레드]\n  definition: 프로세스 안에서 실행되는 흐름의 단위다.\n" +
      "- term: 프로세스\n  definition: 실행 중인 프로그램이다.\n",
  );
  writeFileSync(
    join(root, "notes", "a.md"),
    "# 노트\n\n프로세스 안에서 쓰레드가 돈다.\n\n" +
      "| 구분 | 설명 |\n|---|---|\n| 마지막 줄 | 여기서 처음 나오는 프로세스 |\n",
  );
  writeFileSync(join(root, "notes", "b.md"), "# 표\n\n| 구분 | 설명 |\n|---|---|\n| 끝 줄 | 스레드 |\n");
  execFileSync(bin, ["build", "--root", root], { stdio: "pipe" });
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium" });
});

after(async () => {
  await browser?.close();
  rmSync(root, { recursive: true, force: true });
});

test("hover and keyboard focus show the definition; Esc hides it", async () => {
  const page = await browser.newPage();
  await page.goto(pageUrl("a.html"));
  const link = page.locator("a.term", { hasText: "쓰레드" });
  const tip = page.locator(`#${await link.getAttribute("aria-describedby")}`);
  assert.equal(await tip.textContent(), "프로세스 안에서 실행되는 흐름의 단위다.");
  assert.equal(await tip.isVisible(), false);
  await link.hover();
  assert.equal(await tip.isVisible(), true);
  await page.mouse.move(0, 0);
  assert.equal(await tip.isVisible(), false);
  await link.focus();
  assert.equal(await tip.isVisible(), true);
  await page.keyboard.press("Escape");
  assert.equal(await tip.isVisible(), false);
  await page.close();
});

test("a tooltip in a scrolling table is not cut off by the table box", async () => {
  const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
  await page.goto(pageUrl("b.html"));
  const link = page.locator(".table-wrap a.term");
  const tip = page.locator(`#${await link.getAttribute("aria-describedby")}`);
  await link.hover();
  assert.equal(await tip.isVisible(), true);
  const box = await tip.boundingBox();
  const wrap = await page.locator(".table-wrap").boundingBox();
  // Lower than the table box yet what the reader sees at that point.
  assert.ok(box.y + box.height > wrap.y + wrap.height, JSON.stringify({ box, wrap }));
  const seen = await page.evaluate(
    ([x, y]) => document.elementFromPoint(x, y)?.closest(".term-tip") !== null,
    [box.x + box.width / 2, box.y + box.height - 4],
  );
  assert.ok(seen);
  await page.close();
});

test("touch: the first tap shows the definition, the second follows the link", async () => {
  const context = await browser.newContext({ hasTouch: true, isMobile: true, viewport: { width: 360, height: 640 } });
  const page = await context.newPage();
  await page.goto(pageUrl("a.html"));
  const link = page.locator("a.term", { hasText: "쓰레드" });
  const tip = page.locator(`#${await link.getAttribute("aria-describedby")}`);
  await link.tap();
  assert.equal(await tip.isVisible(), true);
  assert.ok(page.url().endsWith("/a.html"), page.url());
  // The tooltip fits on a phone screen.
  const box = await tip.boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 360, JSON.stringify(box));
  await Promise.all([page.waitForURL(/glossary\/.+\.html$/), link.tap()]);
  assert.equal(decodeURIComponent(new URL(page.url()).pathname.split("/").pop()), "스레드.html");
  await context.close();
});
