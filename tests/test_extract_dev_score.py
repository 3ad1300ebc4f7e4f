"""The extract command on the shared dev corpus, scored by the project's scorer.

A regression guard, not a tuning target: the own-article tests in
tests/test_extract_*.py carry the many phrasings; this checks the contract
of `manage.py extract` with the real curated gazetteer end to end.
"""

import re
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command

from tests.conftest import shared_path

DEV = shared_path("corpus/dev.jsonl")
GOLD = shared_path("corpus/dev.gold.jsonl")
SCORER = shared_path("corpus/score.py")


@pytest.mark.django_db
def test_it_scores_at_least_090_on_every_measure_of_the_dev_corpus(tmp_path):
    call_command("loaddata", "curated", verbosity=0)
    out = StringIO()
    call_command("extract", str(DEV), stdout=out)
    predictions = tmp_path / "pred.jsonl"
    predictions.write_text(out.getvalue(), encoding="utf-8")

    result = subprocess.run(
        [sys.executable, str(SCORER), str(GOLD), str(predictions)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    scores = dict(re.findall(r"(\w+_f1)=([\d.]+)", result.stdout))
    assert set(scores) == {"event_f1", "actors_f1", "places_f1", "agreements_f1"}, result.stdout
    for measure, value in scores.items():
        assert float(value) >= 0.90, f"{measure} fell to {value}:\n{result.stdout}"
