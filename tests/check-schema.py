#!/usr/bin/python3
"""Validates JSON files against kpipe's JSON Schemas (draft 2020-12) with
python3-jsonschema. Usage: check-schema.py SCHEMA_DIR SCHEMA_FILE JSON_FILE...
Prints one line per invalid file and exits 1 when any is invalid."""
import json
import pathlib
import sys

import jsonschema

schema_dir = pathlib.Path(sys.argv[1])
store = {}
for path in schema_dir.glob("*.schema.json"):
    schema = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    store[schema["$id"]] = schema
schema = json.loads((schema_dir / sys.argv[2]).read_text(encoding="utf-8"))
resolver = jsonschema.RefResolver.from_schema(schema, store=store)
validator = jsonschema.Draft202012Validator(schema, resolver=resolver)
bad = 0
for name in sys.argv[3:]:
    errors = list(validator.iter_errors(json.loads(pathlib.Path(name).read_text(encoding="utf-8"))))
    if errors:
        bad += 1
        first = errors[0]
        print("%s: invalid: %s at /%s" % (name, first.message[:200],
                                            "/".join(str(p) for p in first.absolute_path)))
sys.exit(1 if bad else 0)
