"""Store articles from files and folders: text, HTML, JSON, JSON Lines, RSS and Atom."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from tracker.ingest import SUFFIXES, IngestReport, ingest_bytes


def _files(paths):
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        else:
            yield path


class Command(BaseCommand):
    help = "Store articles from files or folders and queue them for parsing. Ends with the counts."

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="+", type=Path, help="Files (.txt .html .json .jsonl .rss .atom .xml) or folders."
        )

    def handle(self, *paths, **options):
        missing = [str(p) for p in options["paths"] if not p.exists()]
        if missing:
            raise CommandError(f"No such file or folder: {', '.join(missing)}")
        files = list(_files(options["paths"]))
        report = IngestReport()
        with tqdm(unit=" articles", file=sys.stderr, disable=not sys.stderr.isatty()) as bar:
            for path in files:
                bar.set_description(path.name)
                try:
                    data = path.read_bytes()
                except OSError as exc:
                    report.failed.append((str(path), f"cannot read: {exc.strerror}"))
                    continue
                report.merge(ingest_bytes(str(path), data, progress=bar.update))
        for where, reason in report.failed:
            self.stderr.write(f"failed {where}: {reason}")
        style = self.style.WARNING if report.failed else self.style.SUCCESS
        self.stdout.write(style(f"{len(files)} files: {report.summary}"))
