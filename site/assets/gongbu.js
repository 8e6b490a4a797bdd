// gongbu 기본 스크립트: 테마 전환(기억함), '/'로 검색창 이동, 목차 접기·현재 위치 표시.
// 읽는 데는 필요 없습니다: 스크립트가 없어도 모든 내용과 링크가 그대로 보입니다.
(function () {
  "use strict";
  var root = document.documentElement;
  var darkQuery = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function currentTheme() {
    var set = root.getAttribute("data-theme");
    if (set === "dark" || set === "light") return set;
    return darkQuery && darkQuery.matches ? "dark" : "light";
  }

  // 테마 전환: 고른 테마는 localStorage에 남아 다음 페이지와 다음 방문에도 쓰입니다.
  var toggle = document.querySelector(".theme-toggle");
  if (toggle) {
    var label = function () {
      var next = currentTheme() === "dark" ? "밝은" : "어두운";
      toggle.setAttribute("aria-label", next + " 테마로 바꾸기");
      toggle.setAttribute("title", next + " 테마로 바꾸기");
    };
    label();
    toggle.addEventListener("click", function () {
      var next = currentTheme() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem("gongbu-theme", next); } catch (e) { /* 저장할 수 없으면 이 페이지에서만 */ }
      label();
    });
    if (darkQuery && darkQuery.addEventListener) darkQuery.addEventListener("change", label);
  }

  // '/' 를 누르면 검색창으로.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var box = document.querySelector(".site-search input");
    if (box) { e.preventDefault(); box.focus(); box.select(); }
  });

  // 목차: 좁은 화면에서는 접어 두고, 넓은 화면에서는 읽는 곳을 표시합니다.
  var toc = document.querySelector(".toc");
  if (!toc) return;
  var details = toc.querySelector("details");
  var wide = window.matchMedia ? window.matchMedia("(min-width: 68rem)") : null;
  if (details && wide && !wide.matches) details.removeAttribute("open");
  if (details && wide && wide.addEventListener) {
    wide.addEventListener("change", function () { if (wide.matches) details.setAttribute("open", ""); });
  }
  var links = {};
  var headings = [];
  Array.prototype.forEach.call(toc.querySelectorAll("a[href^='#']"), function (a) {
    var id;
    try { id = decodeURIComponent(a.getAttribute("href").slice(1)); } catch (e) { return; }
    var h = document.getElementById(id);
    if (h) { links[id] = a; headings.push(h); }
  });
  if (!headings.length) return;
  var active = null;
  var pending = false;
  function mark() {
    pending = false;
    // 화면 위쪽 3분의 1을 지난 마지막 제목이 지금 읽는 곳입니다.
    var current = headings[0];
    for (var i = 0; i < headings.length; i++) {
      if (headings[i].getBoundingClientRect().top < window.innerHeight / 3) current = headings[i];
      else break;
    }
    if (current === active) return;
    if (active) links[active.id].classList.remove("active");
    active = current;
    links[active.id].classList.add("active");
  }
  window.addEventListener("scroll", function () {
    if (!pending) { pending = true; window.requestAnimationFrame(mark); }
  }, { passive: true });
  mark();
})();

// 용어집 툴팁: 터치에서는 첫 탭에 정의를 보여 주고 두 번째 탭에 링크로 이동한다.
// Esc로 닫고, 화면 오른쪽을 넘치면 왼쪽으로 옮긴다. 스크립트 없이도 hover·focus로 보인다.
(function () {
  "use strict";
  var lastPointer = "mouse";
  var open = null;

  function refOf(el) {
    return el && el.closest ? el.closest(".term-ref") : null;
  }

  // 툴팁이 화면 오른쪽을 넘으면 넘는 만큼 왼쪽으로 옮긴다 (왼쪽 끝은 넘지 않게).
  // 스크롤되는 표 상자 안에서는 상자에 잘리지 않도록 화면 기준(fixed)으로 띄운다.
  function place(ref) {
    var tip = ref.querySelector(".term-tip");
    if (!tip) return;
    var width = document.documentElement.clientWidth;
    tip.style.position = tip.style.top = tip.style.left = tip.style.marginTop = "";
    var rect = tip.getBoundingClientRect();
    if (!rect.width) return;
    if (ref.closest(".table-wrap")) {
      var link = ref.getBoundingClientRect();
      tip.style.position = "fixed";
      tip.style.marginTop = "0";
      tip.style.top = link.bottom + 6 + "px";
      tip.style.left = Math.max(8, Math.min(link.left, width - rect.width - 8)) + "px";
      return;
    }
    var over = rect.right - (width - 8);
    if (over > 0) tip.style.left = -Math.min(over, rect.left - 8) + "px";
  }

  function close() {
    if (open) open.classList.remove("is-open");
    open = null;
  }

  document.addEventListener("pointerdown", function (e) { lastPointer = e.pointerType || "mouse"; }, true);

  document.addEventListener("click", function (e) {
    var ref = refOf(e.target);
    var link = e.target.closest ? e.target.closest("a.term") : null;
    if (ref && link && lastPointer === "touch" && open !== ref) {
      e.preventDefault();
      close();
      ref.classList.remove("is-dismissed");
      ref.classList.add("is-open");
      open = ref;
      place(ref);
      return;
    }
    if (!ref) close();
  });

  ["mouseover", "focusin"].forEach(function (type) {
    document.addEventListener(type, function (e) {
      var ref = refOf(e.target);
      if (ref) { ref.classList.remove("is-dismissed"); place(ref); }
    });
  });

  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    var refs = document.querySelectorAll(".term-ref:hover, .term-ref:focus-within, .term-ref.is-open");
    for (var i = 0; i < refs.length; i++) refs[i].classList.add("is-dismissed");
    close();
  });
})();
