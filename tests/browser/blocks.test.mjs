// Math, callouts, a Mermaid diagram and the copy button of code blocks in a
// real browser, from file://, at 1280 and 360 px, light and dark: formulas
// are laid out as MathML by the browser (no request anywhere), callout
// titles reach AA contrast, the diagram is drawn offline and redrawn when
// the theme changes, the copy button works from the keyboard and says 복사됨,
// and configured comments load only when the reader nears them.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { launch, sites, fileUrl, open, screenshot, sidewaysOverflow, overflowCulprits, REMOTE } from "./lib.mjs";

const WIDTHS = [1280, 360];
const SCHEMES = ["light", "dark"];
const SCHEDULING = "os/scheduling/cpu-스케줄링.html";
const MEMORY = "os/memory/가상-메모리.html";
const PCB = "os/process/pcb.html";

let browser;
let site;

before(async () => {
  site = sites();
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** Opens a page of notes/ from disk, recording every request that would leave the machine. */
async function openPage(rel, opts) {
  const { page, context, problems } = await open(browser, fileUrl(site.notes, rel), opts);
  return { page, context, problems };
}

function remoteRequests(page) {
  const seen = [];
  page.on("request", (r) => { if (REMOTE.test(r.url())) seen.push(r.url()); });
  return seen;
}

/** WCAG contrast of two computed CSS colours (rgb/rgba over white is not needed: both are opaque here). */
function contrastIn(page, selector) {
  return page.evaluate((sel) => {
    const parse = (c) => c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
    const lum = ([r, g, b]) => {
      const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    return [...document.querySelectorAll(sel)].map((title) => {
      const box = title.closest(".callout");
      const fg = lum(parse(getComputedStyle(title).color));
      const bg = lum(parse(getComputedStyle(box).backgroundColor));
      const body = box.querySelector(".callout-body");
      const bodyFg = body ? lum(parse(getComputedStyle(body).color)) : fg;
      const ratio = (a, b) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      return { kind: box.dataset.callout, title: ratio(fg, bg), body: ratio(bodyFg, bg) };
    });
  }, selector);
}

for (const width of WIDTHS) {
  for (const colorScheme of SCHEMES) {
    test(`math in the scheduling and memory notes, ${width}px ${colorScheme}`, async () => {
      for (const rel of [SCHEDULING, MEMORY]) {
        const { page, context, problems } = await openPage(rel, { width, colorScheme });
        try {
          const math = await page.evaluate(() => [...document.querySelectorAll(".note-body .math > math")].map((m) => {
            const r = m.getBoundingClientRect();
            return { w: r.width, h: r.height, block: m.getAttribute("display") === "block" };
          }));
          assert.ok(math.length >= 3, `${rel}: ${math.length} formulas`);
          assert.ok(math.some((m) => m.block), `${rel}: a display formula`);
          for (const m of math) assert.ok(m.w > 4 && m.h > 4, `${rel}: a formula is laid out (${JSON.stringify(m)})`);
          // A fraction is taller than a line of text: the browser laid out MathML, not raw text.
          const tallest = Math.max(...math.map((m) => m.h));
          assert.ok(tallest > 28, `${rel}: tallest formula ${tallest}px`);
          assert.equal(await page.locator(".note-body code.math-error").count(), 0);
          // Formulas scroll inside their own box on a phone, never the page.
          assert.equal(await sidewaysOverflow(page), 0, (await overflowCulprits(page)).join(", "));
          const name = rel.includes("scheduling") ? "scheduling" : "memory";
          await page.locator(".math-display").first().scrollIntoViewIfNeeded();
          await screenshot(page, `blocks-math-${name}-${width}-${colorScheme}`, { fullPage: false });
          assert.deepEqual(problems, []);
        } finally {
          await context.close();
        }
      }
    });

    test(`callouts, ${width}px ${colorScheme}`, async () => {
      const { page, context, problems } = await openPage(SCHEDULING, { width, colorScheme });
      try {
        const ratios = await contrastIn(page, ".note-body .callout-title");
        assert.ok(ratios.length >= 2, JSON.stringify(ratios));
        for (const r of ratios) {
          assert.ok(r.title >= 4.5, `${r.kind} title ${r.title.toFixed(2)}`);
          assert.ok(r.body >= 4.5, `${r.kind} body ${r.body.toFixed(2)}`);
        }
        // The folded callout opens by keyboard, without any script of ours needed.
        const folded = page.locator("details.callout");
        assert.equal(await folded.count(), 1);
        assert.equal(await folded.getAttribute("open"), null);
        await folded.locator("summary").focus();
        await page.keyboard.press("Enter");
        assert.notEqual(await folded.getAttribute("open"), null);
        assert.equal(await sidewaysOverflow(page), 0, (await overflowCulprits(page)).join(", "));
        await page.locator(".callout").first().scrollIntoViewIfNeeded();
        await screenshot(page, `blocks-callout-${width}-${colorScheme}`, { fullPage: false });
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });

    test(`mermaid diagram from file://, ${width}px ${colorScheme}`, async () => {
      const { page, context, problems } = await openPage(PCB, { width, colorScheme });
      const remote = remoteRequests(page);
      try {
        const svg = page.locator("pre.mermaid.drawn svg");
        await svg.waitFor({ state: "attached", timeout: 30_000 });
        const box = await svg.boundingBox();
        assert.ok(box && box.width > 100 && box.height > 50, JSON.stringify(box));
        // The states are drawn as text in the diagram.
        const labels = await page.locator("pre.mermaid svg").evaluate((el) => el.textContent);
        for (const state of ["생성", "준비", "실행", "대기", "종료"]) assert.ok(labels.includes(state), `${state} in ${labels}`);
        assert.equal(await sidewaysOverflow(page), 0, (await overflowCulprits(page)).join(", "));
        await page.locator("pre.mermaid").scrollIntoViewIfNeeded();
        await screenshot(page, `blocks-mermaid-${width}-${colorScheme}`, { fullPage: false });
        assert.deepEqual(remote, []);
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });

    test(`copy button, ${width}px ${colorScheme}`, async () => {
      const { page, context, problems } = await openPage(SCHEDULING, { width, colorScheme });
      try {
        const block = page.locator("figure.code-block:has(figcaption)").first();
        assert.equal(await block.locator("figcaption").innerText(), "rr.py");
        assert.equal(await block.locator(".line.hl").count(), 2);
        const button = block.locator("button.copy-button");
        assert.equal(await button.innerText(), "복사");
        // Keyboard: the button is reachable and Enter copies.
        await button.focus();
        assert.equal(await page.evaluate(() => document.activeElement.className), "copy-button");
        await page.keyboard.press("Enter");
        await page.waitForFunction((el) => el.textContent === "복사됨", await button.elementHandle());
        assert.match(await block.locator(".copy-status").innerText(), /복사했습니다/);
        // Line numbers are not part of what is copied.
        const copied = await block.locator("code").evaluate((c) => c.textContent);
        assert.ok(copied.startsWith("from collections import deque\n"), copied);
        // Every code block of the note has a button.
        const blocks = await page.locator(".note-body pre.code").count();
        assert.equal(await page.locator(".note-body .copy-button").count(), blocks);
        assert.equal(await sidewaysOverflow(page), 0, (await overflowCulprits(page)).join(", "));
        await block.scrollIntoViewIfNeeded();
        await screenshot(page, `blocks-code-${width}-${colorScheme}`, { fullPage: false });
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }
}

test("the copy button puts the code on the clipboard from file://", async () => {
  const { page, context, problems } = await openPage(SCHEDULING, { width: 1280 });
  try {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    const block = page.locator("figure.code-block:has(figcaption)").first();
    await block.locator("button.copy-button").click();
    await page.waitForFunction(() => document.querySelector(".copy-button.copied"));
    // Paste into a fresh textarea: what the reader would get.
    const pasted = await page.evaluate(async () => {
      try { return await navigator.clipboard.readText(); } catch (e) { return `unreadable: ${e}`; }
    });
    assert.ok(pasted.startsWith("from collections import deque\n"), pasted);
    assert.ok(!/^\s*1\s/.test(pasted), "no line numbers");
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("the diagram follows the theme toggle", async () => {
  const { page, context, problems } = await openPage(PCB, { width: 1280, colorScheme: "light" });
  try {
    await page.locator("pre.mermaid.drawn svg").waitFor({ state: "attached", timeout: 30_000 });
    const fill = () => page.evaluate(() => {
      const node = document.querySelector("pre.mermaid svg rect, pre.mermaid svg path");
      return node ? getComputedStyle(node).fill : "";
    });
    const before = await fill();
    await page.locator(".theme-toggle").click();
    await page.waitForFunction((b) => {
      const node = document.querySelector("pre.mermaid svg rect, pre.mermaid svg path");
      return node && getComputedStyle(node).fill !== b;
    }, before, { timeout: 30_000 });
    await page.locator("pre.mermaid").scrollIntoViewIfNeeded();
    await screenshot(page, "blocks-mermaid-toggled-dark", { fullPage: false });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("without JavaScript the diagram's source and the code stay readable", async () => {
  const { page, context } = await openPage(PCB, { width: 360, javaScript: false });
  try {
    const source = await page.locator("pre.mermaid").innerText();
    assert.match(source, /stateDiagram-v2/);
    assert.match(source, /준비 --> 실행: 디스패치/);
    assert.equal(await page.locator(".copy-button").count(), 0);
  } finally {
    await context.close();
  }
});

// ── Comments: a fixture site with giscus configured (built with $GONGBU_BIN,
// else the newer of target/{release,debug}/gongbu). The machine is offline:
// the harness answers other hosts with an empty response, and the test
// watches which requests the page makes and when.
const here = path.dirname(fileURLToPath(import.meta.url));

function gongbuBin() {
  if (process.env.GONGBU_BIN) return process.env.GONGBU_BIN;
  const found = ["release", "debug"]
    .map((p) => path.resolve(here, "../../target", p, "gongbu"))
    .filter((p) => fs.existsSync(p))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  if (!found.length) throw new Error("no gongbu binary: run cargo build (or set GONGBU_BIN)");
  return found[0];
}

function buildCommentsSite() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "gongbu-comments-"));
  fs.mkdirSync(path.join(root, "notes"), { recursive: true });
  fs.writeFileSync(path.join(root, "gongbu.yaml"),
    "comments:\n  giscus:\n    repo: jiwoo/os-notes\n    repo_id: R_test\n    category: 댓글\n    category_id: DIC_test\n");
  const long = Array.from({ length: 60 }, (_, i) => `${i + 1}번째 문단: 스케줄러는 준비 큐에서 다음 프로세스를 고른다.`).join("\n\n");
  fs.writeFileSync(path.join(root, "notes", "긴 노트.md"), `# 긴 노트\n\n${long}\n`);
  execFileSync(gongbuBin(), ["build", "--root", root, "--out", path.join(root, "site")], { stdio: "pipe" });
  return root;
}

for (const colorScheme of SCHEMES) {
  test(`comments load only near the end of the note, in the ${colorScheme} theme`, async () => {
    const root = buildCommentsSite();
    try {
      const { page, context, problems } = await open(browser, fileUrl(path.join(root, "site"), "긴-노트.html"), { width: 360, colorScheme });
      const remote = [];
      page.on("request", (r) => { if (REMOTE.test(r.url())) remote.push(r.url()); });
      try {
        await page.waitForTimeout(500);
        assert.deepEqual(remote, [], "nothing is fetched before the reader scrolls");
        assert.equal(await page.locator("section.comments script").count(), 0);
        await page.locator("section.comments").scrollIntoViewIfNeeded();
        await page.waitForFunction(() => document.querySelector("section.comments script"));
        const attrs = await page.locator("section.comments script").evaluate((s) => ({
          src: s.src, theme: s.getAttribute("data-theme"), repo: s.getAttribute("data-repo"), category: s.getAttribute("data-category"),
        }));
        assert.equal(attrs.src, "https://giscus.app/client.js");
        assert.equal(attrs.theme, colorScheme);
        assert.equal(attrs.repo, "jiwoo/os-notes");
        assert.equal(attrs.category, "댓글");
        assert.ok(remote.some((u) => u.startsWith("https://giscus.app/")), remote.join(", "));
        await screenshot(page, `blocks-comments-360-${colorScheme}`, { fullPage: false });
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
}
