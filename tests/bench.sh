#!/bin/sh
# make bench: kpipe against poppler's own pdftotext on the same corpus.
#   - a corpus of 100+ pages joined (qpdf) from the fixture PDFs, and one of 10;
#   - wall time of `kpipe extract` and `kpipe text` (default -j: pages read
#     by one process a core) against `pdftotext -layout`, and of
#     `kpipe extract -j 1`, runs alternating in one session, ratio of medians;
#   - peak RSS (/usr/bin/time -f %M) at 10 and at 100+ pages;
#   - a batch of files with -j 1 against -j 2.
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
qpdf --empty --pages "$@" "$@" "$@" "$@" "$@" -- "$dir/corpus.pdf"
qpdf --empty --pages "$dir/corpus.pdf" 1-10 -- "$dir/corpus10.pdf"
pages=$(pdfinfo "$dir/corpus.pdf" | awk '/^Pages:/ { print $2 }')
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

echo "kpipe bench: corpus of $pages pages ($dir/corpus.pdf), $runs runs each, alternating, $(nproc) cores"
: >"$dir/poppler" ; : >"$dir/extract" ; : >"$dir/text" ; : >"$dir/extract1"
for r in $(seq "$runs"); do
    seconds pdftotext -layout "$dir/corpus.pdf" "$dir/out.txt" >>"$dir/poppler"
    seconds "$kpipe" extract "$dir/corpus.pdf" -o "$dir/out.json" >>"$dir/extract"
    seconds "$kpipe" text "$dir/corpus.pdf" -o "$dir/out.tables.txt" >>"$dir/text"
    seconds "$kpipe" extract "$dir/corpus.pdf" -j 1 -o "$dir/out1.json" >>"$dir/extract1"
done
p=$(median <"$dir/poppler")
e=$(median <"$dir/extract")
t=$(median <"$dir/text")
echo "  pdftotext -layout  median $p s"
echo "  kpipe extract      median $e s   ratio $(ratio "$e" "$p")  (goal: at most 2)"
echo "  kpipe text         median $t s   ratio $(ratio "$t" "$p")"
e1=$(median <"$dir/extract1")
echo "  kpipe extract -j 1 median $e1 s   ratio $(ratio "$e1" "$p")  (one process)"

# Peak RSS of the largest process: with -j 1 the one process does all the
# work; by default the reader processes hold the pages being read.
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
for cmd in extract text; do
    for jobs in 1 "$(nproc)"; do
        r10=$(rss "$kpipe" "$cmd" "$dir/corpus10.pdf" -j "$jobs" -o "$dir/rss.out")
        rbig=$(rss "$kpipe" "$cmd" "$dir/corpus.pdf" -j "$jobs" -o "$dir/rss.out")
        echo "  kpipe $cmd -j $jobs peak RSS: $r10 KB at 10 pages, $rbig KB at $pages pages, ratio $(ratio "$rbig" "$r10")  (goal: at most 1.5)"
    done
done

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
