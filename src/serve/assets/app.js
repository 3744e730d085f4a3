// quire serve: the print edition as spreads of pages painted on canvases
// from the server's drawing of layout's pages (the book's own glyph
// outlines at the PDF's positions) under an SVG text layer, the ebook's
// XHTML in a reader-sized frame, the findings of `quire check` on the pages,
// and a WebSocket that announces each build. Only pages whose key changed
// are fetched again; both views keep their place.
"use strict";

const $ = (id) => document.getElementById(id);
const token = document.querySelector('meta[name="quire-token"]').content;
let state = null;
let sheetKey = null;
let glyphs = {};        // "face-glyph" → path data (font units, y up)
let glyphPaths = new Map();
let drawings = [];      // per page: the drawing fetched for it
const images = new Map();
let pageBoxes = [];     // per page: its .page element
let loadedKeys = [];    // per page: the key of the SVG it shows
let currentDoc = -1;    // spine index in the reader
let docKey = null;
let styleKey = null;   // the ebook stylesheet's key when the reader loaded it
let zoom = 1;

const quire = (window.quire = { version: 0, updates: 0, lastUpdate: 0 });

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

// ---------------------------------------------------------------- state

async function refresh() {
  quire.asked = performance.now();
  const response = await fetch("/state.json", { cache: "no-store" });
  const next = await response.json();
  if (state && next.version <= state.version) return;
  await apply(next);
}

async function apply(next) {
  const t = { start: performance.now() };
  const previous = state;
  state = next;
  showProblems(next);
  if (!next.pages.length) return;
  $("title").textContent = next.title || "quire";
  if (next.sheet !== sheetKey) {
    glyphs = await (await fetch("/glyphs.json?k=" + next.sheet, { cache: "no-store" })).json();
    glyphPaths = new Map();
    sheetKey = next.sheet;
  }
  if (!previous || !previous.pages.length || previous.pages.length !== next.pages.length ||
      previous.pages.some((p, i) => p.recto !== next.pages[i].recto)) {
    layoutSpreads();
  } else {
    next.pages.forEach((p, i) => {
      pageBoxes[i].querySelector(".folio").textContent = p.folio;
    });
  }
  t.layout = performance.now();
  fillSections();
  // The changed pages and the ebook's document side by side.
  const doc = currentDoc < 0 ? firstBodyDoc() : Math.min(currentDoc, next.spine.length - 1);
  await Promise.all([
    loadVisible().then(() => { t.pages = performance.now(); }),
    showDoc(doc, null, true).then(() => { t.ebook = performance.now(); }),
  ]);
  drawFindings();
  t.findings = performance.now();
  quire.timings = t;
  quire.version = next.version;
  quire.updates += 1;
  quire.lastUpdate = performance.now();
  // The frame that shows it: what a reader sees, for the browser test's timing.
  requestAnimationFrame(() => { quire.painted = performance.now(); });
  document.body.dataset.version = String(next.version);
  $("status").textContent = `build ${next.version} · ${next.pages.length} pages · ${next.elapsed_ms.toFixed(0)} ms`;
  $("status").classList.toggle("failed", !next.ok);
}

function showProblems(next) {
  const box = $("problems");
  box.replaceChildren();
  if (next.ok) { box.hidden = true; return; }
  box.appendChild(el("h2", "", "The build failed: the views show the last good build."));
  for (const p of next.problems) {
    const item = el("div", "problem");
    item.appendChild(el("div", "", `${p.severity}: ${p.message}`));
    if (p.file) item.appendChild(el("div", "where", `  --> ${p.file}:${p.line}:${p.column}`));
    if (p.hint) item.appendChild(el("div", "hint", `hint: ${p.hint}`));
    box.appendChild(item);
  }
  box.hidden = false;
  $("status").textContent = `build ${next.version} failed`;
  $("status").classList.add("failed");
  quire.version = next.version;
  document.body.dataset.version = String(next.version);
}

// ---------------------------------------------------------------- print

function layoutSpreads() {
  const spreads = $("spreads");
  // At first, a spread as wide as the pane allows (never larger than life).
  if (!pageBoxes.length && state.pages.length) {
    const room = $("print").clientWidth - 40;
    zoom = Math.max(0.4, Math.min(1, room / (2 * state.pages[0].width)));
    $("zoom").value = String(Math.round(zoom * 10) / 10);
  }
  spreads.replaceChildren();
  pageBoxes = [];
  loadedKeys = [];
  drawings = [];
  let spread = null;
  state.pages.forEach((p, i) => {
    // A recto after a verso completes the spread; a recto alone starts one.
    if (!spread || p.recto === false || spread.childElementCount === 2 || spread.lastChild.dataset.recto === "true") {
      spread = el("div", "spread");
      spreads.appendChild(spread);
    }
    const box = el("div", "page placeholder");
    box.dataset.index = String(i);
    box.dataset.recto = String(p.recto);
    box.style.width = p.width * zoom + "px";
    box.style.height = p.height * zoom + "px";
    box.appendChild(el("div", "folio", p.folio));
    spread.appendChild(box);
    pageBoxes.push(box);
    loadedKeys.push(null);
    observer.observe(box);
  });
}

const observer = new IntersectionObserver((entries) => {
  for (const e of entries) e.target.dataset.visible = e.isIntersecting ? "1" : "";
  loadVisible();
}, { root: $("print"), rootMargin: "600px 0px" });

async function loadPage(i) {
  const p = state.pages[i];
  if (loadedKeys[i] === p.key) return;
  loadedKeys[i] = p.key;
  const t0 = performance.now();
  const drawing = await fetchPage(i, p.key);
  if (state.pages[i] !== p) return;
  const t1 = performance.now();
  drawings[i] = drawing;
  const box = pageBoxes[i];
  box.replaceChildren();
  const canvas = el("canvas", "ink");
  box.appendChild(canvas);
  box.insertAdjacentHTML("beforeend", drawing.text);
  box.appendChild(el("div", "folio", p.folio));
  box.classList.remove("placeholder");
  paint(i);
  drawFindingsOn(i);
  quire.pageTimes = [t1 - t0, performance.now() - t1];
}

// Page drawings asked for before the state arrives (the event names the changed pages).
const prefetched = new Map();
let prefetchedDoc = null;   // { id: "doc:key", text: Promise }
function fetchPage(i, key) {
  const id = `${i}:${key}`;
  const early = prefetched.get(id);
  if (early) { prefetched.delete(id); return early; }
  return fetch(`/page/${i}.json?k=${key}`, { cache: "no-store" }).then((r) => r.json());
}

function glyphPath(key) {
  let path = glyphPaths.get(key);
  if (!path) {
    path = new Path2D(glyphs[key] || "");
    glyphPaths.set(key, path);
  }
  return path;
}

function image(href, then) {
  let img = images.get(href);
  if (!img) {
    img = new Image();
    img.src = href;
    images.set(href, img);
  }
  if (!img.complete) img.addEventListener("load", then, { once: true });
  return img;
}

// Paints page i's ink on its canvas at the current zoom (and the screen's pixel density).
function paint(i) {
  const drawing = drawings[i];
  const canvas = pageBoxes[i].querySelector("canvas.ink");
  if (!drawing || !canvas) return;
  const density = window.devicePixelRatio || 1;
  const scale = zoom * density;
  canvas.width = Math.round(drawing.width * scale);
  canvas.height = Math.round(drawing.height * scale);
  canvas.dataset.zoom = String(zoom);
  const ctx = canvas.getContext("2d");
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, drawing.width, drawing.height);
  for (const op of drawing.ink) {
    switch (op[0]) {
      case "g": {
        const [, face, s, x, y, rotation, color, list] = op;
        ctx.save();
        ctx.translate(x, y);
        if (rotation) ctx.rotate((rotation * Math.PI) / 180);
        ctx.scale(s, -s);
        ctx.fillStyle = color;
        let at = 0;
        for (let k = 0; k < list.length; k += 2) {
          ctx.translate(list[k + 1] - at, 0);
          at = list[k + 1];
          ctx.fill(glyphPath(face + "-" + list[k]));
        }
        ctx.restore();
        break;
      }
      case "f":
        ctx.fillStyle = op[5];
        ctx.fillRect(op[1], op[2], op[3], op[4]);
        break;
      case "p":
        ctx.fillStyle = op[1];
        ctx.fill(new Path2D(op[2]));
        break;
      case "l":
        ctx.strokeStyle = "#000";
        ctx.lineWidth = op[5];
        ctx.beginPath();
        ctx.moveTo(op[1], op[2]);
        ctx.lineTo(op[3], op[4]);
        ctx.stroke();
        break;
      case "i": {
        const img = image(op[1], () => paint(i));
        if (img.complete && img.naturalWidth) ctx.drawImage(img, op[2], op[3], op[4], op[5]);
        break;
      }
    }
  }
}

async function loadVisible() {
  if (!state) return;
  const wanted = [];
  pageBoxes.forEach((box, i) => {
    if (box.dataset.visible === "1" && loadedKeys[i] !== state.pages[i].key) wanted.push(i);
    else if (box.dataset.visible !== "1" && loadedKeys[i] !== state.pages[i].key && loadedKeys[i] !== null) {
      // Out of sight and out of date: drawn again when it comes into view.
      loadedKeys[i] = null;
    }
  });
  await Promise.all(wanted.map(loadPage));
}

function setZoom(value) {
  const print = $("print");
  const ratio = print.scrollTop / Math.max(1, print.scrollHeight);
  zoom = value;
  state.pages.forEach((p, i) => {
    pageBoxes[i].style.width = p.width * zoom + "px";
    pageBoxes[i].style.height = p.height * zoom + "px";
  });
  print.scrollTop = ratio * print.scrollHeight;
  clearTimeout(setZoom.timer);
  // Painted again at the new size once the slider rests (pages in view first).
  setZoom.timer = setTimeout(() => {
    pageBoxes.forEach((box, i) => { if (box.dataset.visible === "1") paint(i); });
    pageBoxes.forEach((box, i) => {
      const canvas = box.querySelector("canvas.ink");
      if (box.dataset.visible !== "1" && canvas && canvas.dataset.zoom !== String(zoom)) paint(i);
    });
  }, 120);
}

async function showPage(i, block) {
  const box = pageBoxes[i];
  if (!box) return;
  box.scrollIntoView({ block: "center" });
  box.dataset.visible = "1";
  await loadPage(i);
  if (block === undefined || block === null) return;
  for (const text of box.querySelectorAll(`text[data-block="${block}"]`)) flashText(box, text);
}

function flashText(box, text) {
  const r = text.getBoundingClientRect();
  const page = box.getBoundingClientRect();
  const flash = el("div", "flash");
  flash.style.left = r.left - page.left - 2 + "px";
  flash.style.top = r.top - page.top - 1 + "px";
  flash.style.width = r.width + 4 + "px";
  flash.style.height = r.height + 2 + "px";
  box.appendChild(flash);
  setTimeout(() => flash.remove(), 2600);
}

// The body line nearest a click on a page.
function lineAt(box, event) {
  const svg = box.querySelector("svg");
  if (!svg) return null;
  const scale = box.clientWidth / svg.viewBox.baseVal.width;
  const y = event.clientY;
  let best = null, distance = Infinity;
  for (const text of svg.querySelectorAll("text[data-block]")) {
    const b = text.getBoundingClientRect();
    const d = y < b.top ? b.top - y : y > b.bottom ? y - b.bottom : 0;
    if (d < distance) { best = text; distance = d; }
  }
  return distance < 30 * scale ? best : null;
}

$("spreads").addEventListener("click", async (event) => {
  const box = event.target.closest(".page");
  if (!box || window.getSelection().toString()) return;
  const line = lineAt(box, event);
  if (!line) return;
  const where = await locate(line.dataset.block, line.dataset.offset);
  if (!where) return;
  flashText(box, line);
  await showDoc(where.doc, where.block);
});

// ---------------------------------------------------------------- findings

function drawFindingsOn(i) {
  const box = pageBoxes[i];
  box.querySelectorAll(".finding").forEach((f) => f.remove());
  const page = state.pages[i];
  for (const f of state.findings) {
    if (f.page !== i) continue;
    const mark = el("div", "finding " + f.kind);
    mark.title = `${f.check}: ${f.detail}`;
    if (f.rect) {
      const [x, y, w, h] = f.rect;
      mark.style.left = (x / page.width) * 100 + "%";
      mark.style.top = (y / page.height) * 100 + "%";
      mark.style.width = (w / page.width) * 100 + "%";
      mark.style.height = (h / page.height) * 100 + "%";
    } else {
      mark.classList.add("page-wide");
    }
    box.appendChild(mark);
  }
}

function drawFindings() {
  pageBoxes.forEach((_, i) => drawFindingsOn(i));
  const list = $("findingList");
  list.replaceChildren();
  for (const f of state.findings) {
    const item = el("li");
    const link = el("a");
    link.href = "#";
    link.appendChild(el("span", "kind", `p. ${f.folio} · ${f.check}`));
    link.appendChild(el("div", "", f.detail));
    link.addEventListener("click", (e) => { e.preventDefault(); showPage(f.page); });
    item.appendChild(link);
    list.appendChild(item);
  }
  $("findingCount").textContent = `(${state.findings.length})`;
  const counts = $("counts");
  counts.replaceChildren();
  for (const [name, n] of state.counts) {
    if (n > 0) counts.appendChild(el("li", "", `${name}: ${n}`));
  }
}

function toggleFindings(show) {
  document.body.classList.toggle("no-findings", !show);
  $("showFindings").checked = show;
}

// ---------------------------------------------------------------- ebook

function firstBodyDoc() {
  return Math.min(state.first_body || 0, state.spine.length - 1);
}

function fillSections() {
  const select = $("doc");
  const chosen = select.value;
  select.replaceChildren();
  state.spine.forEach((s, i) => {
    const option = el("option", "", s.title);
    option.value = String(i);
    select.appendChild(option);
  });
  if (chosen) select.value = chosen;
}

function readerStyle(doc) {
  const style = doc.createElement("style");
  style.textContent = `
    html { scroll-behavior: auto; }
    body { position: relative; padding-left: 3em !important; padding-right: 1.2em !important; }
    span[role="doc-pagebreak"]::before { content: attr(aria-label); position: absolute; left: .3em;
      font: 9px/1 system-ui, sans-serif; color: rgba(128,128,128,.7); border-top: 1px solid rgba(128,128,128,.4);
      padding-top: 1px; }
    [data-block] { cursor: pointer; }
    .quire-flash { background: rgba(255, 210, 0, .35); transition: background 2s; }
    html.quire-dark, html.quire-dark body { background: #161616 !important; color: #ddd !important; }
    html.quire-dark a { color: #9cf; }
    html.quire-dark img { filter: brightness(.85); }`;
  doc.head.appendChild(style);
  doc.documentElement.classList.toggle("quire-dark", $("dark").checked);
  doc.addEventListener("keydown", onKey);
  doc.addEventListener("click", async (event) => {
    const target = event.target.closest("[data-block]");
    if (!target || doc.getSelection().toString()) return;
    if (event.target.closest("a")) return;
    const where = await locate(target.dataset.block, 0);
    if (where && where.page !== null) await showPage(where.page, where.block);
    flashElement(target);
  });
}

function flashElement(target) {
  target.classList.add("quire-flash");
  setTimeout(() => target.classList.remove("quire-flash"), 1500);
}

// Shows spine document `index` in the reader; `block` scrolls to that
// paragraph. With `keep`, a document already shown is reloaded only when
// it changed, at the same scroll position.
async function showDoc(index, block, keep) {
  const entry = state.spine[index];
  if (!entry) return;
  const frame = $("reader");
  const same = index === currentDoc;
  const doc = frame.contentDocument;
  const ready = same && doc && doc.body;
  if (ready && entry.key === docKey) {
    if (block !== undefined && block !== null) scrollToBlock(block);
    return;
  }
  // The same document changed, and the stylesheet did not: its new body in
  // place, where the reader was (no reload, no flash).
  if (ready && keep && state.style === styleKey) {
    const early = prefetchedDoc && prefetchedDoc.id === `${index}:${entry.key}` ? prefetchedDoc.text : null;
    prefetchedDoc = null;
    const text = await (early || fetch(`/epub/${entry.path}?k=${entry.key}`, { cache: "no-store" }).then((r) => r.text()));
    const fresh = new DOMParser().parseFromString(text, "application/xhtml+xml");
    if (fresh.body && !fresh.querySelector("parsererror")) {
      const y = frame.contentWindow.scrollY;
      doc.body.replaceWith(doc.importNode(fresh.body, true));
      frame.contentWindow.scrollTo(0, y);
      docKey = entry.key;
      if (block !== undefined && block !== null) scrollToBlock(block);
      return;
    }
  }
  const scroll = same && keep && frame.contentWindow ? frame.contentWindow.scrollY : 0;
  currentDoc = index;
  docKey = entry.key;
  styleKey = state.style;
  $("doc").value = String(index);
  await new Promise((resolve) => {
    frame.onload = () => resolve();
    frame.src = `/epub/${entry.path}?k=${entry.key}`;
  });
  readerStyle(frame.contentDocument);
  if (block !== undefined && block !== null) scrollToBlock(block);
  else frame.contentWindow.scrollTo(0, scroll);
}

function scrollToBlock(block) {
  const doc = $("reader").contentDocument;
  const target = doc && doc.querySelector(`[data-block="${block}"]`);
  if (!target) return;
  target.scrollIntoView({ block: "center" });
  flashElement(target);
}

// ---------------------------------------------------------------- source

async function locate(block, offset) {
  const response = await fetch(`/where?block=${encodeURIComponent(block)}&offset=${encodeURIComponent(offset || 0)}`);
  if (!response.ok) return null;
  const where = await response.json();
  showSource(where);
  return where;
}

function showSource(where) {
  const box = $("source");
  box.replaceChildren();
  if (!where.file) {
    box.appendChild(el("p", "hint", "This text is made by quire (no manuscript line)."));
    return;
  }
  const folio = where.page !== null ? state.pages[where.page].folio : "?";
  box.appendChild(el("div", "", `p. ${folio} · ${where.file}:${where.line}`));
  box.dataset.file = where.file;
  box.dataset.line = String(where.line);
  if (state.editor) {
    const link = el("a", "", "open in editor");
    link.href = "#";
    link.addEventListener("click", (e) => {
      e.preventDefault();
      fetch(`/open?block=${where.block}&token=${token}`);
    });
    box.appendChild(link);
  } else {
    box.appendChild(el("p", "hint", "Start quire serve with --editor \"code -g {file}:{line}\" to open it from here."));
  }
}

// ---------------------------------------------------------------- controls

$("zoom").addEventListener("input", (e) => setZoom(Number(e.target.value)));
$("width").addEventListener("change", (e) => { $("reader").style.width = e.target.value + "px"; });
$("dark").addEventListener("change", (e) => {
  const doc = $("reader").contentDocument;
  if (doc) doc.documentElement.classList.toggle("quire-dark", e.target.checked);
});
$("showFindings").addEventListener("change", (e) => toggleFindings(e.target.checked));
$("doc").addEventListener("change", async (e) => {
  const index = Number(e.target.value);
  await showDoc(index, null, false);
  const page = state.pages.findIndex((p) => p.doc === index && !p.blank);
  if (page >= 0) await showPage(page);
});
function onKey(e) {
  if (e.target.closest && e.target.closest("input, select, textarea")) return;
  if (e.key === "f" || e.key === "F") toggleFindings(document.body.classList.contains("no-findings"));
}
document.addEventListener("keydown", onKey);

// ---------------------------------------------------------------- live

function connect() {
  const socket = new WebSocket(`ws://${location.host}/events`);
  socket.onmessage = (message) => {
    const { version, changed, docs } = JSON.parse(message.data);
    if (!state || version <= state.version) return;
    // Pages in view that changed: fetched while the state is.
    for (const [i, key] of changed || []) {
      if (pageBoxes[i] && pageBoxes[i].dataset.visible === "1" && !prefetched.has(`${i}:${key}`)) {
        prefetched.set(`${i}:${key}`, fetch(`/page/${i}.json?k=${key}`, { cache: "no-store" }).then((r) => r.json()));
      }
    }
    // The reader's document, when it changed.
    for (const [i, key] of docs || []) {
      if (i === currentDoc && state.spine[i]) {
        prefetchedDoc = {
          id: `${i}:${key}`,
          text: fetch(`/epub/${state.spine[i].path}?k=${key}`, { cache: "no-store" }).then((r) => r.text()),
        };
      }
    }
    refresh();
  };
  socket.onclose = () => setTimeout(connect, 1000);
}

refresh().then(connect);
