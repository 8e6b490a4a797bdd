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

  // ── engine.js: postings, matching, ranking, snippets (no DOM) ──

  // ── postings (search.rs: encode_doc / decode_postings) ──

  const DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  const DIGIT_CODE = new Int8Array(128).fill(-1);
  for (let d = 0; d < DIGITS.length; d++) DIGIT_CODE[DIGITS.charCodeAt(d)] = d;

  function Reader(s) { this.s = s; this.i = 0; }
  Reader.prototype.more = function () { return this.i < this.s.length; };
  Reader.prototype.next = function () {
    let s = this.s, i = this.i, v = 0, mul = 1;
    while (i < s.length) {
      let c = s.charCodeAt(i++), dv = c < 128 ? DIGIT_CODE[c] : -1;
      if (dv < 0) break;
      if (dv < 32) { this.i = i; return v + dv * mul; }
      v += (dv - 32) * mul;
      mul *= 32;
    }
    throw new Error("색인 파일이 올바르지 않습니다");
  };

  function varints(s) {
    let r = new Reader(s), out = [];
    while (r.more()) out.push(r.next());
    return out;
  }

  // One token's postings as flat arrays, one entry per (document, field),
  // sorted by key = document * 8 + field; the entry's positions are
  // pos[start .. start + count].
  function decodePostings(s) {
    if (s.charCodeAt(0) === 33) return decodeKeys(s);
    // Every entry takes at least one letter (its field head).
    const cap = s.length + 1;
    let key = new Int32Array(cap), start = new Int32Array(cap), count = new Int32Array(cap);
    let pos = new Int32Array(s.length);
    let n = 0, np = 0, r = new Reader(s), doc = -1;
    while (r.more()) {
      doc += r.next() + 1;
      for (;;) {
        const head = r.next();
        let c = head >>> 4, p = 0;
        key[n] = doc * 8 + ((head >>> 1) & 7);
        start[n] = np;
        count[n] = c;
        for (let j = 0; j < c; j++) { p = j === 0 ? r.next() : p + r.next(); pos[np++] = p; }
        n++;
        if ((head & 1) === 0) break;
      }
    }
    return { n: n, key: key, start: start, count: count, pos: pos };
  }

  // Postings of a token without positions (codec.rs: term_only): "!", then
  // each entry's key, the first as is and the others as the difference from
  // the previous key minus one.
  function decodeKeys(s) {
    const cap = s.length;
    let key = new Int32Array(cap), start = new Int32Array(cap), count = new Int32Array(cap);
    let n = 0, r = new Reader(s), k = -1;
    r.i = 1;
    while (r.more()) {
      k = n === 0 ? r.next() : k + r.next() + 1;
      key[n++] = k;
    }
    return { n: n, key: key, start: start, count: count, pos: new Int32Array(0) };
  }

  const NO_POSTINGS = decodePostings("");

  // Matches of a query part: entries sorted by key (document * 8 + field),
  // each with its spans [s, e) (none when matched by a token that keeps no
  // positions) and whether a whole word matched.
  function Matches() {
    this.key = []; this.exact = []; this.first = []; this.count = []; this.s = []; this.e = [];
  }
  Matches.prototype.entry = function (key, exact) {
    this.key.push(key); this.exact.push(exact); this.first.push(this.s.length); this.count.push(0);
  };
  Matches.prototype.span = function (s, e) {
    this.s.push(s); this.e.push(e); this.count[this.count.length - 1]++;
  };
  Matches.prototype.spans = function (i) {
    let out = [];
    for (let k = this.first[i]; k < this.first[i] + this.count[i]; k++) out.push([this.s[k], this.e[k]]);
    return out;
  };

  function hasPosIn(pos, from, to, x) {
    let lo = from, hi = to - 1;
    while (lo <= hi) {
      let mid = (lo + hi) >> 1;
      if (pos[mid] === x) return true;
      if (pos[mid] < x) lo = mid + 1; else hi = mid - 1;
    }
    return false;
  }

  // Index of the entry with `key` at or after cursor `at`, or -1.
  function seek(list, at, key) {
    while (at.i < list.n && list.key[at.i] < key) at.i++;
    return at.i < list.n && list.key[at.i] === key ? at.i : -1;
  }

  // Starts of the bigrams that cover n letters: 0, 2, 4, … and n-2. Bigrams
  // at those places spell the whole run; the ones between add nothing.
  function covering(n) {
    let out = [];
    for (let i = 0; i + 1 < n; i += 2) out.push(i);
    if (n >= 3 && n % 2 === 1) out.push(n - 2);
    return out;
  }


  // ── the engine: query → ranked results (no DOM) ──

  // Text of UTF-8 bytes.
  let decoder = null;
  function utf8(bytes) {
    if (!decoder) decoder = new TextDecoder("utf-8");
    return decoder.decode(bytes);
  }

  // A unit as a pack stores it (files.rs: compressed_unit): zlib in
  // base64 → the value of its JSON.
  function inflate(b64) {
    const bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream).text().then(JSON.parse);
  }

  // loadFile(name) → Promise of { kind, number, stamp, lengths, data }: a
  // whole file, run as a script (works from file://). loadBytes(name, from,
  // to), when given (over HTTP) → Promise of { bytes, whole }: the bytes
  // from..to of a file by range, or the whole file (whole: true) when the
  // server answers a range with all of it.
  function createEngine(loadFile, loadBytes) {
    let meta = null, metaPromise = null;
    const packs = new Map(), heads = new Map(), units = new Map(), postingCache = new Map();
    // The text fragment of note i is unit "frags:i", of term t "frags:" +
    // (notes + t).
    // headSizes[kind][p]: bytes of the first line of pack p.
    let noteStarts = [], conceptFile = [], headSizes = {};

    function ready() {
      if (!metaPromise) {
        metaPromise = loadFile("meta.js").then(function (f) {
          if (!f.data || f.data.v !== FORMAT_VERSION) throw new Error("검색 색인의 형식이 이 검색 스크립트와 맞지 않습니다");
          meta = f.data;
          noteStarts = [0];
          varints(meta.docs).forEach(function (n) { noteStarts.push(noteStarts[noteStarts.length - 1] + n); });
          conceptFile = varints(meta.concepts);
          headSizes = {};
          Object.keys(meta.heads || {}).forEach(function (k) { headSizes[k] = varints(meta.heads[k]); });
          return meta;
        });
        metaPromise.catch(function () { metaPromise = null; });
      }
      return metaPromise;
    }

    // Each file's stamp (a hash of its data) as meta.js expects it:
    // STAMP_LEN letters per file, in file order per kind. A file whose own
    // stamp differs is one of another build.
    function stampOf(kind, p) {
      const all = (meta.stamps && meta.stamps[kind]) || "";
      return all.substr(p * STAMP_LEN, STAMP_LEN);
    }

    // Units (postings shards, groups of glossary concepts, text fragments)
    // come in pack files of meta.per[kind] consecutive ones. From file://
    // a pack is loaded whole, as a script.
    function packName(kind, p) { return kind + "-" + p + ".js?v=" + stampOf(kind, p); }

    function pack(kind, p) {
      const key = kind + ":" + p;
      if (!packs.has(key)) {
        const expected = stampOf(kind, p);
        const q = loadFile(packName(kind, p)).then(function (f) {
          if (f.stamp !== expected) throw new Error("stale");
          return f.data;
        });
        q.catch(function () { packs.delete(key); });
        packs.set(key, q);
      }
      return packs.get(key);
    }

    // Over HTTP a pack's first line, read by range:
    // gongbuSearch("kind",number,"stamp","lengths",[ with each unit's byte
    // length; unit k starts after the line and the units before it, each
    // followed by two bytes (files.rs: pack_file).
    function head(kind, p) {
      const key = kind + ":" + p;
      if (!heads.has(key)) {
        const expected = stampOf(kind, p), name = packName(kind, p);
        const q = ranged(firstLine(name, (headSizes[kind] || [])[p] || 1024).then(function (r) {
          const parts = r.line.split('"');
          if (parts[3] !== expected) throw new Error("stale");
          const lens = varints(parts[5] || ""), starts = [];
          let at = r.end;
          lens.forEach(function (n) { starts.push(at); at += n + 2; });
          return { name: name, lens: lens, starts: starts, whole: r.whole };
        }));
        q.catch(function () { heads.delete(key); });
        heads.set(key, q);
      }
      return heads.get(key);
    }

    function firstLine(name, size) {
      return loadBytes(name, 0, size).then(function (r) {
        const nl = r.bytes.indexOf(10);
        if (nl < 0) {
          if (!r.whole && r.bytes.length >= size) return firstLine(name, size * 8);
          throw new Error("range");
        }
        return { line: utf8(r.bytes.subarray(0, nl)), end: nl + 1, whole: r.whole ? r.bytes : null };
      });
    }

    // Consecutive units first..last of pack p (indices within the pack),
    // in one range read over HTTP.
    function readRun(kind, p, run) {
      const per = meta.per[kind];
      if (!loadBytes) {
        return pack(kind, p).then(function (list) {
          return Promise.all(run.map(function (i) { return inflate(list[i % per]); }));
        });
      }
      return ranged(head(kind, p).then(function (h) {
        const first = run[0] % per, last = run[run.length - 1] % per;
        if (last >= h.lens.length) throw new Error("range");
        const from = h.starts[first], to = h.starts[last] + h.lens[last];
        const got = h.whole ? Promise.resolve({ bytes: h.whole, whole: true }) : loadBytes(h.name, from, to);
        return got.then(function (r) {
          if (r.whole) h.whole = r.bytes;
          const base = r.whole ? 0 : from;
          if (r.bytes.length < to - base) throw new Error("range");
          return Promise.all(run.map(function (i) {
            const k = i % per;
            // A JSON string: drop its quotes.
            return inflate(utf8(r.bytes.subarray(h.starts[k] - base + 1, h.starts[k] + h.lens[k] - base - 1)));
          }));
        });
      }));
    }

    // A failed range read: "stale" when a first line's stamp is not the one
    // meta.js lists, else "range" (a server or proxy that mangles ranges,
    // or a file changed between two reads).
    function ranged(q) {
      return q.catch(function (e) { throw e && e.message === "stale" ? e : new Error("range"); });
    }

    // Units named "kind:i", all at once: those of one pack standing next to
    // each other are read together.
    function loadUnits(keys) {
      const runs = new Map();
      Array.from(new Set(keys)).filter(function (key) { return !units.has(key); }).forEach(function (key) {
        const at = key.indexOf(":"), kind = key.slice(0, at), i = Number(key.slice(at + 1));
        const pk = kind + ":" + Math.floor(i / meta.per[kind]);
        if (!runs.has(pk)) runs.set(pk, { kind: kind, p: Math.floor(i / meta.per[kind]), ids: [] });
        runs.get(pk).ids.push(i);
      });
      runs.forEach(function (g) {
        g.ids.sort(function (a, b) { return a - b; });
        let run = [];
        const flush = function () {
          if (!run.length) return;
          const list = run, q = readRun(g.kind, g.p, list);
          list.forEach(function (i, j) {
            const key = g.kind + ":" + i, one = q.then(function (all) { return all[j]; });
            one.catch(function () { units.delete(key); });
            units.set(key, one);
          });
          run = [];
        };
        g.ids.forEach(function (i) {
          if (run.length && i !== run[run.length - 1] + 1) flush();
          run.push(i);
        });
        flush();
      });
      return Promise.all(keys.map(function (key) { return units.get(key); }));
    }

    function shardOf(token) { return hash(shardKey(token, meta.prefix)) % meta.shards; }

    // The file holding a token's postings, as "kind:number".
    function fileOf(token) {
      if (token.charAt(0) === "@") {
        const f = conceptFile[Number(token.slice(1))];
        if (f !== undefined) return "concepts:" + f;
      }
      return "shards:" + shardOf(token);
    }


    // Postings of one token from its loaded file.
    function postings(data, token) {
      if (postingCache.has(token)) return postingCache.get(token);
      const map = data[fileOf(token)];
      let s = map && Object.prototype.hasOwnProperty.call(map, token) ? map[token] : "";
      let p = s ? decodePostings(s) : NO_POSTINGS;
      postingCache.set(token, p);
      return p;
    }

    function stemOf(word) {
      // The shortest stem of two or more syllables whose rest is particles.
      let chars = Array.from(word);
      if (!/^[\uAC00-\uD7A3]+$/.test(word)) {
        let segs = segments(word);
        let last = segs[segs.length - 1];
        if (segs.length > 1 && last.kind === "cjk" && last.attached && isParticles(last.text, meta.particles)) {
          return word.slice(0, last.pos);
        }
        return word;
      }
      for (let k = 2; k < chars.length; k++) {
        if (isParticles(chars.slice(k).join(""), meta.particles)) return chars.slice(0, k).join("");
      }
      return word;
    }

    function termFor(words) {
      let key = nameKey(words.join(""));
      if (Object.prototype.hasOwnProperty.call(meta.names, key)) return meta.names[key];
      let last = words[words.length - 1];
      let chars = Array.from(last);
      for (let k = chars.length - 1; k >= 1; k--) {
        if (!isParticles(chars.slice(k).join(""), meta.particles)) continue;
        const cut = words.slice(0, -1).concat([chars.slice(0, k).join("")]);
        key = nameKey(cut.join(""));
        if (Object.prototype.hasOwnProperty.call(meta.names, key)) return meta.names[key];
      }
      return -1;
    }

    function wordConcept(text) {
      let segs = querySegments(text, meta.particles).map(function (s) {
        if (s.kind === "word") {
          let w = s.text.toLowerCase();
          return { kind: "word", text: w, prefix: Array.from(w).length >= meta.prefix };
        }
        let chars = Array.from(s.text), at = [], off = 0, grams = [], offs = [];
        chars.forEach(function (c) { at.push(off); off += c.length; });
        if (chars.length === 1) { grams.push(chars[0]); offs.push(0); }
        covering(chars.length).forEach(function (i) { grams.push(chars[i] + chars[i + 1]); offs.push(at[i]); });
        return { kind: "cjk", text: s.text, grams: grams, offs: offs, len: s.text.length, unigram: chars.length === 1,
          whole: chars.length >= 3 && chars.length <= meta.maxWord ? s.text : null };
      });
      if (!segs.length) return null;
      return { kind: "word", segs: segs, needles: segs.map(function (s) { return s.text; }) };
    }

    // query → { mode, concepts }
    function analyze(query) {
      // A pasted paragraph is not a query: its first words are enough.
      let q = query.normalize("NFC").trim().split(/\s+/).slice(0, MAX_QUERY_WORDS).join(" ");
      if (!q) return { mode: "empty", concepts: [] };
      const letters = q.replace(/\s+/g, "");
      if (Array.from(letters).every(isCompatConsonant)) {
        let cho = Array.from(letters), tokens = [], offs = [];
        if (cho.length === 1) { tokens.push("#" + cho[0]); offs.push(0); }
        covering(cho.length).forEach(function (i) { tokens.push("#" + cho[i] + cho[i + 1]); offs.push(i); });
        return { mode: "initial", concepts: [{ kind: "initial", letters: letters, tokens: tokens, offs: offs, needles: [] }] };
      }
      const words = q.split(/\s+/), concepts = [];
      for (let at = 0; at < words.length;) {
        let found = false;
        for (let len = Math.min(4, words.length - at); len >= 1 && !found; len--) {
          let t = termFor(words.slice(at, at + len));
          if (t >= 0) {
            concepts.push({ kind: "term", term: t, token: "@" + t, needles: meta.termNames[t] || [] });
            at += len;
            found = true;
          }
        }
        if (found) continue;
        let c = wordConcept(stemOf(words[at]));
        if (c) concepts.push(c);
        at += 1;
      }
      return { mode: concepts.length ? "words" : "empty", concepts: concepts };
    }

    function tokensOf(concept) {
      if (concept.kind === "term") return [concept.token];
      if (concept.kind === "initial") return concept.tokens;
      let out = [];
      concept.segs.forEach(function (s) {
        if (s.kind === "word") out.push(s.text);
        else { out = out.concat(s.grams); if (s.whole) out.push(s.whole); }
      });
      return out;
    }

    function fromPostings(list, len, exact) {
      let m = new Matches();
      for (let i = 0; i < list.n; i++) {
        m.entry(list.key[i], exact);
        for (let k = list.start[i]; k < list.start[i] + list.count[i]; k++) m.span(list.pos[k], list.pos[k] + len);
      }
      return m;
    }

    function segmentMatches(data, seg) {
      if (seg.kind === "word") {
        const map = data[fileOf(seg.text)];
        let tokens = seg.prefix ? Object.keys(map).filter(function (t) { return t.lastIndexOf(seg.text, 0) === 0; })
          : (map[seg.text] ? [seg.text] : []);
        if (tokens.length === 1) return fromPostings(postings(data, tokens[0]), tokens[0].length, tokens[0] === seg.text);
        // Several completions: merge their entries by key.
        const all = [];
        tokens.forEach(function (t) {
          let list = postings(data, t);
          for (let i = 0; i < list.n; i++) all.push({ key: list.key[i], list: list, i: i, len: t.length, exact: t === seg.text });
        });
        all.sort(function (a, b) { return a.key - b.key; });
        let m = new Matches();
        for (let a = 0; a < all.length;) {
          let b = a, exact = false, spans = [];
          for (; b < all.length && all[b].key === all[a].key; b++) {
            const x = all[b];
            exact = exact || x.exact;
            for (let k = x.list.start[x.i]; k < x.list.start[x.i] + x.list.count[x.i]; k++) {
              spans.push([x.list.pos[k], x.list.pos[k] + x.len]);
            }
          }
          spans.sort(function (p, q) { return p[0] - q[0]; });
          m.entry(all[a].key, exact);
          spans.forEach(function (sp) { m.span(sp[0], sp[1]); });
          a = b;
        }
        return m;
      }
      let lists = seg.grams.map(function (g) { return postings(data, g); });
      const whole = seg.whole ? postings(data, seg.whole) : null;
      let first = lists[0], cursors = lists.map(function () { return { i: 0 }; }), wc = { i: 0 };
      let out = new Matches();
      entries: for (let i = 0; i < first.n; i++) {
        let key = first.key[i], found = [];
        for (let l = 1; l < lists.length; l++) {
          let j = seek(lists[l], cursors[l], key);
          if (j < 0) continue entries;
          found.push(j);
        }
        // Unigrams and whole runs keep no positions (keeps_positions).
        let exact = whole ? seek(whole, wc, key) >= 0 : false;
        if (seg.unigram) { out.entry(key, exact); continue; }
        let opened = false;
        for (let k = first.start[i]; k < first.start[i] + first.count[i]; k++) {
          let s = first.pos[k], ok = true;
          for (let q = 1; q < lists.length && ok; q++) {
            const L = lists[q], e = found[q - 1];
            ok = hasPosIn(L.pos, L.start[e], L.start[e] + L.count[e], s + seg.offs[q]);
          }
          if (!ok) continue;
          if (!opened) { out.entry(key, exact); opened = true; }
          out.span(s, s + seg.len);
        }
      }
      return out;
    }

    function conceptMatches(data, concept) {
      if (concept.kind === "term") return fromPostings(postings(data, concept.token), 0, true);
      if (concept.kind === "initial") {
        if (concept.tokens.length === 1) return fromPostings(postings(data, concept.tokens[0]), 0, true);
        return segmentMatches(data, { kind: "cjk", grams: concept.tokens, offs: concept.offs, len: concept.letters.length, whole: null, unigram: false });
      }
      let current = null;
      concept.segs.forEach(function (seg) {
        const next = segmentMatches(data, seg);
        if (!current) { current = next; return; }
        let joined = new Matches(), at = 0;
        for (let i = 0; i < current.key.length; i++) {
          while (at < next.key.length && next.key[at] < current.key[i]) at++;
          if (at >= next.key.length || next.key[at] !== current.key[i]) continue;
          let exact = current.exact[i] && next.exact[at];
          if (!current.count[i] || !next.count[at]) {
            // Without positions on one side, being in the same field has to do.
            joined.entry(current.key[i], exact);
            continue;
          }
          let opened = false;
          for (let a = current.first[i]; a < current.first[i] + current.count[i]; a++) {
            for (let b = next.first[at]; b < next.first[at] + next.count[at]; b++) {
              const g = next.s[b] - current.e[a];
              if (g >= 0 && g <= NAME_WORD_GAP) {
                if (!opened) { joined.entry(current.key[i], exact); opened = true; }
                joined.span(current.s[a], next.e[b]);
                break;
              }
            }
          }
        }
        current = joined;
      });
      return current || new Matches();
    }

    function fieldScore(field, count, exact) {
      let w = FIELD_WEIGHT[field];
      if (field === FIELD_BODY) w *= Math.min(1 + Math.log(Math.max(1, count)), BODY_TF_CAP);
      return exact ? w * 1.2 : w;
    }

    function noteOf(doc) {
      let lo = 0, hi = noteStarts.length - 2;
      if (doc >= noteStarts[noteStarts.length - 1]) return -1;
      while (lo < hi) {
        let mid = (lo + hi + 1) >> 1;
        if (noteStarts[mid] <= doc) lo = mid; else hi = mid - 1;
      }
      return lo;
    }

    // Smallest distance between matches of every concept in one field.
    function proximityWindow(lists) {
      let idx = lists.map(function () { return 0; }), best = Infinity;
      for (;;) {
        let lo = Infinity, hi = -Infinity, which = -1;
        for (let i = 0; i < lists.length; i++) {
          let v = lists[i][idx[i]][0];
          if (v < lo) { lo = v; which = i; }
          if (v > hi) hi = v;
        }
        best = Math.min(best, hi - lo);
        idx[which]++;
        if (idx[which] >= lists[which].length) return best;
      }
    }

    // Ranked documents, one per note (its best document) and one per term.
    // The matches of every concept are sorted by document, so one merging
    // pass sees each document once, in order, with all its entries.
    function rank(concepts, matches, partial) {
      let C = concepts.length, m, c, i;
      // Title and tag matches count for every part of the note.
      const noteLevel = new Map();
      for (c = 0; c < C; c++) {
        m = matches[c];
        for (i = 0; i < m.key.length; i++) {
          const f = m.key[i] & 7;
          if (f !== FIELD_TITLE && f !== FIELD_TAGS) continue;
          let n0 = noteOf(Math.floor(m.key[i] / 8)), l = noteLevel.get(n0);
          if (!l) { l = []; for (let z = 0; z < C; z++) l.push(0); noteLevel.set(n0, l); }
          l[c] = Math.max(l[c], fieldScore(f, m.count[i], m.exact[i]));
        }
      }
      // Per concept: document and score of each entry, as typed arrays.
      const docOf = [], scoreOf = [], lens = [];
      for (c = 0; c < C; c++) {
        m = matches[c];
        let len = m.key.length, d = new Int32Array(len), sc = new Float64Array(len);
        for (i = 0; i < len; i++) {
          d[i] = m.key[i] >> 3;
          sc[i] = fieldScore(m.key[i] & 7, m.count[i], m.exact[i]);
        }
        docOf.push(d); scoreOf.push(sc); lens.push(len);
      }
      let cursor = new Int32Array(C), scores = new Float64Array(C), out = [];
      let note = -1, noteBest = null, lastNote = noteStarts.length - 2;
      let termStart = noteStarts[noteStarts.length - 1];
      for (;;) {
        let doc = 2147483647;
        for (c = 0; c < C; c++) {
          if (cursor[c] < lens[c] && docOf[c][cursor[c]] < doc) doc = docOf[c][cursor[c]];
        }
        if (doc === 2147483647) break;
        const ents = [];
        for (c = 0; c < C; c++) {
          scores[c] = 0;
          const dc = docOf[c], sc2 = scoreOf[c];
          while (cursor[c] < lens[c] && dc[cursor[c]] === doc) {
            i = cursor[c]++;
            if (sc2[i] > scores[c]) scores[c] = sc2[i];
            ents.push(c, i);
          }
        }
        while (note < lastNote && noteStarts[note + 1] <= doc) {
          note++;
          if (noteBest) { out.push(noteBest); noteBest = null; }
        }
        const isTerm = doc >= termStart;
        const level = isTerm ? null : noteLevel.get(note);
        let score = 0, matched = 0;
        for (c = 0; c < C; c++) {
          let v = level && level[c] > scores[c] ? level[c] : scores[c];
          if (v > 0) matched++;
          score += v;
        }
        if (matched === 0 || (!partial && matched < C)) continue;
        if (C > 1) score += proximity(matches, ents, C);
        const hit = { doc: doc, note: isTerm ? -1 : note, score: score, matched: matched, ents: ents };
        if (isTerm) out.push(hit);
        else if (!noteBest || score > noteBest.score) noteBest = hit;
      }
      if (noteBest) out.push(noteBest);
      out.sort(function (a, b) {
        return (b.score - a.score) || ((a.note < 0 ? 0 : 1) - (b.note < 0 ? 0 : 1)) || (a.doc - b.doc);
      });
      return out;
    }

    // Bonus for concepts standing close together in one field.
    function proximity(matches, ents, C) {
      let bonus = 0;
      [FIELD_TITLE, FIELD_HEADING, FIELD_BODY, FIELD_TERM].forEach(function (f) {
        let lists = [];
        for (let c = 0; c < C; c++) lists.push(null);
        for (let k = 0; k < ents.length; k += 2) {
          let m = matches[ents[k]], i = ents[k + 1];
          if ((m.key[i] & 7) === f && m.count[i]) lists[ents[k]] = m.spans(i);
        }
        if (lists.every(Boolean)) bonus += 50 * C / (1 + proximityWindow(lists) / 10);
      });
      return bonus;
    }

    // Spans in the body of a ranked document, for its snippet.
    function bodySpans(hit, matches) {
      let out = [];
      for (let k = 0; k < hit.ents.length; k += 2) {
        let m = matches[hit.ents[k]], i = hit.ents[k + 1];
        if ((m.key[i] & 7) === FIELD_BODY) out = out.concat(m.spans(i));
      }
      return out;
    }

    // The text fragment unit of a ranked document: its note, or its
    // term after the notes.
    function owner(hit) {
      return hit.note < 0 ? meta.notes + hit.doc - noteStarts[noteStarts.length - 1] : hit.note;
    }

    // A term's text from its loaded concept file ("=N"), or null.
    function termText(data, hit) {
      if (hit.note >= 0) return null;
      const t = owner(hit) - meta.notes, c = data["concepts:" + conceptFile[t]];
      return c && Object.prototype.hasOwnProperty.call(c, "=" + t) ? c["=" + t] : null;
    }

    // The stored text of `doc` from its fragment (or, for a term, its
    // concept file when loaded).
    function describe(hit, frag, data, needles, concepts) {
      if (hit.note < 0) {
        let t = termText(data, hit) || frag;
        if (!t) return null;
        return {
          kind: "term", title: t[0], href: t[1], section: "", names: t[2],
          snippet: snippet(t[3], [], needles), titleMarks: marks(t[0], needles, concepts)
        };
      }
      const note = frag, docs = note ? note[3] : [];
      const d = docs[hit.doc - noteStarts[hit.note]];
      if (!d) return null;
      // A head with no text of its own: show the first section's text.
      const text = d[2] || (!d[0] && docs[1] ? docs[1][2] : "");
      return {
        kind: "note", title: note[0], href: note[1] + (d[0] ? "#" + d[0] : ""), section: d[1], tags: note[2],
        snippet: snippet(text, d[2] ? hit.body : [], needles), titleMarks: marks(note[0], needles, concepts),
        sectionMarks: marks(d[1], needles, concepts)
      };
    }

    function search(query, opts) {
      opts = opts || {};
      const limit = opts.limit || 10, offset = opts.offset || 0;
      return ready().then(function () {
        const plan = analyze(query);
        if (plan.mode === "empty") return { query: query, mode: plan.mode, total: 0, partial: false, results: [] };
        let tokens = [];
        plan.concepts.forEach(function (c) { tokens = tokens.concat(tokensOf(c)); });
        const ids = Array.from(new Set(tokens.map(fileOf)));
        return loadUnits(ids).then(function (loaded) {
          const data = {};
          ids.forEach(function (id, i) { data[id] = loaded[i]; });
          const matches = plan.concepts.map(function (c) { return conceptMatches(data, c); });
          let partial = false;
          let ranked = rank(plan.concepts, matches, false);
          if (!ranked.length && plan.concepts.length > 1) { ranked = rank(plan.concepts, matches, true); partial = ranked.length > 0; }
          const page = ranked.slice(offset, offset + limit);
          page.forEach(function (h) { h.body = bodySpans(h, matches); });
          let needles = [];
          plan.concepts.forEach(function (c) { needles = needles.concat(c.needles); });
          const fis = Array.from(new Set(page.filter(function (h) { return !termText(data, h); }).map(owner)));
          return loadUnits(fis.map(function (fi) { return "frags:" + fi; })).then(function (frags) {
            const byIndex = new Map();
            fis.forEach(function (fi, i) { byIndex.set(fi, frags[i]); });
            let results = page.map(function (h) {
              let r = describe(h, byIndex.get(owner(h)), data, needles, plan.concepts);
              if (r) r.score = h.score;
              return r;
            }).filter(Boolean);
            return { query: query, mode: plan.mode, total: ranked.length, partial: partial, results: results };
          });
        });
      }).catch(function (e) {
        const why = e && e.message, tries = opts.tries || 0;
        if ((why !== "stale" && why !== "range") || tries >= 2) throw e;
        // A file of another build: read the index again. Ranges that do not
        // read (or a stale file twice): whole packs, as scripts, from now on.
        if (loadBytes && (why === "range" || tries === 1)) loadBytes = null;
        reset(true);
        return search(query, Object.assign({}, opts, { tries: tries + 1 }));
      });
    }

    function reset(bust) {
      meta = null; metaPromise = null;
      packs.clear(); heads.clear(); units.clear(); postingCache.clear();
      if (bust && loadFile.bust) loadFile.bust();
    }

    return { ready: ready, search: search, analyze: function (q) { return ready().then(function () { return analyze(q); }); } };
  }

  // ── snippets and highlights ──

  // Ranges of `text` where a needle stands (case-insensitive); for 초성
  // queries the letters whose initial consonants spell the query.
  function marks(text, needles, concepts) {
    let out = [];
    if (!text) return out;
    const initial = concepts && concepts[0] && concepts[0].kind === "initial" ? concepts[0].letters : "";
    if (initial) {
      let cho = "", at = [];
      for (let i = 0; i < text.length; i++) {
        let c = initialOf(text.charAt(i));
        if (c) { cho += c; at.push(i); }
      }
      let k = cho.indexOf(initial);
      if (k >= 0) out.push([at[k], at[k + initial.length - 1] + 1]);
      return out;
    }
    let lower = text.toLowerCase();
    if (lower.length !== text.length) lower = text;
    needles.forEach(function (n) {
      const needle = n.normalize("NFC").toLowerCase();
      if (!needle) return;
      for (let from = 0; ;) {
        let p = lower.indexOf(needle, from);
        if (p < 0) break;
        out.push([p, p + needle.length]);
        from = p + needle.length;
      }
    });
    out.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    const merged = [];
    out.forEach(function (r) {
      let last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    });
    return merged;
  }

  const SNIPPET_LEN = 140;

  // About SNIPPET_LEN letters of `text` around the first match.
  function snippet(text, hits, needles) {
    if (!text) return { text: "", marks: [] };
    let first = hits.length ? Math.min.apply(null, hits.map(function (h) { return h[0]; })) : -1;
    if (first < 0) {
      let m = marks(text, needles);
      first = m.length ? m[0][0] : 0;
    }
    let start = Math.max(0, first - 40);
    if (start > 0) {
      const space = text.lastIndexOf(" ", start + 10);
      if (space > start - 20 && space < first) start = space + 1;
    }
    const end = Math.min(text.length, start + SNIPPET_LEN);
    const body = text.slice(start, end);
    const prefix = start > 0 ? "… " : "", suffix = end < text.length ? " …" : "";
    let out = prefix + body + suffix;
    const ranges = marks(body, needles).map(function (r) { return [r[0] + prefix.length, r[1] + prefix.length]; });
    return { text: out, marks: ranges };
  }

  const api = {
    createEngine: createEngine,
    segments: segments,
    isParticles: isParticles,
    shardKey: shardKey,
    hash: hash,
    nameKey: nameKey,
    decodePostings: decodePostings,
    marks: marks
  };
  global.gongbuSearchEngine = api;
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
