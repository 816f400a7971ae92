#!/bin/sh
# Builds the fuzzers' seed corpora from the fixtures. Usage: corpus.sh DIR
set -eu
dir=$1
mkdir -p "$dir/figure" "$dir/text" "$dir/rules" "$dir/json" "$dir/pdf"
cp tests/fuzz/seeds/figure/* "$dir/figure/"
cp fixtures/*.txt "$dir/text/"
# rule files joined at NUL bytes, as fuzz_rules splits them
for f in figure scale unit structure; do cat "rules/$f.rules"; printf '\0'; done >"$dir/rules/project"
cp tests/golden/*.json "$dir/json/"
cp fixtures/*.pdf fixtures/bad/*.pdf "$dir/pdf/"
