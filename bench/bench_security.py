"""Time the inputs the security tests found slow or crashing, so fixes can be checked.

    .venv/bin/python bench/bench_security.py

Prints, per input: seconds on one core, or the exception it raised. Each run
is cut off after 30 s.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from tracker.extract.sentences import _BOUNDARY, split_sentences  # noqa: E402
from tracker.htmltext import html_document  # noqa: E402

LINEAR_BOUNDARY = re.compile(r"(?<![.!?])[.!?]++[\"'”’)\]]*+(?=\s+[\"'“‘(\[]?(\w))")


class Cut(Exception):
    pass


def timed(label, fn):
    def expire(*_):
        raise Cut

    signal.signal(signal.SIGALRM, expire)
    signal.alarm(30)
    started = time.process_time()
    try:
        fn()
        outcome = f"{time.process_time() - started:.3f} s"
    except Cut:
        outcome = "> 30 s (cut off)"
    except Exception as error:  # noqa: BLE001 - report whatever it raised
        outcome = f"{type(error).__name__} after {time.process_time() - started:.3f} s"
    finally:
        signal.alarm(0)
    print(f"| {label} | {outcome} |", flush=True)


def main():
    print("| input | result |\n| --- | --- |")
    for n in (5_000, 10_000, 20_000, 100_000):
        dots = "." * n
        timed(f"split_sentences, {n:,} periods", lambda dots=dots: split_sentences(dots))
        timed(f"_BOUNDARY as is, {n:,} periods", lambda dots=dots: list(_BOUNDARY.finditer(dots)))
        timed(f"anchored possessive boundary, {n:,} periods", lambda dots=dots: list(LINEAR_BOUNDARY.finditer(dots)))
    for depth in (300, 1_000, 5_000):
        page = "<div>" * depth + "Turkey and Russia met." + "</div>" * depth
        timed(f"html_document, {depth:,} nested divs", lambda page=page: html_document(page))
    import json

    timed("json.loads, 100,000 nested brackets", lambda: json.loads("[" * 100_000 + "]" * 100_000))
    timed("json.loads, a 5,000-digit number", lambda: json.loads("9" * 5_000))


if __name__ == "__main__":
    main()
