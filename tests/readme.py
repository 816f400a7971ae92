#!/usr/bin/env python3
"""kpipe — the README's examples, run as tests (as cmark runs its spec).

Every fenced block whose first line begins with "$ kpipe" is an example: its
"$ " lines are commands, run one after another with sh in a scratch folder
(fixtures/ linked in, the kpipe under test first on PATH), their stdout and
stderr together; the other lines are what they print. A line "…" (indented or not) stands for
any number of lines. Prints TAP lines; exits 1 when an example fails.

Usage: python3 tests/readme.py PATH/TO/kpipe [README.md]
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile


def examples(readme):
    block, start = None, 0
    with open(readme, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.startswith("```"):
                if block is None:
                    block, start = [], number + 1
                else:
                    if block and block[0].startswith("$ kpipe"):
                        yield start, block
                    block = None
            elif block is not None:
                block.append(line)


def matches(expected, actual):
    """Do the ACTUAL lines follow EXPECTED, where "…" skips any lines?"""
    if not expected:
        return not actual
    if expected[0].strip() == "…":
        return any(matches(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and actual[0] == expected[0] and matches(expected[1:], actual[1:])


def main():
    kpipe = os.path.abspath(sys.argv[1])
    readme = sys.argv[2] if len(sys.argv) > 2 else "README.md"
    root = os.path.dirname(os.path.abspath(readme))
    env = dict(os.environ, PATH=os.path.dirname(kpipe) + os.pathsep + os.environ["PATH"])
    env.pop("NO_COLOR", None)
    n = bad = 0
    for start, block in examples(readme):
        scratch = tempfile.mkdtemp()
        try:
            os.symlink(os.path.join(root, "fixtures"), os.path.join(scratch, "fixtures"))
            commands = [line[2:] for line in block if line.startswith("$ ")]
            expected = [line for line in block if not line.startswith("$ ")]
            actual = []
            for command in commands:
                run = subprocess.run(["sh", "-c", command + " 2>&1"], cwd=scratch, env=env,
                                     capture_output=True, text=True, timeout=120)
                actual += run.stdout.splitlines()
        finally:
            shutil.rmtree(scratch)
        n += 1
        name = "README line %d: %s" % (start, commands[0])
        if matches(expected, actual):
            print("ok %d - %s" % (n, name))
        else:
            bad += 1
            print("not ok %d - %s" % (n, name))
            for line in actual[:40]:
                print("#   " + line)
    print("# readme: %d passed, %d failed" % (n - bad, bad))
    return 1 if bad or not n else 0


if __name__ == "__main__":
    sys.exit(main())
