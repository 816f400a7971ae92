#!/bin/sh
# `make install` into a scratch prefix: every part is there, the man page
# renders, the completion is valid bash, and the installed program, run from
# another folder, finds its rules and messages and writes what the build does.
# Usage: sh tests/install.sh BUILD/kpipe (the plain build: make install builds it)
build=$(dirname "${1:-build/kpipe}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
bad=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); bad=$((bad + 1)); echo "not ok $n - $1"; }
check() { name=$1; shift; if "$@" >/dev/null 2>&1; then ok "$name"; else not_ok "$name"; fi; }

repo=$(pwd)
make --no-print-directory install PREFIX="$tmp/p" BUILD="$build" >"$tmp/install.log" 2>&1
check "make install succeeds" [ $? -eq 0 ]
for f in bin/kpipe share/kpipe/rules/figure.rules share/kpipe/schema/kpi-json-1.schema.json \
    share/doc/kpipe/kpi-json.md share/man/man1/kpipe.1 share/bash-completion/completions/kpipe \
    share/locale/ja/LC_MESSAGES/kpipe.mo; do
    check "installed: $f" [ -s "$tmp/p/$f" ]
done
check "man -l renders the page" sh -c "man -l '$tmp/p/share/man/man1/kpipe.1' 2>/dev/null | grep -Eq 'kpipe +- +turn +the +KPI +tables'"
check "the completion is valid bash" bash -n "$tmp/p/share/bash-completion/completions/kpipe"
check "the completion offers a command's options, asked of kpipe itself" sh -c "PATH='$tmp/p/bin':\$PATH bash -c '
    . \"$tmp/p/share/bash-completion/completions/kpipe\"
    COMP_WORDS=(kpipe check --ba); COMP_CWORD=2; _kpipe; printf \"%s\\n\" \"\${COMPREPLY[@]}\"' | grep -qx -- --baseline"
mkdir "$tmp/elsewhere"
(cd "$tmp/elsewhere" && "$tmp/p/bin/kpipe" extract "$repo/fixtures/ebetsu-kpi-r4.calc.pdf" -o out.json 2>/dev/null)
"$build/kpipe" extract fixtures/ebetsu-kpi-r4.calc.pdf -o "$tmp/built.json" 2>/dev/null
check "the installed kpipe, run from another folder, writes what build/kpipe does" cmp -s "$tmp/elsewhere/out.json" "$tmp/built.json"
check "the installed kpipe finds its Japanese messages" sh -c "cd '$tmp/elsewhere' && '$tmp/p/bin/kpipe' check '$repo/fixtures/ebetsu-kpi-r4.txt' --lang ja | grep -q 'エラー 1 件'"
# every option of every command is in the man page
for cmd in extract text check diff figure ingest history export report; do
    for opt in $("$build/kpipe" $cmd --help | grep -o -- '--[a-z-]*' | sort -u); do
        grep -q -- "$(echo "$opt" | sed 's/-/\\\\-/g')" docs/kpipe.1 || echo "$opt" >>"$tmp/missing"
    done
done
check "the man page names every option (missing: $(sort -u "$tmp/missing" 2>/dev/null | tr '\n' ' '))" [ ! -s "$tmp/missing" ]
echo "# install: $((n - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
