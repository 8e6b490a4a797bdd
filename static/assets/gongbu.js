// gongbu 기본 스크립트: 테마 전환, '/' 로 검색창 이동. 읽는 데는 필요 없습니다.
(function () {
  "use strict";
  var root = document.documentElement;

  function currentTheme() {
    var set = root.getAttribute("data-theme");
    if (set === "dark" || set === "light") return set;
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

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
      try { localStorage.setItem("gongbu-theme", next); } catch (e) { /* 저장 불가: 무시 */ }
      label();
    });
  }

  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var box = document.querySelector(".site-search input");
    if (box) { e.preventDefault(); box.focus(); box.select(); }
  });
})();
