"""Score the pipeline on test articles that carry their expected events, with the shared scorer.

    .venv/bin/python bench/score_articles.py [ARTICLES.jsonl ...] [--names NAMES.json] [--verbose]

Each line is {"id", "published", "text", "expected": [events in the gold format]}; by default
every `tests/data/extract/articles*.jsonl`. Writes the gold and the predictions in the gold
JSONL format, runs `/work/shared/corpus/score.py` on them and prints its summary, then how
often the kind and title match where an expected event gives them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker.extract.names import Gazetteer  # noqa: E402
from tracker.extract.names_json import gazetteer_data_from_names  # noqa: E402
from tracker.extract.pipeline import extract_events  # noqa: E402

DATA = ROOT / "tests" / "data" / "extract"
SCORER = ROOT.parent / "shared" / "corpus" / "score.py"


def predicted_row(event) -> dict:
    return {
        "date": event.date.isoformat(),
        "date_end": event.date_end.isoformat() if event.date_end else None,
        "kind": event.kind,
        "title": event.title,
        "actors": sorted(map(str, event.actors)),
        "places": sorted(map(str, event.places)),
        "agreements": sorted(map(str, event.agreements)),
        "cue": event.date_text,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--names", type=Path, default=DATA / "names.json")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    files = args.files or sorted(DATA.glob("articles*.jsonl"))
    gazetteer = Gazetteer.from_data(gazetteer_data_from_names(json.loads(args.names.read_text("utf-8"))))
    gold, pred, labelled = [], [], {"kind": [0, 0], "title": [0, 0]}
    # The shared scorer matches events by start date only; a lost or invented range end is counted here.
    ends = [0, 0]
    for path in files:
        for line in path.read_text("utf-8").splitlines():
            if not line.strip():
                continue
            article = json.loads(line)
            published = dt.date.fromisoformat(article["published"]) if article.get("published") else None
            rows = [predicted_row(e) for e in extract_events(article["text"], published, gazetteer)]
            gold.append({"id": article["id"], "events": article["expected"]})
            pred.append({"id": article["id"], "events": rows})
            for expected in article["expected"]:
                same_date = [r for r in rows if r["date"] == expected["date"]]
                if same_date:
                    ends[1] += 1
                    ends[0] += any(r["date_end"] == expected.get("date_end") for r in same_date)
                    if args.verbose and not any(r["date_end"] == expected.get("date_end") for r in same_date):
                        print(f"{article['id']} {expected['date']} date_end: want {expected.get('date_end')!r}")
                for field in labelled:
                    if field in expected:
                        labelled[field][1] += 1
                        hit = any(r[field] == expected[field] for r in same_date)
                        labelled[field][0] += hit
                        if not hit and args.verbose:
                            got = [r[field] for r in same_date]
                            print(f"{article['id']} {expected['date']} {field}: want {expected[field]!r}, got {got}")
    with tempfile.TemporaryDirectory() as tmp:
        gold_path, pred_path = Path(tmp, "gold.jsonl"), Path(tmp, "pred.jsonl")
        gold_path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in gold), "utf-8")
        pred_path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in pred), "utf-8")
        command = [sys.executable, str(SCORER), str(gold_path), str(pred_path)]
        result = subprocess.run([*command, "--verbose"] if args.verbose else command, capture_output=True, text=True)
    print(result.stdout.rstrip() if args.verbose else result.stdout.strip().splitlines()[-1])
    print(f"date_end: {ends[0]}/{ends[1]} matched events end as expected (a range's end, or none)")
    for field, (hits, total) in labelled.items():
        if total:
            print(f"{field}: {hits}/{total} expected {field}s matched exactly")


if __name__ == "__main__":
    main()
