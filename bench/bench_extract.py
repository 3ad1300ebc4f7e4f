"""Benchmark the extraction pipeline against the naive baseline, on generated articles.

    .venv/bin/python bench/bench_extract.py [--articles 1000] [--naive 40] [--memory 10000] [--repeat 3]
        [--style realistic|dense] [--profile]

Generates varied articles (200-1,000 words, each with its own publication
date) from the shared names: by default like real reports (a curated name in
most sentences, a resolvable date in about one of five, 5-10 candidate events
an article); --style dense gives the first round's articles (a date in two
sentences of three, about 30 events an article). Then measures on one core,
best of --repeat rounds taken in turns:
- the pipeline: `extract_events` per article;
- the extract path: what `manage.py extract` does per line (parse the JSON
  line, extract, shape the row with canonical names, dump JSON);
- the naive baseline (`/work/shared/corpus/naive_extract.py`) on a subset,
  in a subprocess whose start-up time is measured apart and subtracted;
- memory: RSS growth over --memory articles with distinct publication dates.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

from tracker.extract.names import Gazetteer  # noqa: E402
from tracker.extract.names_json import gazetteer_data_from_names  # noqa: E402
from tracker.extract.pipeline import extract_events  # noqa: E402

SHARED = ROOT.parent / "shared" / "corpus"
NAMES = json.loads((SHARED / "names.json").read_text("utf-8"))
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
VERBS_PAST = ["met", "signed", "struck", "said", "warned", "captured", "launched an offensive against", "welcomed"]
FILLER = [
    "Residents described a tense calm after weeks of shelling.",
    "Aid groups warned that supplies were running low in the camps.",
    "The situation remains fluid, analysts say, and much depends on the talks.",
    "About 2,000 troops are stationed in the area, according to local sources.",
    "We keep an ear close to the ground, one official said.",
    "Prices for bread and fuel have doubled since the start of the crisis.",
    "The road was closed for 150 hours while engineers cleared mines.",
    "Forces loyal to the council march through the countryside at night.",
    "Observers said the ceasefire may not hold for long.",
    "Hundreds of families fled north, carrying what they could.",
]


def _names(field):
    out = []
    for canon, info in NAMES[field].items():
        out.append(canon)
        out.extend(a for a in info.get("aliases", []) if isinstance(a, str))
    return out


ACTORS, PLACES, AGREEMENTS = _names("actors"), _names("places"), _names("agreements")


def date_expression(rng: random.Random, published: dt.date) -> str:
    day = published - dt.timedelta(days=rng.randint(1, 700))
    month = MONTHS[day.month - 1]
    forms = [
        f"on {day.day} {month} {day.year}",
        f"on {month} {day.day}, {day.year}",
        f"on {month[:3]}. {day.day}",
        f"in {month} {day.year}",
        f"in {month}",
        "yesterday",
        "today",
        f"on {rng.choice(WEEKDAYS)}",
        f"in {day.year}",
        "last year",
        "earlier this month",
        f"on {day.isoformat()}",
        f"between {min(day.day, 26)} and {min(day.day, 26) + 2} {month}",
        "last week",
        "recently",
        f"in mid-{month}",
        f"in late {day.year}",
    ]
    return rng.choice(forms)


def dense_sentence(rng: random.Random, published: dt.date) -> str:
    """Return a sentence of the first round's generator: a date in about two sentences of three."""
    kind = rng.random()
    if kind < 0.35:
        return rng.choice(FILLER)
    actor, other = rng.choice(ACTORS), rng.choice(ACTORS)
    place, agreement = rng.choice(PLACES), rng.choice(AGREEMENTS)
    when = date_expression(rng, published)
    templates = [
        f"{actor} {rng.choice(VERBS_PAST)} {other} in {place} {when}.",
        f"{actor} and {other} signed the {agreement} {when}, officials said.",
        f"According to {actor}, fighting near {place} resumed {when} after the {agreement} collapsed.",
        f"{actor} will meet {other} in {place} {when}, the ministry said.",
        f'"We will not allow this," {actor} said {when}, referring to {place}.',
        f"The {agreement} was discussed {when} and again two months later.",
        f"{actor} said that {other} had struck positions near {place}.",
    ]
    return rng.choice(templates)


# Background and reaction sentences of real reports: they name curated things but pin no date
# (vague times, durations and numbers only), so the pipeline must reject them cheaply.
UNDATED = [
    "{actor} accused {other} of violating the {agreement} and warned of consequences.",
    "Fighting around {place} has displaced tens of thousands of people, according to {actor}.",
    "{actor} officials did not respond to a request for comment on the situation in {place}.",
    "The {agreement} calls for a demilitarised zone 15 to 20 km deep around {place}.",
    "{actor} has deployed about 2,000 troops near {place} in recent weeks, {other} said.",
    "Residents of {place} said they had heard heavy shelling overnight and that many families fled.",
    "Analysts say {actor} and {other} have little interest in a wider confrontation.",
    "{actor} recently stepped up its presence along the road to {place}, a monitoring group said.",
    "The offensive, which {actor} says targets militants, has drawn criticism from {other}.",
    "Under the {agreement}, heavy weapons were to be withdrawn within 90 days.",
    '"We will not allow terrorists to remain in {place}," a spokesman for {actor} said.',
    "{actor} and {other} have held several rounds of talks since the war began.",
]
DATED = [
    "{actor} {verb} {other} in {place} {when}.",
    "{actor} and {other} signed the {agreement} {when}, officials said.",
    "According to {actor}, fighting near {place} resumed {when} after the {agreement} collapsed.",
    "{actor} will meet {other} in {place} {when}, the ministry said.",
    '"We will not allow this," {actor} said {when}, referring to {place}.',
    "The {agreement} was discussed {when}, but no agreement on {place} was reached.",
    "{actor} forces shelled villages south of {place} {when}, killing at least 12 civilians, {other} said.",
    "The talks in {place} {when} ended without a joint statement from {actor} and {other}.",
]


def realistic_sentence(rng: random.Random, published: dt.date) -> str:
    """Return a sentence of a real report: most name something, about one in five pins a date."""
    kind = rng.random()
    if kind < 0.2:
        return rng.choice(FILLER)
    values = {
        "actor": rng.choice(ACTORS),
        "other": rng.choice(ACTORS),
        "place": rng.choice(PLACES),
        "agreement": rng.choice(AGREEMENTS),
    }
    if kind < 0.78:
        return rng.choice(UNDATED).format(**values)
    return rng.choice(DATED).format(verb=rng.choice(VERBS_PAST), when=date_expression(rng, published), **values)


GENERATORS = {"realistic": realistic_sentence, "dense": dense_sentence}


def make_article(rng: random.Random, index: int, published: dt.date | None = None, style="realistic") -> dict:
    published = published or dt.date(2012, 1, 1) + dt.timedelta(days=rng.randint(0, 4700))
    sentence = GENERATORS[style]
    target = rng.randint(200, 1000)
    paragraphs, words = [], 0
    while words < target:
        para = " ".join(sentence(rng, published) for _ in range(rng.randint(2, 5)))
        words += len(para.split())
        paragraphs.append(para)
    return {"id": f"bench-{index}", "published": published.isoformat(), "text": "\n\n".join(paragraphs)}


def rss_kib() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def run_pipeline(articles, gazetteer) -> float:
    started = time.process_time()
    for article in articles:
        extract_events(article["text"], dt.date.fromisoformat(article["published"]), gazetteer)
    return time.process_time() - started


def run_extract_path(lines, gazetteer) -> float:
    from tracker.management.commands.extract import event_row, read_article

    out = io.StringIO()
    started = time.process_time()
    for line in lines:
        article_id, text, published = read_article(line)
        rows = [event_row(e, gazetteer) for e in extract_events(text, published, gazetteer)]
        out.write(json.dumps({"id": article_id, "events": rows}, ensure_ascii=False) + "\n")
    return time.process_time() - started


def run_naive(lines) -> tuple[float, float]:
    """Return (seconds for the lines, seconds of start-up) of the naive baseline, as CPU time of the child."""
    script = SHARED / "naive_extract.py"

    def timed(payload: str) -> float:
        with tempfile.TemporaryFile("w+") as handle:
            handle.write(payload)
            handle.seek(0)
            before = os.times()
            subprocess.run(
                [sys.executable, str(script), str(SHARED / "names.json")],
                stdin=handle,
                stdout=subprocess.DEVNULL,
                check=True,
            )
            after = os.times()
        return (after.children_user - before.children_user) + (after.children_system - before.children_system)

    startup = min(timed("") for _ in range(2))
    return timed("".join(lines)), startup


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--naive", type=int, default=40, help="articles for the naive baseline (it is slow)")
    parser.add_argument("--memory", type=int, default=10000, help="articles with distinct dates for RSS growth")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="rounds of every measure; the best of each is shown")
    parser.add_argument(
        "--style",
        choices=sorted(GENERATORS),
        default="realistic",
        help="realistic: names in most sentences, a date in about one of five; dense: the first round's articles",
    )
    args = parser.parse_args()

    import django

    django.setup()
    rng = random.Random(args.seed)
    gazetteer = Gazetteer.from_data(gazetteer_data_from_names(NAMES))
    articles = [make_article(rng, i, style=args.style) for i in range(args.articles)]
    lines = [json.dumps(a, ensure_ascii=False) + "\n" for a in articles]
    words = sum(len(a["text"].split()) for a in articles)
    print(f"articles={len(articles)} words/article={words / len(articles):.0f} seed={args.seed} style={args.style}")

    extract_events("Turkey and Russia met in Sochi on 17 September 2018.", dt.date(2019, 1, 1), gazetteer)  # warm
    # Best of --repeat for each measure, taken in turns, so a burst of load from other work on a
    # shared machine hits one round rather than one side of the ratio.
    rounds = [
        (
            run_pipeline(articles, gazetteer),
            run_extract_path(lines, gazetteer),
            run_naive(lines[: args.naive]),
            run_pipeline(articles[: args.naive], gazetteer),
        )
        for _ in range(args.repeat)
    ]
    pipeline = min(r[0] for r in rounds)
    path = min(r[1] for r in rounds)
    subset = lines[: args.naive]
    naive_total, naive_startup = min((r[2] for r in rounds), key=lambda n: n[0] - n[1])
    naive = max(naive_total - naive_startup, 1e-9)
    ours_subset = min(r[3] for r in rounds)
    print(
        f"pipeline      {len(articles) / pipeline:8.1f} articles/s  ({pipeline * 1000 / len(articles):.2f} ms/article)"
    )
    print(f"extract path  {len(lines) / path:8.1f} articles/s  ({path * 1000 / len(lines):.2f} ms/article)")
    print(
        f"naive         {len(subset) / naive:8.1f} articles/s  ({naive * 1000 / len(subset):.2f} ms/article, "
        f"{len(subset)} articles, start-up {naive_startup:.2f}s subtracted)"
    )
    print(f"speed-up      {(len(articles) / pipeline) / (len(subset) / naive):8.1f}x pipeline vs naive (per article)")
    print(f"              {(args.naive / ours_subset) / (len(subset) / naive):8.1f}x on the same {args.naive} articles")

    sample = articles[:200]
    found = sum(len(extract_events(a["text"], dt.date.fromisoformat(a["published"]), gazetteer)) for a in sample)
    print(f"events        {found / len(sample):8.1f} candidate events per article (first {len(sample)})")

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        run_pipeline(articles[:300], gazetteer)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)

    if args.memory:
        base = dt.date(1990, 1, 1)
        warm = max(args.memory // 20, 100)
        for i in range(warm):
            article = make_article(rng, i, base + dt.timedelta(days=i), args.style)
            extract_events(article["text"], dt.date.fromisoformat(article["published"]), gazetteer)
        before = rss_kib()
        for i in range(warm, args.memory):
            article = make_article(rng, i, base + dt.timedelta(days=i), args.style)
            extract_events(article["text"], dt.date.fromisoformat(article["published"]), gazetteer)
        after = rss_kib()
        print(
            f"memory        RSS {before / 1024:.1f} MiB after {warm} articles, {after / 1024:.1f} MiB after "
            f"{args.memory} with distinct dates: growth {100 * (after - before) / before:.1f}%"
        )


if __name__ == "__main__":
    main()
