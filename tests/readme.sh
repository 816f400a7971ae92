#!/bin/sh
# The README's examples, run as tests (tests/readme.py says how).
exec /usr/bin/python3 "$(dirname "$0")/readme.py" "$@"
