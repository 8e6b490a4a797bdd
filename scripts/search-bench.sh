#!/usr/bin/env bash
# Search benchmark: gongbu's index against Pagefind on the same generated site.
#
#   scripts/search-bench.sh [NOTES]        # default 10000 notes
#
# 1. generates the corpus (scripts/gen-corpus.py, deterministic) into $CORPUS
#    (default /tmp/search-corpus-N) unless it is there already;
# 2. builds it with the release binary into $OUT (default /tmp/search-out),
#    timed;
# 3. installs Pagefind locally ($PAGEFIND_DIR, default /tmp/search-bench-pagefind,
#    `npm install pagefind`) and indexes the same output (`pagefind --site`),
#    timed;
# 4. measures both in headless Chromium (scripts/search-bench.mjs): index size
#    on disk and gzip-compressed, bytes loaded per query, and time from query
#    to results, cold (fresh page) and warm (index already loaded), median of
#    several queries;
# 5. reports the files and gzip bytes a cold query loads without a browser
#    (scripts/search-bytes.mjs).
#
# Environment: GEN (a generator taking --notes N --out DIR; default the
# repository's scripts/gen-corpus.py, or ../shared/bench/gen_corpus.py to
# compare with the reference corpus), CHROMIUM (default /usr/bin/chromium),
# QUERIES (separated by |, overrides the default list), SKIP_BUILD=1 (reuse $OUT).
# The machine may be shared: compare only numbers of the same run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
notes=${1:-10000}
CORPUS=${CORPUS:-/tmp/search-corpus-$notes}
OUT=${OUT:-/tmp/search-out}
PAGEFIND_DIR=${PAGEFIND_DIR:-/tmp/search-bench-pagefind}
GEN=${GEN:-$repo/scripts/gen-corpus.py}

if [ ! -d "$CORPUS/notes" ]; then
  echo "== generate $notes notes into $CORPUS ($GEN)"
  python3 "$GEN" --notes "$notes" --out "$CORPUS" >/dev/null
fi

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "== cargo build --release"
  (cd "$repo" && cargo build --release -q)
  echo "== gongbu build (release)"
  rm -rf "$OUT"
  start=$(date +%s.%N)
  "$repo/target/release/gongbu" build --root "$CORPUS" --out "$OUT" >/tmp/search-bench-build.log 2>&1 || {
    tail -20 /tmp/search-bench-build.log >&2
    exit 1
  }
  end=$(date +%s.%N)
  echo "gongbu build: $(echo "$end - $start" | bc) s (whole site, search index included)"
  tail -1 /tmp/search-bench-build.log
fi

echo "== pagefind"
if [ ! -x "$PAGEFIND_DIR/node_modules/.bin/pagefind" ]; then
  mkdir -p "$PAGEFIND_DIR"
  (cd "$PAGEFIND_DIR" && { [ -f package.json ] || npm init -y >/dev/null; } && npm install --no-audit --no-fund --loglevel=error pagefind)
fi
rm -rf "$OUT/pagefind"
start=$(date +%s.%N)
(cd "$PAGEFIND_DIR" && npx pagefind --site "$OUT" >/tmp/search-bench-pagefind.log 2>&1) || {
  tail -20 /tmp/search-bench-pagefind.log >&2
  exit 1
}
end=$(date +%s.%N)
echo "pagefind --site: $(echo "$end - $start" | bc) s ($(npx --prefix "$PAGEFIND_DIR" pagefind --version 2>/dev/null || echo pagefind))"
grep -E "Indexed|pages|words" /tmp/search-bench-pagefind.log | head -5 || true

echo "== browser"
if [ ! -d "$repo/tests/browser/node_modules/playwright-core" ]; then
  (cd "$repo/tests/browser" && npm install --no-audit --no-fund --loglevel=error)
fi
node "$here/search-bench.mjs" "$OUT"

echo "== what a cold query loads (no browser)"
node "$here/search-bytes.mjs" "$OUT"
