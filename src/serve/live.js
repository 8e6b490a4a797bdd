// gongbu serve: reloads this page when its file changes and shows build
// errors over it. Added to pages only by `gongbu serve`.
(function () {
  "use strict";
  var script = document.currentScript;
  var root = script && script.src
    ? script.src.replace(/__gongbu\/live\.js(?:[?#].*)?$/, "")
    : location.origin + "/";
  var rootPath = new URL(root).pathname;
  var SCROLL_KEY = "gongbu-live-scroll";
  var OVERLAY_ID = "gongbu-overlay";

  // Back where the reader was before a live reload.
  try {
    var saved = JSON.parse(sessionStorage.getItem(SCROLL_KEY) || "null");
    if (saved && saved.path === location.pathname) {
      sessionStorage.removeItem(SCROLL_KEY);
      var restore = function () { window.scrollTo(0, saved.y); };
      restore();
      window.addEventListener("load", restore);
    }
  } catch (e) { /* storage may be off */ }

  function reload() {
    try {
      sessionStorage.setItem(SCROLL_KEY, JSON.stringify({ path: location.pathname, y: window.scrollY }));
    } catch (e) { /* storage may be off */ }
    location.reload();
  }

  // This page's file, site-relative and decoded, as the server names it.
  function pageFile() {
    var p = location.pathname;
    if (p.indexOf(rootPath) === 0) p = p.slice(rootPath.length);
    if (p === "" || p.charAt(p.length - 1) === "/") p += "index.html";
    try { p = decodeURIComponent(p); } catch (e) { /* keep as is */ }
    return p.normalize ? p.normalize("NFC") : p;
  }

  function fileUrl(p) {
    return new URL(p.split("/").map(encodeURIComponent).join("/"), root).href;
  }

  function concerns(paths) {
    var me = pageFile();
    var used = null;
    for (var i = 0; i < paths.length; i++) {
      var p = paths[i];
      if (p === me || /\.(css|js)$/.test(p)) return true;
      if (/\.html$/.test(p)) continue;
      // Another file (an image): reload when this page shows it.
      if (used === null) {
        used = {};
        var els = document.querySelectorAll("img[src], source[src], video[src], audio[src], object[data], embed[src]");
        for (var j = 0; j < els.length; j++) {
          var el = els[j];
          used[el.src || el.data] = true;
        }
      }
      if (used[fileUrl(p)]) return true;
    }
    return false;
  }

  function el(tag, text, style) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    if (style) node.setAttribute("style", style);
    return node;
  }

  function showErrors(errors) {
    var old = document.getElementById(OVERLAY_ID);
    if (old) old.parentNode.removeChild(old);
    if (!errors || errors.length === 0) return;
    var box = el("section", null,
      "position:fixed;z-index:2147483647;left:0;right:0;bottom:0;max-height:60vh;overflow:auto;" +
      "margin:0;padding:1rem 1.25rem;background:#2b0b0e;color:#ffe9ea;border-top:4px solid #ff5c6c;" +
      "font:14px/1.5 system-ui,-apple-system,'Apple SD Gothic Neo','Malgun Gothic','Noto Sans KR',sans-serif;" +
      "box-shadow:0 -6px 24px rgba(0,0,0,.4);text-align:left;word-break:keep-all");
    box.id = OVERLAY_ID;
    box.setAttribute("role", "alert");
    box.setAttribute("aria-label", "빌드 오류");
    var head = el("div", null, "display:flex;gap:1rem;align-items:baseline;justify-content:space-between");
    head.appendChild(el("strong", "빌드 오류 " + errors.length + "개 — 마지막으로 성공한 사이트를 보여 주고 있습니다", "font-size:15px"));
    var close = el("button", "닫기",
      "font:inherit;background:transparent;color:inherit;border:1px solid currentColor;border-radius:4px;padding:0 .6em;cursor:pointer");
    close.type = "button";
    close.addEventListener("click", function () { box.parentNode.removeChild(box); });
    head.appendChild(close);
    box.appendChild(head);
    var list = el("ol", null, "margin:.75rem 0 0;padding-left:1.5rem");
    for (var i = 0; i < errors.length; i++) {
      var item = el("li", null, "margin:.5rem 0");
      if (errors[i].location) {
        item.appendChild(el("code", errors[i].location,
          "background:none;border:0;padding:0;color:#ffb3ba;font:600 13px/1.5 ui-monospace,'D2Coding',monospace"));
        item.appendChild(document.createTextNode(" "));
      }
      item.appendChild(el("span", errors[i].message, "color:inherit"));
      item.appendChild(el("pre", errors[i].detail,
        "margin:.4rem 0 0;padding:.5rem .75rem;border:0;border-radius:4px;background:rgba(0,0,0,.35);color:#fff;overflow:auto;" +
        "white-space:pre;font:13px/1.45 ui-monospace,'D2Coding','Noto Sans Mono CJK KR',monospace"));
      list.appendChild(item);
    }
    box.appendChild(list);
    (document.body || document.documentElement).appendChild(box);
  }

  if (!window.EventSource) return;
  var instance = null;
  var generation = null;
  var source = new EventSource(root + "__gongbu/events");
  source.addEventListener("hello", function (e) {
    var d = JSON.parse(e.data);
    // Reconnected after a restart or after missed rebuilds: start afresh.
    if (instance !== null && (d.instance !== instance || d.generation !== generation)) {
      reload();
      return;
    }
    instance = d.instance;
    generation = d.generation;
    document.documentElement.setAttribute("data-gongbu-live", "");
    showErrors(d.errors);
  });
  source.addEventListener("reload", function (e) {
    var d = JSON.parse(e.data);
    generation = d.generation;
    if (concerns(d.paths || [])) reload();
  });
  source.addEventListener("errors", function (e) {
    showErrors(JSON.parse(e.data).errors);
  });
})();
