  // ── ui.js: the browser ──

  if (typeof document === "undefined") return;

  // ── the browser: index files with <script> (works from file://), over
  // HTTP the units a query needs by range ──

  const script = document.currentScript;
  const siteRoot = (function () {
    if (script && script.src) return new URL("../", script.src).href;
    let form = document.querySelector("form.site-search");
    return form ? new URL(".", form.action).href : new URL(".", location.href).href;
  })();
  const indexBase = new URL("search/", siteRoot).href;
  const waiting = new Map();
  let bust = "";

  global.gongbuSearch = function (kind, number, stamp, lengths, data) {
    let key = kind + ":" + number;
    let w = waiting.get(key);
    if (w) { waiting.delete(key); w.resolve({ kind: kind, number: number, stamp: stamp, lengths: lengths, data: data }); }
  };

  // The URL of an index file, with the cache-busting mark once the index
  // was found stale.
  function indexUrl(name) {
    return indexBase + name + (bust ? (name.indexOf("?") >= 0 ? "&" : "?") + "t=" + bust : "");
  }

  function loadFile(name) {
    const m = /^(meta|shards|concepts|frags)-?([0-9]*)\.js/.exec(name);
    const kind = m[1], number = m[1] === "meta" ? 0 : parseInt(m[2], 10);
    let key = kind + ":" + number;
    return new Promise(function (resolve, reject) {
      waiting.set(key, { resolve: resolve });
      const el = document.createElement("script");
      el.src = indexUrl(name);
      el.async = true;
      el.onload = function () {
        el.remove();
        if (waiting.has(key)) { waiting.delete(key); reject(new Error("검색 색인 파일을 읽지 못했습니다: " + name)); }
      };
      el.onerror = function () {
        el.remove();
        waiting.delete(key);
        reject(new Error("검색 색인 파일이 없습니다: " + name));
      };
      document.head.appendChild(el);
    });
  }
  loadFile.bust = function () { bust = String(Date.now()); };

  // Bytes from..to of an index file by HTTP range; a server that ignores
  // the range answers with the whole file, which is kept. Not through the
  // HTTP cache: browsers have mixed up ranges of one URL read at once from
  // it. Ranges a server or proxy mangles make the engine read whole packs.
  function loadBytes(name, from, to) {
    return fetch(indexUrl(name), { cache: "no-store", headers: { Range: "bytes=" + from + "-" + (to - 1) } }).then(function (res) {
      if (res.status !== 206 && res.status !== 200) throw new Error("검색 색인 파일이 없습니다: " + name);
      return res.arrayBuffer().then(function (b) { return { bytes: new Uint8Array(b), whole: res.status === 200 }; });
    });
  }
  const ranged = /^https?:$/.test(location.protocol) && typeof fetch === "function" && typeof TextDecoder === "function";

  const engine = createEngine(loadFile, ranged ? loadBytes : null);
  api.engine = engine;

  function absolute(href) { return new URL(href, siteRoot).href; }

  function highlighted(text, ranges) {
    const frag = document.createDocumentFragment();
    let at = 0;
    (ranges || []).forEach(function (r) {
      if (r[0] > at) frag.appendChild(document.createTextNode(text.slice(at, r[0])));
      let m = document.createElement("mark");
      m.textContent = text.slice(r[0], r[1]);
      frag.appendChild(m);
      at = r[1];
    });
    if (at < text.length) frag.appendChild(document.createTextNode(text.slice(at)));
    return frag;
  }

  function span(cls, content) {
    let s = document.createElement("span");
    s.className = cls;
    if (typeof content === "string") s.textContent = content; else s.appendChild(content);
    return s;
  }

  // One result as a link: title (› section), snippet.
  function resultLink(r, id) {
    let a = document.createElement("a");
    a.className = "search-hit";
    a.href = absolute(r.href);
    if (id) { a.id = id; a.setAttribute("role", "option"); }
    const title = span("search-hit-title", highlighted(r.title, r.titleMarks));
    if (r.kind === "term") title.insertBefore(span("search-kind", "용어"), title.firstChild);
    a.appendChild(title);
    if (r.section) a.appendChild(span("search-hit-section", highlighted(r.section, r.sectionMarks)));
    if (r.snippet && r.snippet.text) a.appendChild(span("search-hit-snippet", highlighted(r.snippet.text, r.snippet.marks)));
    return a;
  }

  function failure(e) {
    return (e && e.message && e.message !== "stale") ? e.message : "검색 색인을 불러오지 못했습니다";
  }

  function composing(e) { return e && (e.isComposing || e.keyCode === 229); }

  // ── header search box: live results ──

  function setupHeader(form) {
    let input = form.querySelector("input[name=q]");
    if (!input) return;
    const popup = document.createElement("div");
    popup.className = "search-popup";
    popup.id = "site-search-popup";
    popup.hidden = true;
    let list = document.createElement("div");
    list.setAttribute("role", "listbox");
    list.id = "site-search-list";
    list.setAttribute("aria-label", "검색 결과");
    popup.appendChild(list);
    const foot = document.createElement("a");
    foot.className = "search-popup-all";
    popup.appendChild(foot);
    form.appendChild(popup);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");

    let active = -1, seq = 0, timer = 0, shown = "";

    function options() { return list.querySelectorAll("[role=option]"); }
    function open() { popup.hidden = false; input.setAttribute("aria-expanded", "true"); }
    function close() {
      popup.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function move(to) {
      let opts = options();
      if (!opts.length) return;
      if (active >= 0 && opts[active]) opts[active].classList.remove("active");
      active = (to + opts.length) % opts.length;
      opts[active].classList.add("active");
      opts[active].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", opts[active].id);
      opts[active].scrollIntoView({ block: "nearest" });
    }
    function message(text) {
      list.textContent = "";
      list.appendChild(span("search-empty", text));
    }

    function run(keepOnEmpty) {
      let q = input.value;
      let mine = ++seq;
      if (!q.trim()) { close(); shown = ""; return; }
      engine.search(q, { limit: 8 }).then(function (res) {
        if (mine !== seq) return;
        if (!res.results.length && keepOnEmpty && shown) return;
        list.textContent = "";
        active = -1;
        input.removeAttribute("aria-activedescendant");
        if (!res.results.length) message("‘" + q.trim() + "’에 맞는 노트가 없습니다");
        res.results.forEach(function (r, i) { list.appendChild(resultLink(r, "site-search-opt-" + i)); });
        foot.href = absolute("search.html") + "?q=" + encodeURIComponent(q.trim());
        foot.textContent = res.total > res.results.length ? "결과 " + res.total + "건 모두 보기 →" : "검색 페이지에서 보기 →";
        shown = q;
        open();
      }, function (e) {
        if (mine !== seq) return;
        message(failure(e));
        open();
      });
    }

    input.addEventListener("focus", function () {
      engine.ready().catch(function () { /* 검색할 때 알립니다 */ });
      if (input.value.trim() && shown === input.value) open();
    });
    input.addEventListener("input", function (e) {
      clearTimeout(timer);
      const keep = composing(e);
      timer = setTimeout(function () { run(keep); }, 60);
    });
    input.addEventListener("keydown", function (e) {
      if (composing(e)) return;
      if (e.key === "ArrowDown") { e.preventDefault(); if (popup.hidden) run(false); else move(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); if (!popup.hidden) move(active - 1); }
      else if (e.key === "Enter") {
        let opts = options();
        if (!popup.hidden && active >= 0 && opts[active]) { e.preventDefault(); location.href = opts[active].href; }
      } else if (e.key === "Escape") {
        if (!popup.hidden) { e.preventDefault(); close(); } else { input.blur(); }
      }
    });
    form.addEventListener("focusout", function (e) {
      if (!e.relatedTarget || !form.contains(e.relatedTarget)) close();
    });
    list.addEventListener("mousemove", function (e) {
      let a = e.target.closest && e.target.closest("[role=option]");
      if (!a) return;
      let opts = Array.prototype.indexOf.call(options(), a);
      if (opts >= 0 && opts !== active) move(opts);
    });
  }

  // ── search.html ──

  function setupPage(results) {
    const status = document.getElementById("search-status");
    let form = document.querySelector(".search-page-form");
    let input = form && form.querySelector("input[name=q]");
    const more = document.createElement("button");
    more.type = "button";
    more.className = "search-more";
    more.textContent = "결과 더 보기";
    more.hidden = true;
    results.parentNode.insertBefore(more, results.nextSibling);
    let PAGE = 30, seq = 0, current = "", count = 0;

    function say(text) { if (status) status.textContent = text; }

    function show(q, offset) {
      let mine = ++seq;
      if (!q.trim()) { results.textContent = ""; more.hidden = true; say("검색어를 입력하세요."); return; }
      if (!offset) say("찾는 중…");
      engine.search(q, { limit: PAGE, offset: offset }).then(function (res) {
        if (mine !== seq) return;
        if (!offset) { results.textContent = ""; count = 0; }
        res.results.forEach(function (r) {
          const li = document.createElement("li");
          li.className = "search-result";
          li.appendChild(resultLink(r));
          results.appendChild(li);
        });
        // The next page starts after this one, even when a hit of it could
        // not be shown: "결과 더 보기" only while ranked results remain.
        count = (offset || 0) + PAGE;
        current = q;
        if (!res.total) say("‘" + q.trim() + "’에 맞는 노트가 없습니다. 낱말을 줄이거나 초성(ㅍㄹㅅㅅ)으로 찾아보세요.");
        else say("‘" + q.trim() + "’ 검색 결과 " + res.total + "건" + (res.partial ? " (모든 낱말을 담은 노트가 없어 일부만 맞는 결과)" : ""));
        more.hidden = count >= res.total;
      }, function (e) {
        if (mine !== seq) return;
        say(failure(e));
      });
    }

    let q = new URLSearchParams(location.search).get("q") || "";
    if (input) input.value = q;
    let header = document.querySelector("form.site-search input[name=q]");
    if (header) header.value = q;
    show(q, 0);
    more.addEventListener("click", function () { show(current, count); });
    if (form && input) {
      let timer = 0;
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        updateUrl(input.value);
        show(input.value, 0);
      });
      input.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { updateUrl(input.value); show(input.value, 0); }, 120);
      });
    }
  }

  function updateUrl(q) {
    try {
      let url = new URL(location.href);
      if (q.trim()) url.searchParams.set("q", q.trim()); else url.searchParams.delete("q");
      history.replaceState(null, "", url.href);
    } catch (e) { /* file:// 에서 막히면 주소만 그대로 둡니다 */ }
  }

  function start() {
    let header = document.querySelector("form.site-search");
    if (header) setupHeader(header);
    let results = document.getElementById("search-results");
    if (results) setupPage(results);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})(typeof window !== "undefined" ? window : globalThis);
