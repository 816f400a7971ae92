#!/bin/sh
# The catalogue of bad inputs: each one's exact exit code and message, and
# that an existing output file is left as it was. Documented in the README
# ("Bad input"). Usage: sh tests/catalogue.sh PATH/TO/kpipe
kpipe=${1:-build/kpipe}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
bad=0

# Every entry must end within these (make test installs /usr/bin/time).
MAX_SECONDS=60
MAX_RSS_KB=1048576

# entry NAME CODE MESSAGE COMMAND...: exit CODE (never 128 or more), stderr
# exactly MESSAGE on one line, out.json (given as -o) untouched, and at most
# MAX_SECONDS and MAX_RSS_KB (peak RSS).
entry() {
    name=$1 code=$2 message=$3
    shift 3
    echo "an earlier output" >"$tmp/out.json"
    echo "0 0" >"$tmp/usage"
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f "%e %M" -o "$tmp/usage" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
    else
        "$@" >"$tmp/stdout" 2>"$tmp/stderr"
    fi
    rc=$?
    seconds=$(tail -1 "$tmp/usage" | cut -d' ' -f1)
    rss=$(tail -1 "$tmp/usage" | cut -d' ' -f2)
    n=$((n + 1))
    if [ "$rc" -eq "$code" ] && [ "$rc" -lt 128 ] && [ "$(cat "$tmp/stderr")" = "$message" ] &&
        [ "$(cat "$tmp/out.json")" = "an earlier output" ] &&
        [ "${rss:-0}" -le $MAX_RSS_KB ] && [ "${seconds%.*}" -lt $MAX_SECONDS ]; then
        echo "ok $n - $name"
    else
        bad=$((bad + 1))
        echo "not ok $n - $name"
        echo "#   exit $rc, ${seconds} s, ${rss} KB, stderr: $(head -c 400 "$tmp/stderr")"
    fi
}

: >"$tmp/empty.txt"
entry "an empty file" 2 "$tmp/empty.txt: error: empty file" \
    "$kpipe" extract "$tmp/empty.txt" -o "$tmp/out.json"

# compressed stream data from the middle of a PDF: random bytes
tail -c +20001 fixtures/ebetsu-kpi-r4.calc.pdf | head -c 4096 >"$tmp/random.bin"
entry "random bytes" 2 "$tmp/random.bin:3: error: binary data (a NUL byte), not a text table" \
    "$kpipe" extract "$tmp/random.bin" -o "$tmp/out.json"

head -c 30000 fixtures/ebetsu-kpi-r4.calc.pdf >"$tmp/truncated.pdf"
entry "a truncated PDF" 2 "$tmp/truncated.pdf: error: not a readable PDF (PDF document is damaged)" \
    "$kpipe" extract "$tmp/truncated.pdf" -o "$tmp/out.json"

printf '%%PDF-1.7\n%%\342\343\n1 0 obj << /Type /Catalog >> endobj\ngarbage\n' >"$tmp/junk.pdf"
entry "a PDF header over junk" 2 "$tmp/junk.pdf: error: not a readable PDF (PDF document is damaged)" \
    "$kpipe" extract "$tmp/junk.pdf" -o "$tmp/out.json"

entry "an encrypted PDF without --password" 2 \
    "fixtures/bad/encrypted.pdf: error: encrypted: give its password with --password" \
    "$kpipe" extract fixtures/bad/encrypted.pdf -o "$tmp/out.json"
entry "an encrypted PDF with a wrong --password" 2 \
    "fixtures/bad/encrypted.pdf: error: encrypted, and the password given does not open it" \
    "$kpipe" extract fixtures/bad/encrypted.pdf --password wrong -o "$tmp/out.json"

entry "a PDF without a text layer, --ocr never" 2 \
    "fixtures/bad/no-text.pdf: error: no text layer (a scanned image?): OCR is needed before kpipe can read it (not with --ocr never)" \
    "$kpipe" extract --ocr never fixtures/bad/no-text.pdf -o "$tmp/out.json"
entry "a PDF without a text layer (shapes only), read by OCR: no table in it" 2 \
    "fixtures/bad/no-text.pdf: error: no KPI table found (no 基本目標 heading with KPI, 基準値 or 目標値 columns)" \
    "$kpipe" extract fixtures/bad/no-text.pdf -o "$tmp/out.json"
entry "a scan too coarse to read (100 dpi)" 2 \
    "fixtures/scans/minato-a.calc.100dpi.pdf:page 1: error: a scan of 100 dpi, too coarse to read by OCR (150 dpi at least, 300 dpi best): scan the page again" \
    "$kpipe" extract fixtures/scans/minato-a.calc.100dpi.pdf -o "$tmp/out.json"

entry "a PDF whose fonts have no Unicode map (ToUnicode): Latin letters" 2 \
    'fixtures/bad/no-tounicode.calc.pdf: error: none of its 2954 characters is Japanese (its text begins "»¼½JK…T0¾0:¿fÀ¡"): fonts without a Unicode map (ToUnicode) read like this; OCR is needed before kpipe can read it (not with --ocr never)' \
    "$kpipe" extract --ocr never fixtures/bad/no-tounicode.calc.pdf -o "$tmp/out.json"
entry "a PDF whose fonts have no Unicode map (ToUnicode): control codes, a kanji by chance" 2 \
    'fixtures/bad/no-tounicode.chromium.pdf: error: only 311 of its 3983 characters are Japanese and 1091 have no Unicode mapping (its text begins "àP{ÚlöÙ・êà・ÏÌ"): fonts without a Unicode map (ToUnicode) read like this; OCR is needed before kpipe can read it (not with --ocr never)' \
    "$kpipe" extract --ocr never fixtures/bad/no-tounicode.chromium.pdf -o "$tmp/out.json"

entry "a PDF with text but no KPI table" 2 \
    "fixtures/bad/no-table.pdf: error: no KPI table found (no 基本目標 heading with KPI, 基準値 or 目標値 columns)" \
    "$kpipe" extract fixtures/bad/no-table.pdf -o "$tmp/out.json"

entry "more pages than --max-pages" 2 \
    "fixtures/ebetsu-kpi-r4.calc.pdf: error: 6 pages, more than --max-pages 5" \
    "$kpipe" extract fixtures/ebetsu-kpi-r4.calc.pdf --max-pages 5 -o "$tmp/out.json"

printf '第2期江別市\n\351\n' >"$tmp/bad-utf8.txt"
entry "text neither UTF-8 nor Shift_JIS" 2 \
    "$tmp/bad-utf8.txt:2:1: error: neither UTF-8 nor Shift_JIS text (byte 0xE9)" \
    "$kpipe" extract "$tmp/bad-utf8.txt" -o "$tmp/out.json"

printf 'line one\nline two\nthree\000four\n' >"$tmp/binary.txt"
entry "binary text input" 2 "$tmp/binary.txt:3: error: binary data (a NUL byte), not a text table" \
    "$kpipe" extract "$tmp/binary.txt" -o "$tmp/out.json"

# 10 MB on one line, no table in it: read through, refused, in well under
# the time a hang would take
LC_ALL=C awk 'BEGIN { s = "江別市の人口は12万人、"; while (length(t) < 1200000) t = t s; for (i = 0; i < 9; i++) printf "%s", t }' >"$tmp/big.txt"
start=$(date +%s)
entry "a 10 MB single-line text" 2 \
    "$tmp/big.txt: error: no KPI table found (no 基本目標 heading with KPI, 基準値 or 目標値 columns)" \
    "$kpipe" extract "$tmp/big.txt" -o "$tmp/out.json"
n=$((n + 1))
if [ $(( $(date +%s) - start )) -lt 20 ] && [ "$(wc -c <"$tmp/big.txt")" -ge 10000000 ]; then
    echo "ok $n - the 10 MB line is read in under 20 s"
else
    bad=$((bad + 1))
    echo "not ok $n - the 10 MB line is read in under 20 s"
fi

mkdir -p "$tmp/rules"
cp rules/*.rules "$tmp/rules/"
printf 'digits  (?:\\d{1,3}(?:,\\d{3})+|\\d+(?:\\.\\d+)?\n' >>"$tmp/rules/figure.rules"
line=$(wc -l <"$tmp/rules/figure.rules")
entry "a rule file with a broken pattern" 2 \
    "$tmp/rules/figure.rules:$line:44: error: missing closing parenthesis (rule 'digits')" \
    "$kpipe" extract fixtures/ebetsu-kpi-r4.txt --rules "$tmp/rules" -o "$tmp/out.json"

entry "an unwritable output path" 2 \
    "/nonexistent/kpipe/out.json: error: cannot write output: No such file or directory" \
    "$kpipe" extract fixtures/ebetsu-kpi-r4.txt -o /nonexistent/kpipe/out.json

# A figure beyond ±2^53 is a malformed-figure error in the document, which is
# still written (exit 0 for extract, 1 for check), with one stderr line that
# says the output holds errors.
sed 's/\t2\.2億円\t/\t99999999999999999円\t/' fixtures/ebetsu-kpi-r4.txt >"$tmp/huge.txt"
"$kpipe" extract "$tmp/huge.txt" -o "$tmp/huge.json" 2>"$tmp/stderr"
rc=$?
n=$((n + 1))
if [ $rc -eq 0 ] && [ "$(wc -l <"$tmp/stderr")" -eq 1 ] && grep -q 'huge.txt: warning: written, but it holds 2 errors' "$tmp/stderr" &&
    grep -q '"actuals.2021","goal":1,"line":44,"message":"Goal 1 row 7 actuals.2021「99999999999999999円」is not a figure: the number is beyond ±2^53; correct the cell."' "$tmp/huge.json" &&
    grep -q '"2021":{"cumulative":false,"note":null,"qualifier":null,"text":"99999999999999999円","unit":null,"value":null}' "$tmp/huge.json"; then
    echo "ok $n - a figure beyond ±2^53: value null, an error, the document written"
else
    bad=$((bad + 1))
    echo "not ok $n - a figure beyond ±2^53: value null, an error, the document written (exit $rc)"
fi
"$kpipe" check "$tmp/huge.txt" >/dev/null
rc=$?
n=$((n + 1))
if [ $rc -eq 1 ]; then echo "ok $n - check exits 1 on it"; else bad=$((bad + 1)); echo "not ok $n - check exits 1 on it (exit $rc)"; fi

# A broken cross-reference table is rebuilt by poppler: the document reads
# as the intact one does.
sed 's/^startxref$/startxref/; /^startxref$/{n;s/^[0-9]*$/12345/}' fixtures/ebetsu-kpi-r4.calc.pdf >"$tmp/broken-xref.pdf"
"$kpipe" extract "$tmp/broken-xref.pdf" -o "$tmp/xref.json" 2>"$tmp/stderr"
rc=$?
"$kpipe" extract fixtures/ebetsu-kpi-r4.calc.pdf -o "$tmp/intact.json" 2>/dev/null
n=$((n + 1))
strip() { sed -e 's/"source":{[^}]*}//g' "$1"; }
if [ $rc -eq 0 ] && ! cmp -s "$tmp/broken-xref.pdf" fixtures/ebetsu-kpi-r4.calc.pdf &&
    [ "$(strip "$tmp/xref.json")" = "$(strip "$tmp/intact.json")" ]; then
    echo "ok $n - a PDF with a broken cross-reference table reads as the intact one"
else
    bad=$((bad + 1))
    echo "not ok $n - a PDF with a broken cross-reference table reads as the intact one (exit $rc)"
fi

entry "a pipe as input (it could block for ever)" 2 "$tmp/fifo: error: not a regular file (a pipe): kpipe reads files" \
    sh -c "mkfifo '$tmp/fifo' && exec '$kpipe' extract '$tmp/fifo' -o '$tmp/out.json'"
entry "a device as input (/dev/zero never ends)" 2 "/dev/zero: error: not a regular file (a device): kpipe reads files" \
    "$kpipe" extract /dev/zero -o "$tmp/out.json"
mkdir -p "$tmp/fiforules" && cp rules/*.rules "$tmp/fiforules/" && rm "$tmp/fiforules/unit.rules" && mkfifo "$tmp/fiforules/unit.rules"
entry "a pipe as a rule file" 2 "$tmp/fiforules/unit.rules: error: not a regular file (a pipe): kpipe reads files" \
    "$kpipe" extract fixtures/ebetsu-kpi-r4.txt --rules "$tmp/fiforules" -o "$tmp/out.json"
entry "a --password of 200 bytes (poppler 22.12 overran its stack on AES-256 files)" 2 \
    "kpipe: error: --password: at most 127 bytes (PDF passwords end there), not 200 (see kpipe --help)" \
    "$kpipe" extract fixtures/bad/encrypted.pdf --password "$(printf '%0200d' 0)" -o "$tmp/out.json"
# A file name that is not UTF-8: kpi-json names it in UTF-8 (a replacement
# character for the bad byte), and diff --format json writes it (it crashed).
cp fixtures/ebetsu-kpi-r4.txt "$tmp/$(printf 'r4\377.txt')"
"$kpipe" diff "$tmp/$(printf 'r4\377.txt')" fixtures/ebetsu-kpi-r5.txt --format json -o "$tmp/diff.json" 2>/dev/null
rc=$?
n=$((n + 1))
if [ $rc -eq 0 ] && grep -q '"old":{"name":"r4\(\\ufffd\|�\).txt"' "$tmp/diff.json"; then
    echo "ok $n - a file name that is not UTF-8: diff --format json names it in UTF-8"
else
    bad=$((bad + 1))
    echo "not ok $n - a file name that is not UTF-8: diff --format json names it in UTF-8 (exit $rc)"
fi

iconv -f UTF-8 -t UTF-16 fixtures/ebetsu-kpi-r4.txt >"$tmp/utf16.txt"
entry "UTF-16 text (it was called binary data)" 2 \
    "$tmp/utf16.txt: error: UTF-16 text (its byte-order mark says so): save it as UTF-8 or Shift_JIS" \
    "$kpipe" extract "$tmp/utf16.txt" -o "$tmp/out.json"
# Lines ended by CR alone read as lines; a BOM before kpi-json is skipped.
tr '\n' '\r' <fixtures/ebetsu-kpi-r4.txt >"$tmp/cr.txt"
"$kpipe" extract "$tmp/cr.txt" -o "$tmp/cr.json" 2>/dev/null
rc=$?
"$kpipe" extract fixtures/ebetsu-kpi-r4.txt -o "$tmp/lf.json" 2>/dev/null
printf '\357\273\277' >"$tmp/bom.json" && cat "$tmp/lf.json" >>"$tmp/bom.json"
"$kpipe" diff "$tmp/bom.json" "$tmp/lf.json" -o "$tmp/bomdiff.txt" 2>/dev/null
rc2=$?
n=$((n + 1))
nosrc() { sed -e 's/"source":{[^}]*}//g' "$1"; }
if [ $rc -eq 0 ] && [ "$(nosrc "$tmp/cr.json")" = "$(nosrc "$tmp/lf.json")" ] && [ $rc2 -eq 0 ]; then
    echo "ok $n - CR-only line ends read as lines; a UTF-8 BOM before kpi-json is skipped"
else
    bad=$((bad + 1))
    echo "not ok $n - CR-only line ends read as lines; a UTF-8 BOM before kpi-json is skipped (exit $rc, $rc2)"
fi

if [ -w /dev/full ]; then
    entry "figure onto a full disk (/dev/full; it exited 0)" 2 "kpipe: error: cannot write output: No space left on device" \
        sh -c "exec '$kpipe' figure 12人 >/dev/full"
fi

mkdir -p "$tmp/bombrules" && cp rules/*.rules "$tmp/bombrules/"
awk 'BEGIN { print "r0 xx"; for (i = 1; i <= 24; i++) printf "r%d {{r%d}}{{r%d}}\n", i, i - 1, i - 1 }' >"$tmp/bombrules/bomb.rules"
entry "a rule file whose {{NAME}} references double at each level" 2 \
    "$tmp/bombrules/bomb.rules:14:5: error: rule 'r13' expands to more than 65536 bytes through {{...}}" \
    "$kpipe" extract fixtures/ebetsu-kpi-r4.txt --rules "$tmp/bombrules" -o "$tmp/out.json"

# Memory and time: blank lines cost nothing; text far longer than a plan is
# refused before it is parsed.
awk 'BEGIN { for (i = 0; i < 10000000; i++) print "" }' >"$tmp/blank.txt"
entry "10 MB of empty lines (2.8 GB and 18 s before)" 2 \
    "$tmp/blank.txt: error: no KPI table found (no 基本目標 heading with KPI, 基準値 or 目標値 columns)" \
    "$kpipe" extract "$tmp/blank.txt" -o "$tmp/out.json"
awk 'BEGIN { print "【基本目標1】 t\t\t\t\tKPI\t基準値\t実績値\t目標値"; print "No\t施策\t事業\t取組\t\t\tR2年度\t";
             for (i = 1; i <= 200000; i++) printf "%d\t①施策\t事業\t・取組\t指標%d\t%d人\t%d人\t9人\n", i, i, i, i }' >"$tmp/rows.txt"
entry "200,000 rows (2.5 GB and 25 s before)" 2 \
    "$tmp/rows.txt: error: 200002 lines of text, more than a KPI table has (kpipe reads 20000 at most)" \
    "$kpipe" extract "$tmp/rows.txt" -o "$tmp/out.json"

# Linear time: a 事業名等 cell of 100,000 words (minutes before), a diff of two
# editions of 8,000 rows renumbered (minutes before). Held to 10 s here.
within() { # within NAME SECONDS COMMAND...: exit 0 within SECONDS
    name=$1 limit=$2
    shift 2
    /usr/bin/time -f "%e" -o "$tmp/usage" "$@" >/dev/null 2>&1
    rc=$?
    seconds=$(tail -1 "$tmp/usage")
    n=$((n + 1))
    if [ $rc -eq 0 ] && [ "${seconds%.*}" -lt "$limit" ]; then
        echo "ok $n - $name (${seconds} s)"
    else
        bad=$((bad + 1))
        echo "not ok $n - $name (exit $rc, ${seconds} s)"
    fi
}
if [ -x /usr/bin/time ]; then
    awk 'BEGIN { print "【基本目標1】 t\t\t\t\tKPI\t基準値\t実績値\t目標値"; print "No\t施策\t事業名等\t取組\t\t\tR2年度\t";
                 printf "1\t①施策\t"; for (i = 0; i < 100000; i++) printf "ことば%d ", i; print "\t・取組\t指標\t1人\t2人\t3人" }' >"$tmp/words.txt"
    within "a 事業名等 cell of 100,000 words" 10 "$kpipe" extract "$tmp/words.txt" -o "$tmp/words.json"
    for e in 1 2; do
        awk -v e=$e 'BEGIN { print "【基本目標1】 t\t\t\t\tKPI\t基準値\t実績値\t目標値"; print "No\t施策\t事業\t取組\t\t\tR2年度\t";
                             for (i = 1; i <= 8000; i++) printf "%d\t①施策\t事業\t・取組\t指標%d\t%d人\t%d人\t9人\n", (e == 2 ? 8001 - i : i), i, i, i + (e == 2 && i % 100 == 0) }' >"$tmp/edition$e.txt"
    done
    within "diff of two editions of 8,000 rows, renumbered" 10 "$kpipe" diff "$tmp/edition1.txt" "$tmp/edition2.txt"
fi

# Numbers out of range are said, never wrapped into small ones.
sed 's/【基本目標4】 時代/【基本目標4294967297】 時代/; s/^3\t② 健康増進活動/99999999999999999999\t② 健康増進活動/' \
    fixtures/ebetsu-kpi-r4.txt >"$tmp/numbers.txt"
"$kpipe" check "$tmp/numbers.txt" >"$tmp/numbers.out" 2>&1
n=$((n + 1))
if grep -q 'A goal is numbered「4294967297」: goal numbers run from 1 to 9999' "$tmp/numbers.out" &&
    grep -q 'has a row numbered「99999999999999999999」: row numbers run from 1 to 9999' "$tmp/numbers.out"; then
    echo "ok $n - goal 4294967297 and row 99999999999999999999 are said, not wrapped"
else
    bad=$((bad + 1))
    echo "not ok $n - goal 4294967297 and row 99999999999999999999 are said, not wrapped"
fi
mkdir -p "$tmp/era" && cp rules/*.rules "$tmp/era/" && sed -i 's/^2018 /2147483647 /' "$tmp/era/era.rules"
entry "an era rule named 2147483647 (it overflowed)" 2 \
    "$tmp/era/era.rules:5:1: error: the name of an era rule must be a year from 0 to 9999, not '2147483647'" \
    "$kpipe" extract fixtures/ebetsu-kpi-r4.txt --rules "$tmp/era" -o "$tmp/out.json"
"$kpipe" extract fixtures/ebetsu-kpi-r4.txt -o "$tmp/good.json" 2>/dev/null
sed 's/"text":"136万人","unit":"人","value":1360000/"text":"136万人","unit":"人","value":-9223372036854775808/' \
    "$tmp/good.json" >"$tmp/min.json"
entry "kpi-json with a value of -2^63 (it was negated)" 2 \
    "$tmp/min.json: error: not kpi-json/1 as kpipe writes it: goals[0].rows[2].actuals.2020.value is not a number within ±2^53" \
    "$kpipe" diff "$tmp/min.json" "$tmp/good.json" -o "$tmp/out.json"
sed 's/\],"number":1,"rows":/],"number":"1","rows":/' "$tmp/good.json" >"$tmp/types.json"
entry "kpi-json with a goal number given as a string" 2 \
    "$tmp/types.json: error: not kpi-json/1 as kpipe writes it: goals[0].number is not a whole number" \
    "$kpipe" diff "$tmp/types.json" "$tmp/good.json" -o "$tmp/out.json"

# Pages turned by /Rotate (qpdf --rotate) read as the upright document: the
# text says which way the page runs, and the page is rendered upright. Each
# producer's fonts: Calc's and Writer's TrueType, Chromium's Type 3 (which
# poppler gives backwards once turned, boxes below the baseline), and a page
# that mixes both (Type 3 headings over TrueType cells).
nobox() { sed -e 's/"source":{[^}]*}//g; s/"bbox":\[[^]]*\]//g' "$1"; }
for pdf in fixtures/hokushin-kpi-h30.calc.pdf fixtures/hokushin-kpi-h30.chromium.pdf \
    fixtures/families/higashiyama-f.writer.pdf fixtures/families/kaede-snapshot.chromium.pdf \
    fixtures/families/aoba-overflow.chromium.pdf; do
    "$kpipe" extract "$pdf" -o "$tmp/upright.json" 2>/dev/null
    for turn in 90 180 270; do
        qpdf --rotate=+$turn "$pdf" "$tmp/rot.pdf"
        "$kpipe" extract "$tmp/rot.pdf" -o "$tmp/rot.json" 2>/dev/null
        rc=$?
        n=$((n + 1))
        if [ $rc -eq 0 ] && [ "$(nobox "$tmp/rot.json")" = "$(nobox "$tmp/upright.json")" ]; then
            echo "ok $n - $(basename "$pdf") with /Rotate $turn reads as the upright pages"
        else
            bad=$((bad + 1))
            echo "not ok $n - $(basename "$pdf") with /Rotate $turn reads as the upright pages (exit $rc)"
        fi
    done
done

# Page boxes as viewers use them (the seed's Calc PDF, boxes rewritten with
# qpdf's QDF form): a CropBox inside the margins, or a MediaBox whose origin
# is not 0 0, read as the seed; a MediaBox of [0 0 0 0] (poppler makes it a
# Letter page) or a CropBox that cuts the table is said, not read in part.
if command -v perl >/dev/null 2>&1 && command -v fix-qdf >/dev/null 2>&1; then
    qpdf --qdf --object-streams=disable fixtures/ebetsu-kpi-r4.calc.pdf "$tmp/qdf.pdf"
    "$kpipe" extract fixtures/ebetsu-kpi-r4.calc.pdf -o "$tmp/seed.json" 2>/dev/null
    boxed() { perl -0pe "$1" "$tmp/qdf.pdf" | fix-qdf >"$tmp/$2.pdf"; }
    boxed 's|(/MediaBox \[[^\]]*\])|$1 /CropBox [ 40 30 800 570 ]|g' crop-inside
    boxed 's|/MediaBox \[[^\]]*\]|/MediaBox [ -200 -100 841.89 595.3 ]|g' shifted-origin
    for name in crop-inside shifted-origin; do
        "$kpipe" extract "$tmp/$name.pdf" -o "$tmp/$name.json" 2>/dev/null
        rc=$?
        n=$((n + 1))
        if [ $rc -eq 0 ] && [ "$(nobox "$tmp/$name.json")" = "$(nobox "$tmp/seed.json")" ]; then
            echo "ok $n - the seed with a $name page box reads as the seed"
        else
            bad=$((bad + 1))
            echo "not ok $n - the seed with a $name page box reads as the seed (exit $rc)"
        fi
    done
    boxed 's|/MediaBox \[[^\]]*\]|/MediaBox [ 0 0 0 0 ]|g' empty-mediabox
    entry "a MediaBox of [0 0 0 0] (poppler makes it Letter: half the table was lost)" 2 \
        "$tmp/empty-mediabox.pdf:page 1: error: its table runs off the page (the page box, 612 × 792 pt, is smaller than the drawing): only part of it could be read" \
        "$kpipe" extract "$tmp/empty-mediabox.pdf" -o "$tmp/out.json"
    boxed 's|(/MediaBox \[[^\]]*\])|$1 /CropBox [ 0 0 500 595 ]|g' crop-cut
    entry "a CropBox that cuts the table" 2 \
        "$tmp/crop-cut.pdf:page 1: error: its table runs off the page (the page box, 500 × 595 pt, is smaller than the drawing): only part of it could be read" \
        "$kpipe" extract "$tmp/crop-cut.pdf" -o "$tmp/out.json"
fi

# Pages made to hurt (tests/hostile.py writes them; qpdf lays each over the
# seed's first page): memory and time bounded, the page named.
if python3 tests/hostile.py "$tmp" 2>/dev/null; then
    for bomb in image-bomb font-bomb type3-strokes nested-forms; do
        qpdf fixtures/ebetsu-kpi-r4.calc.pdf --overlay "$tmp/$bomb.pdf" --to=1 -- "$tmp/on-$bomb.pdf"
    done
    entry "an image of 20,000 × 20,000 pixels in 1 MB (1.2 GB drawn)" 2 \
        "$tmp/on-image-bomb.pdf:page 1: error: the page could not be read: drawing it took more than 768 MiB of memory" \
        "$kpipe" extract "$tmp/on-image-bomb.pdf" -o "$tmp/out.json"
    entry "a font program of 1 GB in 1 MB" 2 \
        "$tmp/on-font-bomb.pdf:page 1: error: the page could not be read: drawing it took more than 768 MiB of memory" \
        "$kpipe" extract "$tmp/on-font-bomb.pdf" -o "$tmp/out.json"
    # read for its text, a page's glyphs are never drawn (their ink is no
    # ruling): the strokes cost nothing
    n=$((n + 1))
    /usr/bin/time -f "%e" -o "$tmp/usage" "$kpipe" extract "$tmp/on-type3-strokes.pdf" \
        --time-limit 10 -o "$tmp/type3.json" >/dev/null 2>&1
    rc=$?
    if [ "$rc" -eq 0 ] && [ -s "$tmp/type3.json" ] && [ "$(cut -d. -f1 "$tmp/usage")" -lt 2 ]; then
        echo "ok $n - Type 3 glyphs of 100,000 strokes each, at 20 sizes: not drawn, read in time"
    else
        bad=$((bad + 1))
        echo "not ok $n - Type 3 glyphs of 100,000 strokes each, at 20 sizes: not drawn, read in time"
        echo "#   exit $rc, $(cat "$tmp/usage") s"
    fi
    entry "Type 3 glyphs of 100,000 strokes each, at 20 sizes, drawn for OCR" 2 \
        "$tmp/on-type3-strokes.pdf:page 1: error: still unread after the time limit of 10 s (--time-limit)" \
        "$kpipe" extract "$tmp/on-type3-strokes.pdf" --ocr always --time-limit 10 -o "$tmp/out.json"
    entry "forms nested 40 deep, each drawing the one below twice" 2 \
        "$tmp/on-nested-forms.pdf:page 1: error: still unread after the time limit of 5 s (--time-limit)" \
        "$kpipe" extract "$tmp/on-nested-forms.pdf" --time-limit 5 -j 1 -o "$tmp/out.json"
else
    n=$((n + 1))
    bad=$((bad + 1))
    echo "not ok $n - tests/hostile.py could not write the hostile PDFs"
fi

# A page of 100,000 × 100,000 pt (the seed with its MediaBox enlarged by qpdf):
# the page image would take 40 GB; the region around its text is rendered
# instead. No crash, memory bounded, the rows' figures as on the seed.
if command -v perl >/dev/null 2>&1 && command -v fix-qdf >/dev/null 2>&1 && [ -x /usr/bin/time ]; then
    perl -0pe 's|/MediaBox \[[^\]]*\]|/MediaBox [ 0 0 100000 100000 ]|g' "$tmp/qdf.pdf" | fix-qdf >"$tmp/huge-page.pdf"
    /usr/bin/time -f %M -o "$tmp/rss" "$kpipe" extract "$tmp/huge-page.pdf" -o "$tmp/huge-page.json" 2>/dev/null
    rc=$?
    rss=$(tail -1 "$tmp/rss")
    n=$((n + 1))
    if [ "$rc" -eq 0 ] && [ "${rss:-999999}" -lt 204800 ] &&
        grep -q '"text":"135万人","unit":"人","value":1350000' "$tmp/huge-page.json" &&
        grep -q '"text":"2.2億円","unit":"円","value":220000000' "$tmp/huge-page.json"; then
        echo "ok $n - a page of 100,000 pt: read around its text, no crash, peak RSS ${rss} KB"
    else
        bad=$((bad + 1))
        echo "not ok $n - a page of 100,000 pt: read around its text (exit $rc, peak RSS ${rss} KB)"
    fi
fi

echo "# catalogue: $((n - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
