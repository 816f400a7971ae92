#!/bin/sh
# kpipe report's tests (tests/report.py): in headless Chromium and through
# html-validate when they are there (make test-deps installs both).
# Usage: sh tests/report.sh PATH/TO/kpipe
chromium=$(command -v chromium || command -v chromium-browser || echo -)
validator=${HTML_VALIDATE:--}
[ -x "$validator" ] || validator=-
[ "$chromium" = - ] && echo "not ok 0 - Chromium not installed (make test-deps installs it)"
[ "$validator" = - ] && echo "not ok 0 - html-validate not installed (make test-deps installs it)"
exec /usr/bin/python3 "$(dirname "$0")/report.py" "$1" "$chromium" "$validator"
