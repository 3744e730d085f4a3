// The browser test of `quire serve`, in Debian's Chromium (headless), driven
// with puppeteer-core. It copies a book to a temporary folder, starts the
// server on a free port, and checks, in a real page:
//   - both views show the opening text of the first chapter;
//   - an edit to the chapter file shows in both views (timed from the save);
//   - a broken book.toml shows its diagnostics over the views, and the fix clears them;
//   - a click on a paragraph in the print view moves the ebook there, and back;
//   - the findings overlay lists what `quire check` counts, and F hides it;
// and saves a screenshot. Exits non-zero on any failure.
//
//   node tests/browser/serve.mjs QUIRE_BINARY BOOK_DIR SCREENSHOT.png
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import puppeteer from "puppeteer-core";

const [binary, bookDir, screenshot] = process.argv.slice(2);
if (!binary || !bookDir || !screenshot) {
  console.error("usage: node serve.mjs QUIRE_BINARY BOOK_DIR SCREENSHOT.png");
  process.exit(2);
}
const chromium = process.env.CHROMIUM || "/usr/bin/chromium";
const timeout = 20000;

const book = fs.mkdtempSync(path.join(os.tmpdir(), "quire-serve-"));
fs.cpSync(bookDir, book, { recursive: true, filter: (p) => !p.includes(`${path.sep}out`) && !p.includes(".quire") });
const chapters = fs.readdirSync(path.join(book, "manuscript")).filter((f) => f.endsWith(".md")).sort();

function check(condition, what) {
  if (!condition) throw new Error(`FAILED: ${what}`);
  console.log(`ok: ${what}`);
}

// The first words of a chapter's first paragraph, as the reader sees them.
function openingWords(file) {
  const text = fs.readFileSync(path.join(book, "manuscript", file), "utf8");
  const paragraph = text.split(/\n\s*\n/).map((p) => p.trim())
    .find((p) => p && !/^(#|>|[-*+] |\d+\. |!\[|\||```|\{|<)/.test(p) && /^[A-Za-z]/.test(p));
  return paragraph.replace(/[*_`\[\]]/g, "").split(/\s+/).slice(0, 3);
}

const server = spawn(binary, ["serve", "--dir", book, "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
let output = "";
const url = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error("quire serve printed no address")), timeout);
  server.stdout.on("data", (chunk) => {
    output += chunk;
    const match = output.match(/serving (http:\/\/\S+)/);
    if (match) { clearTimeout(timer); resolve(match[1]); }
  });
  server.on("exit", (code) => reject(new Error(`quire serve exited with ${code}: ${output}`)));
});
console.log(`serving at ${url}`);

const browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ["--no-sandbox"] });
let failed = false;
try {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => { errors.push(e.message); console.log("page error:", e.message); });
  page.on("console", (m) => { if (m.type() === "error") { errors.push(m.text()); console.log("console error:", m.text()); } });
  await page.setViewport({ width: 1600, height: 1000 });
  await page.goto(url);
  await page.waitForSelector("body[data-version]", { timeout });

  // Both views: the first chapter's opening text.
  const chapterFile = chapters.find((f) => openingWords(f));
  const opening = openingWords(chapterFile).join(" ");
  const printHas = (words) => page.waitForFunction((words) => {
    const texts = [...document.querySelectorAll("#spreads text")].map((t) => t.textContent).join(" ");
    return texts.replace(/\s+/g, " ").includes(words);
  }, { timeout }, words);
  const ebookHas = (words) => page.waitForFunction((words) => {
    const doc = document.getElementById("reader").contentDocument;
    return !!doc && !!doc.body && doc.body.textContent.replace(/\s+/g, " ").includes(words);
  }, { timeout }, words);
  // Go to the section whose text it is, as a reader would.
  const spine = await (await fetch(new URL("/state.json", url))).json();
  let target = -1;
  for (let i = 0; i < spine.spine.length && target < 0; i++) {
    const text = await (await fetch(new URL(`/epub/${spine.spine[i].path}`, url))).text();
    if (text.replace(/<[^>]+>/g, "").replace(/\s+/g, " ").includes(opening)) target = i;
  }
  check(target >= 0, `the ebook holds the opening words “${opening}”`);
  await page.select("#doc", String(target));
  await printHas(opening);
  check(true, "the print view shows the opening text");
  await ebookHas(opening);
  check(true, "the ebook view shows the opening text");

  // An edit: a new word in the chapter file, timed from the save to both views.
  const file = path.join(book, "manuscript", chapterFile);
  const original = fs.readFileSync(file, "utf8");
  const firstWord = openingWords(chapterFile)[0];
  const word = "Quillwhistle";
  const before = await page.evaluate(() => window.quire.updates);
  // Timed on the page's clock, from just before the save to the frame that
  // shows the edit in both views (puppeteer's polling would add its own delay).
  const savedAt = await page.evaluate(() => performance.now());
  const saved = Date.now();
  fs.writeFileSync(file, original.replace(new RegExp(`\\b${firstWord}\\b`), word));
  await Promise.all([printHas(word), ebookHas(word)]);
  const detected = Date.now() - saved;
  await page.waitForFunction((after) => window.quire.painted > after, { timeout }, savedAt);
  const shown = Math.round((await page.evaluate(() => window.quire.painted)) - savedAt);
  const after = await page.evaluate(() => window.quire.updates);
  check(after > before, `the edit shows in both views, painted ${shown} ms after the save (seen by the test after ${detected} ms)`);

  // A broken edit shows its diagnostics over the views; the fix clears them.
  const config = path.join(book, "manuscript", "book.toml");
  const goodConfig = fs.readFileSync(config, "utf8");
  fs.writeFileSync(config, goodConfig + "\ntrim = [\n");
  await page.waitForFunction(() => {
    const box = document.getElementById("problems");
    return !box.hidden && /book\.toml:\d+:\d+/.test(box.textContent);
  }, { timeout });
  check(await page.evaluate(() => document.querySelectorAll("#spreads .page").length > 0),
    "a broken book.toml shows file:line:col over the views, which stay");
  fs.writeFileSync(config, goodConfig);
  await page.waitForFunction(() => document.getElementById("problems").hidden, { timeout });
  check(true, "the fix clears the diagnostics");

  // Click a paragraph in the print view: the ebook shows it, with its source line.
  const block = await page.evaluate(async () => {
    const text = [...document.querySelectorAll("#spreads text[data-block]")]
      .find((t) => t.getBoundingClientRect().top > 80 && t.getBoundingClientRect().bottom < window.innerHeight - 40 && t.textContent.length > 30);
    return text ? text.dataset.block : null;
  });
  check(block !== null, "a body line in the print view knows its block");
  const box = await page.evaluate((block) => {
    const t = document.querySelector(`#spreads text[data-block="${block}"]`);
    const r = t.getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  }, block);
  await page.evaluate(() => { document.getElementById("reader").contentWindow.scrollTo(0, 0); });
  await page.mouse.click(box.x, box.y);
  await page.waitForFunction((block) => {
    const doc = document.getElementById("reader").contentDocument;
    const target = doc.querySelector(`[data-block="${block}"]`);
    return target && target.classList.contains("quire-flash");
  }, { timeout }, block);
  check(true, `clicking block ${block} in print flashes it in the ebook`);
  await page.waitForFunction(() => /\.md:\d+/.test(document.getElementById("source").textContent), { timeout });
  check(true, `the source is shown: ${await page.$eval("#source", (e) => e.textContent)}`);

  // And back: a paragraph clicked in the ebook is shown on its print page.
  const later = await page.evaluate(() => {
    const doc = document.getElementById("reader").contentDocument;
    const ps = [...doc.querySelectorAll("p[data-block]")];
    const p = ps[Math.min(ps.length - 1, 12)];
    p.scrollIntoView({ block: "center" });
    return p.dataset.block;
  });
  const frame = page.frames().find((f) => f.url().includes("/epub/"));
  await frame.click(`[data-block="${later}"]`);
  await page.waitForFunction((block) => {
    const line = document.querySelector(`#spreads text[data-block="${block}"]`);
    if (!line) return false;
    const page = line.closest(".page");
    const r = page.getBoundingClientRect();
    return page.querySelector(".flash") && r.bottom > 0 && r.top < window.innerHeight;
  }, { timeout }, later);
  check(true, `clicking block ${later} in the ebook shows it on its print page`);

  // The findings: the side list has one entry per finding the state counts; F hides the marks.
  const findings = await page.evaluate(() => ({
    listed: document.querySelectorAll("#findingList li").length,
  }));
  const state = await (await fetch(new URL("/state.json", url))).json();
  const counted = state.counts.reduce((sum, [, n]) => sum + n, 0);
  check(findings.listed === state.findings.length && counted === state.findings.length,
    `the findings list shows all ${counted} findings`);
  await page.keyboard.press("f");
  check(await page.evaluate(() => document.body.classList.contains("no-findings")), "F hides the findings");
  await page.keyboard.press("f");

  await page.screenshot({ path: screenshot });
  check(errors.length === 0, `no errors in the page${errors.length ? ": " + errors.join("; ") : ""}`);
  console.log(JSON.stringify({ save_to_both_views_ms: shown, seen_by_the_test_ms: detected }));
} catch (e) {
  console.error(e.message);
  failed = true;
} finally {
  await browser.close();
  server.kill("SIGINT");
  await new Promise((resolve) => server.on("exit", resolve));
  fs.rmSync(book, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
