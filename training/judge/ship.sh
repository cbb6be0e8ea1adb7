#!/bin/bash
# Ship a selected judge candidate as the next scorer version (run from anywhere).
#
#   bash training/judge/ship.sh CANDIDATE_DIR VERSION "NOTE"
#
# CANDIDATE_DIR holds model.onnx, training.json and the selected decision.json (gates already
# floored); its tokenizer must be the shipped one. NOTE is appended to the decision's
# `fitted_on` (how it was selected). Then the STAR layer is refitted, the scoring benchmark and
# the model card are rewritten; review `git diff` and run the tests before committing.
set -euo pipefail
CANDIDATE=$(realpath "$1")
VERSION=$2
NOTE=$3
cd "$(dirname "$0")/../.."
PY=${PYTHON:-.venv/bin/python}
D=desktop/viva/data/judge
cmp "$CANDIDATE/tokenizer.json" "$D/tokenizer.json"
cp "$CANDIDATE/model.onnx" "$CANDIDATE/training.json" "$D/"
"$PY" - "$CANDIDATE/decision.json" "$D/decision.json" "$NOTE" <<'PY'
import json
import sys
from pathlib import Path

decision = json.loads(Path(sys.argv[1]).read_text())
decision["fitted_on"] += sys.argv[3]
Path(sys.argv[2]).write_text(json.dumps(decision, indent=1) + "\n")
PY
sed -i "s/^SCORER_VERSION = \".*\"/SCORER_VERSION = \"$VERSION\"/" desktop/viva/scoring/__init__.py
grep -q "^SCORER_VERSION = \"$VERSION\"" desktop/viva/scoring/__init__.py
"$PY" benchmarks/star_eval.py --fit --write
"$PY" benchmarks/scoring_eval.py --write
"$PY" training/judge/card.py "$D"
git status --short
