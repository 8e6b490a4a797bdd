// gongbu 검색: 머리글 검색창의 바로 보기 목록과 search.html 페이지.
// 색인(search/*.js)은 빌드 때 만들어지고 <script>로 읽으므로 서버 없이,
// file:// 로 연 사이트에서도 동작합니다. 웹 서버에서는 묶음 파일의 필요한
// 부분만 HTTP 범위 요청으로 읽습니다. 의존성 없음.
//
// 토큰 규칙은 src/index/search/tokens.rs 와 같습니다 (함수 이름을 나란히 적었습니다):
//   segments        한글·한자 묶음(CJK)과 그 밖의 글자·숫자 낱말로 나눔, 위치는 UTF-16
//   낱말            소문자 한 토큰; 검색어는 앞부분 일치 (3글자 이상일 때)
//   CJK 묶음        글자 두 개씩(바이그램) + 첫 글자 + (3글자 이상이면) 묶음 전체;
//                   검색어는 묶음을 덮는 바이그램만 찾음 (covering_bigrams)
//   낱말 뒤 조사     CPU가, IPC를 의 조사는 토큰이 아님 (is_particles)
//   초성            '#' + 초성 두 개씩, '#' + 첫 초성 (제목·태그·제목줄·용어만)
//   용어            용어집 이름(용어·별칭·영어)이 나오는 곳마다 '@번호'
//   shard_key/hash  낱말은 앞 3글자, CJK 묶음 전체는 앞 2글자, 나머지는 토큰 전체를 FNV-1a(UTF-16)로
//
// 원본은 static/assets/search/ 의 세 파일입니다: tokenizer.js(이 파일, 공유 범위를 엶),
// engine.js(색인 해석과 순위), ui.js(브라우저: 파일 읽기, 검색창, search.html; 범위를 닫음).
// gongbu가 컴파일될 때 이 순서로 이어 붙여 assets/search.js 하나로 내보냅니다.
(function (global) {
  "use strict";

  const FORMAT_VERSION = 5;
  // Letters of each index file's stamp in meta.stamps (files.rs STAMP_LEN).
  const STAMP_LEN = 3;
  const FIELD_TITLE = 0, FIELD_TAGS = 1, FIELD_HEADING = 2, FIELD_BODY = 3, FIELD_TERM = 4;
  // 5: code blocks, found but ranked below prose.
  // Title and glossary-term matches first, then tags, headings, body.
  const FIELD_WEIGHT = [1000, 500, 100, 10, 1000, 3];
  const BODY_TF_CAP = 5;
  const NAME_WORD_GAP = 2;
  const MAX_QUERY_WORDS = 12;
  const CHOSEONG = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ";

  // ── tokenizer (search.rs: is_cjk_letter, segments, is_particles, shard_key, hash) ──

  const WORD_LETTER = /[\p{Alphabetic}\p{N}_]/u;

  function isHangul(cp) {
    return (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0x3131 && cp <= 0x318E) ||
      (cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0xA960 && cp <= 0xA97F) || (cp >= 0xD7B0 && cp <= 0xD7FF);
  }

  function isCjkLetter(cp) {
    return isHangul(cp) || (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
      (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FA1F);
  }

  function isCompatConsonant(ch) {
    return ch >= "\u3131" && ch <= "\u314E";
  }

  // Runs of CJK letters ("cjk") and of other letters/digits/_ ("word").
  function segments(text) {
    let out = [];
    let cur = null;
    let lastEnd = -1;
    let pos = 0;
    for (let i = 0; i < text.length;) {
      const cp = text.codePointAt(i);
      const ch = String.fromCodePoint(cp);
      let kind = isCjkLetter(cp) ? "cjk" : (WORD_LETTER.test(ch) ? "word" : null);
      if (kind && cur && cur.kind === kind) {
        cur.text += ch;
      } else {
        if (cur) { out.push(cur); lastEnd = cur.pos + cur.text.length; }
        if (kind) {
          cur = { kind: kind, text: ch, pos: pos, attached: lastEnd === pos };
        } else {
          cur = null;
          lastEnd = -1;
        }
      }
      pos += ch.length;
      i += ch.length;
    }
    if (cur) out.push(cur);
    return out;
  }

  function isParticleRun(s, max, particles) {
    if (s === "") return true;
    if (max === 0) return false;
    for (let i = 0; i < particles.length; i++) {
      let p = particles[i];
      if (s.lastIndexOf(p, 0) === 0 && isParticleRun(s.slice(p.length), max - 1, particles)) return true;
    }
    return false;
  }

  // korean::particle_len(s) == len: up to two particles, maybe after 들.
  function isParticles(s, particles) {
    if (!s || !/^[\uAC00-\uD7A3]+$/.test(s)) return false;
    const tail = s.charAt(0) === "들" ? s.slice(1) : s;
    return isParticleRun(tail, 2, particles);
  }

  // Segments of a query or name, without particles glued to a word (CPU가).
  function querySegments(text, particles) {
    let out = [];
    let prev = null;
    segments(text).forEach(function (s) {
      const skip = s.attached && prev === "word" && s.kind === "cjk" && isParticles(s.text, particles);
      prev = s.kind;
      if (!skip) out.push(s);
    });
    return out;
  }

  function shardKey(token, prefixLen) {
    let c = token.codePointAt(0);
    // A CJK whole run goes with its first bigram (tokens.rs: shard_key).
    if (isCjkLetter(c)) return Array.from(token).slice(0, 2).join("");
    if (token.charAt(0) === "#" || token.charAt(0) === "@") return token;
    return Array.from(token).slice(0, prefixLen).join("");
  }

  function hash(key) {
    let h = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) {
      h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  function nameKey(s) {
    return s.normalize("NFC").replace(/[\s\-_·]/g, "").toLowerCase();
  }

  function initialOf(ch) {
    let c = ch.charCodeAt(0);
    if (c >= 0xAC00 && c <= 0xD7A3) return CHOSEONG.charAt(Math.floor((c - 0xAC00) / 588));
    return isCompatConsonant(ch) ? ch : "";
  }

