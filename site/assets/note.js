// gongbu 노트 스크립트: 코드 복사 버튼, Mermaid 다이어그램, 댓글(설정했을 때만).
// 코드·다이어그램·댓글이 있는 노트에만 실립니다. 스크립트가 없어도 코드와
// 다이어그램의 원문은 그대로 보입니다. file://로 연 페이지에서도 동작합니다.
(function () {
  "use strict";
  var root = document.documentElement;
  var darkQuery = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function currentTheme() {
    var set = root.getAttribute("data-theme");
    if (set === "dark" || set === "light") return set;
    return darkQuery && darkQuery.matches ? "dark" : "light";
  }

  // 테마가 바뀌면 (버튼이나 시스템 설정) 알려 줍니다.
  var themeListeners = [];
  function onThemeChange(f) { themeListeners.push(f); }
  var lastTheme = currentTheme();
  function themeMaybeChanged() {
    var t = currentTheme();
    if (t === lastTheme) return;
    lastTheme = t;
    themeListeners.forEach(function (f) { f(t); });
  }
  if (window.MutationObserver) {
    new MutationObserver(themeMaybeChanged).observe(root, { attributes: true, attributeFilter: ["data-theme"] });
  }
  if (darkQuery && darkQuery.addEventListener) darkQuery.addEventListener("change", themeMaybeChanged);

  // ── 복사 버튼 ──
  // 클립보드 API는 보안 맥락(https, localhost)에서만 있으므로, file://에서는
  // 숨긴 textarea를 골라 execCommand("copy")로 복사합니다.
  function fallbackCopy(text) {
    var ta = document.createElement("textarea");
    ta.value = text;
    ta.setAttribute("readonly", "");
    ta.style.position = "fixed";
    ta.style.top = "-1000px";
    ta.style.opacity = "0";
    document.body.appendChild(ta);
    var focused = document.activeElement;
    ta.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(ta);
    if (focused && focused.focus) focused.focus();
    return ok;
  }

  function copyText(text, done) {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(fallbackCopy(text)); });
    } else {
      done(fallbackCopy(text));
    }
  }

  function addCopyButton(pre) {
    var code = pre.querySelector("code") || pre;
    var box = pre.parentNode;
    if (!box || !box.classList || !box.classList.contains("code-block")) {
      box = document.createElement("div");
      box.className = "code-block";
      pre.parentNode.insertBefore(box, pre);
      box.appendChild(pre);
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = "복사";
    button.setAttribute("aria-label", "코드 복사");
    var status = document.createElement("span");
    status.className = "copy-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    var timer = null;
    button.addEventListener("click", function () {
      copyText(code.textContent, function (ok) {
        button.textContent = ok ? "복사됨" : "복사 실패";
        status.textContent = ok ? "코드를 복사했습니다" : "복사하지 못했습니다";
        button.classList.toggle("copied", ok);
        clearTimeout(timer);
        timer = setTimeout(function () {
          button.textContent = "복사";
          button.classList.remove("copied");
          status.textContent = "";
        }, 2000);
      });
    });
    box.appendChild(button);
    box.appendChild(status);
  }
  Array.prototype.forEach.call(document.querySelectorAll(".note-body pre.code"), addCopyButton);

  // ── Mermaid ──
  // 원문은 <pre class="mermaid">에 있습니다. 그린 뒤에도 원문을 data-source에 남겨
  // 테마가 바뀌면 새 색으로 다시 그립니다.
  var diagrams = Array.prototype.slice.call(document.querySelectorAll("pre.mermaid"));
  if (diagrams.length && window.mermaid) {
    diagrams.forEach(function (d) { d.setAttribute("data-source", d.textContent); });
    var drawing = false;
    var draw = function () {
      if (drawing) return;
      drawing = true;
      var dark = currentTheme() === "dark";
      window.mermaid.initialize({
        startOnLoad: false,
        theme: dark ? "dark" : "default",
        securityLevel: "strict",
        fontFamily: getComputedStyle(document.body).fontFamily
      });
      diagrams.forEach(function (d) {
        d.removeAttribute("data-processed");
        d.textContent = d.getAttribute("data-source");
      });
      var finished = function () {
        drawing = false;
        diagrams.forEach(function (d) { d.classList.add("drawn"); });
      };
      try {
        window.mermaid.run({ nodes: diagrams, suppressErrors: true }).then(finished, finished);
      } catch (e) {
        finished();
      }
    };
    draw();
    onThemeChange(draw);
  }

  // ── 댓글: 화면 가까이 오면 불러옵니다 ──
  var comments = document.querySelector(".comments[data-comments]");
  if (comments) {
    var kind = comments.getAttribute("data-comments");
    var themeName = function (t) {
      if (kind === "utterances") return t === "dark" ? "github-dark" : "github-light";
      return t === "dark" ? "dark" : "light";
    };
    var loaded = false;
    var load = function () {
      if (loaded) return;
      loaded = true;
      var s = document.createElement("script");
      s.src = comments.getAttribute("data-src");
      s.async = true;
      s.crossOrigin = "anonymous";
      Array.prototype.forEach.call(comments.attributes, function (a) {
        if (a.name.indexOf("data-") !== 0 || a.name === "data-src" || a.name === "data-comments") return;
        if (kind === "utterances") s.setAttribute(a.name.slice(5), a.value);
        else s.setAttribute(a.name, a.value);
      });
      if (kind === "utterances") s.setAttribute("theme", themeName(currentTheme()));
      else { s.setAttribute("data-theme", themeName(currentTheme())); s.setAttribute("data-loading", "lazy"); }
      comments.appendChild(s);
    };
    onThemeChange(function (t) {
      var frame = comments.querySelector("iframe");
      if (!frame || !frame.contentWindow) return;
      if (kind === "utterances") {
        frame.contentWindow.postMessage({ type: "set-theme", theme: themeName(t) }, "https://utteranc.es");
      } else {
        frame.contentWindow.postMessage({ giscus: { setConfig: { theme: themeName(t) } } }, "https://giscus.app");
      }
    });
    if ("IntersectionObserver" in window) {
      var io = new IntersectionObserver(function (entries) {
        if (entries.some(function (e) { return e.isIntersecting; })) { io.disconnect(); load(); }
      }, { rootMargin: "400px 0px" });
      io.observe(comments);
    } else {
      window.addEventListener("scroll", function once() {
        if (comments.getBoundingClientRect().top < window.innerHeight + 400) {
          window.removeEventListener("scroll", once);
          load();
        }
      }, { passive: true });
    }
  }
})();
