#!/bin/sh
# make bench: kpipe against poppler's own pdftotext on the same corpora.
#   - the five Calc/Chromium fixtures joined (qpdf) over and over and cut to
#     130, 1,300 and 5,000 pages, and a corpus of 130 pages mixing every
#     fixture family;
#   - for each, `pdftotext -layout`, `kpipe extract` (default -j: pages read
#     by one process a core) and `kpipe extract -j 1`, runs alternating in
#     one session: median wall time, processor time (user + system, readers
#     included) and peak RSS (the largest process, /usr/bin/time %M), the
#     ratio of kpipe's wall time to pdftotext's, and milliseconds a page;
#     then the peak RSS of kpipe's own process and of its largest page
#     reader apart, at 130 and 5,000 pages;
#   - a batch of files with -j 1 against -j 2; the database; scanned pages.
# Usage: sh tests/bench.sh BUILD_DIR [RUNS]
set -eu
build=${1:-build}
runs=${2:-7}
kpipe=$build/kpipe
dir=$build/bench
rm -rf "$dir"
mkdir -p "$dir/batch"

set -- fixtures/ebetsu-kpi-r4.calc.pdf fixtures/ebetsu-kpi-r4.chromium.pdf \
       fixtures/ebetsu-kpi-r5.calc.pdf fixtures/hokushin-kpi-h30.calc.pdf \
       fixtures/hokushin-kpi-h30.chromium.pdf
# copies N: the five fixtures N times over
copies() { n=$1; shift; i=0; while [ "$i" -lt "$n" ]; do printf '%s\n' "$@"; i=$((i + 1)); done; }
join_pdfs() { out=$1; shift; qpdf --empty --pages "$@" -- "$out"; }
pages_of() { pdfinfo "$1" | awk '/^Pages:/ { print $2 }'; }
set_pages=0
for f in "$@"; do set_pages=$((set_pages + $(pages_of "$f"))); done
# first_pages N OUT PDF...: the PDFs joined as often as it takes, cut to N pages
# (sh has no local variables: copies and join_pdfs set n and out)
first_pages() {
    first_n=$1 first_out=$2
    shift 2
    # shellcheck disable=SC2046
    join_pdfs "$dir/joined.pdf" $(copies $(( (first_n + set_pages - 1) / set_pages )) "$@")
    qpdf --empty --pages "$dir/joined.pdf" "1-$first_n" -- "$first_out"
    rm -f "$dir/joined.pdf"
}
first_pages 130 "$dir/corpus.pdf" "$@"
first_pages 1300 "$dir/corpus1300.pdf" "$@"
first_pages 5000 "$dir/corpus5000.pdf" "$@"
# shellcheck disable=SC2046
join_pdfs "$dir/families-all.pdf" $(copies 3 fixtures/*.pdf fixtures/families/*.pdf)
qpdf --empty --pages "$dir/families-all.pdf" 1-130 -- "$dir/families.pdf"
i=0
for copy in 1 2 3 4; do
    for f in "$@"; do
        i=$((i + 1))
        cp "$f" "$dir/batch/file$i.pdf"
    done
done

now() { date +%s.%N; }
# seconds COMMAND...: the wall time of one run
seconds() {
    t0=$(now)
    "$@" >/dev/null 2>&1
    t1=$(now)
    echo "$t1 - $t0" | bc -l
}
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ratio() { echo "scale=2; $1 / $2" | bc -l; }
# measure FILE COMMAND...: appends "wall cpu rss_kb" of one run to FILE
measure() {
    out=$1; shift
    /usr/bin/time -f "%e %U %S %M" -o "$dir/time.one" "$@" >/dev/null 2>&1 || true
    awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$dir/time.one" >>"$out"
}
column_median() { awk -v c="$2" '{ print $c }' "$1" | median; }

# corpus NAME PDF RUNS: the three commands on PDF, alternating, RUNS times
corpus() {
    name=$1 pdf=$2 n=$3
    np=$(pages_of "$pdf")
    : >"$dir/m.pdftotext"; : >"$dir/m.extract"; : >"$dir/m.extract1"
    for r in $(seq "$n"); do
        measure "$dir/m.pdftotext" pdftotext -layout "$pdf" "$dir/out.txt"
        measure "$dir/m.extract" "$kpipe" extract "$pdf" -o "$dir/out.json"
        measure "$dir/m.extract1" "$kpipe" extract -j 1 "$pdf" -o "$dir/out1.json"
    done
    p=$(column_median "$dir/m.pdftotext" 1)
    echo "  $name, $n runs:"
    for m in pdftotext extract extract1; do
        w=$(column_median "$dir/m.$m" 1)
        c=$(column_median "$dir/m.$m" 2)
        k=$(column_median "$dir/m.$m" 3)
        case $m in
            pdftotext) label="pdftotext -layout " ;;
            extract) label="kpipe extract     " ;;
            extract1) label="kpipe extract -j 1" ;;
        esac
        printf '    %s wall %6.2f s  (%.2f× pdftotext)  CPU %6.2f s  peak RSS %6d KB  %5.2f ms a page\n' \
            "$label" "$w" "$(ratio "$w" "$p")" "$c" "$k" "$(echo "1000 * $w / $np" | bc -l)"
        echo "$name $m $np $w $c $k" >>"$dir/summary"
    done
}

# process_peaks COMMAND...: "parent_kb reader_kb", the peak RSS (VmHWM) of
# the command's own process and of the largest of its children (the page
# readers), looked at every 20 ms while it runs
process_peaks() {
    "$@" >/dev/null 2>&1 &
    pid=$!
    parent=0 reader=0
    while kill -0 "$pid" 2>/dev/null; do
        v=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
        [ -n "$v" ] && [ "$v" -gt "$parent" ] && parent=$v
        for c in $(cat /proc/"$pid"/task/*/children 2>/dev/null || true); do
            v=$(awk '/^VmHWM/ { print $2 }' "/proc/$c/status" 2>/dev/null || true)
            [ -n "$v" ] && [ "$v" -gt "$reader" ] && reader=$v
        done
        sleep 0.02
    done
    wait "$pid" || true
    echo "$parent $reader"
}

echo "kpipe bench: $runs runs each (fewer for the large corpora), alternating, $(nproc) cores"
: >"$dir/summary"
corpus "fixtures, 130 pages" "$dir/corpus.pdf" "$runs"
corpus "every fixture family, 130 pages" "$dir/families.pdf" "$runs"
corpus "fixtures, 1,300 pages" "$dir/corpus1300.pdf" "$(( (runs + 2) / 3 ))"
corpus "fixtures, 5,000 pages" "$dir/corpus5000.pdf" "$(( (runs + 2) / 3 ))"
echo "  peak RSS by process (kpipe's own; its largest page reader, where poppler keeps every page it opened):"
for pdf in corpus.pdf corpus5000.pdf; do
    for j in 1 2; do
        peaks=$(process_peaks "$kpipe" extract -j "$j" "$dir/$pdf" -o "$dir/peaks.json")
        printf '    %-15s -j %d: kpipe %6d KB, largest reader %6d KB\n' "$pdf" "$j" "${peaks% *}" "${peaks#* }"
    done
done
# the goals of issue #17, from the summary: wall ratios, and peak RSS and
# time a page from 130 to 5,000 pages
python3 - "$dir/summary" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    *name, cmd, pages, wall, cpu, rss = line.split()
    rows[(" ".join(name), cmd)] = (int(pages), float(wall), float(cpu), int(rss))
def r(name, cmd): return rows[(name, cmd)]
small, fam, big = "fixtures, 130 pages", "every fixture family, 130 pages", "fixtures, 5,000 pages"
print("  goals (issue #17):")
print("    extract / pdftotext: %.2f on %s (at most 1.0), %.2f on %s (at most 1.2)"
      % (r(small, "extract")[1] / r(small, "pdftotext")[1], small,
         r(fam, "extract")[1] / r(fam, "pdftotext")[1], fam))
for cmd, label in (("extract1", "-j 1"), ("extract", "default -j")):
    print("    peak RSS %s: %d KB at %d pages, %d KB at %d pages: %.2f× (at most 1.5)"
          % (label, r(small, cmd)[3], r(small, cmd)[0], r(big, cmd)[3], r(big, cmd)[0],
             r(big, cmd)[3] / r(small, cmd)[3]))
    a = r(small, cmd)[1] / r(small, cmd)[0]
    b = r(big, cmd)[1] / r(big, cmd)[0]
    print("    time a page %s: %.2f ms at %d pages, %.2f ms at %d pages: %+.0f %% (at most +10 %%)"
          % (label, 1000 * a, r(small, cmd)[0], 1000 * b, r(big, cmd)[0], 100 * (b / a - 1)))
PY

files=$(ls "$dir/batch" | wc -l)
: >"$dir/j1" ; : >"$dir/j2"
for r in $(seq "$runs"); do
    seconds "$kpipe" extract "$dir"/batch/*.pdf -d "$dir/out1" -j 1 >>"$dir/j1"
    seconds "$kpipe" extract "$dir"/batch/*.pdf -d "$dir/out2" -j 2 >>"$dir/j2"
done
j1=$(median <"$dir/j1")
j2=$(median <"$dir/j2")
echo "  batch of $files PDFs: -j 1 median $j1 s, -j 2 median $j2 s, speed-up $(ratio "$j1" "$j2")  (goal: at least 1.7 on 2 cores)"

# The database: 100 editions (the fixture PDFs, each copy made distinct by a
# comment after its end, as an edition's bytes are) ingested into a new
# database against the same extracted as a batch, then exported.
mkdir -p "$dir/editions"
i=0
while [ "$i" -lt 100 ]; do
    for f in "$@"; do
        [ "$i" -lt 100 ] || break
        i=$((i + 1))
        { cat "$f"; printf '%%kpipe-bench edition %d\n' "$i"; } >"$dir/editions/edition$i.pdf"
    done
done
: >"$dir/batchx" ; : >"$dir/ingest"
for r in $(seq "$runs"); do
    rm -rf "$dir/outx" "$dir/kpi.sqlite" "$dir/kpi.sqlite-wal" "$dir/kpi.sqlite-shm"
    seconds "$kpipe" extract "$dir"/editions/*.pdf -d "$dir/outx" >>"$dir/batchx"
    seconds "$kpipe" ingest "$dir"/editions/*.pdf --db "$dir/kpi.sqlite" >>"$dir/ingest"
done
bx=$(median <"$dir/batchx")
bi=$(median <"$dir/ingest")
echo "  100 editions: extract -d median $bx s, ingest median $bi s, ratio $(ratio "$bi" "$bx")  (goal: at most 1.2)"
: >"$dir/export"
for r in $(seq "$runs"); do
    seconds "$kpipe" export --db "$dir/kpi.sqlite" -o "$dir/export.csv" >>"$dir/export"
done
echo "  export of $(sqlite3 "$dir/kpi.sqlite" 'select count(*) from figure') figures: median $(median <"$dir/export") s; database $(du -k "$dir/kpi.sqlite" | cut -f1) KB ($(sqlite3 "$dir/kpi.sqlite" 'select count(*) from document') documents)"

# Scanned pages read by OCR: the 300 dpi scans of the fixtures joined into
# one document, read with the default -j and with -j 1; seconds a page.
echo "scanned pages (OCR, 300 dpi):"
qpdf --empty --pages fixtures/scans/*.300dpi.pdf -- "$dir/scans.pdf"
scan_pages=$(pdfinfo "$dir/scans.pdf" | awk '/^Pages:/ { print $2 }')
: >"$dir/ocr" ; : >"$dir/ocr1"
for r in $(seq "$(( (runs + 1) / 2 ))"); do
    seconds "$kpipe" extract "$dir/scans.pdf" -o "$dir/scans.json" >>"$dir/ocr"
    seconds "$kpipe" extract -j 1 "$dir/scans.pdf" -o "$dir/scans.json" >>"$dir/ocr1"
done
oj=$(median <"$dir/ocr")
o1=$(median <"$dir/ocr1")
echo "  $scan_pages pages: default -j median $oj s ($(echo "$oj / $scan_pages" | bc -l | cut -c1-4) s a page), -j 1 median $o1 s ($(echo "$o1 / $scan_pages" | bc -l | cut -c1-4) s a page)  (aim: at most 2 s a page)"
