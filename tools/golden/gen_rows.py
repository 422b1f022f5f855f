#!/usr/bin/python3
"""Writes the extra row-loss fixtures (cases_rows.py) to src/test/resources/golden-rows/.
Run from the repository root: /usr/bin/python3 tools/golden/gen_rows.py"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import generate  # noqa: E402
import cases_rows  # noqa: E402

generate.all_builders = lambda: dict(cases_rows.BUILDERS)
out = os.path.join(os.path.dirname(os.path.dirname(HERE)), "src", "test", "resources", "golden-rows")
sys.exit(generate.main(["--out", out] + sys.argv[1:]))
