import io
import shutil
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from tracker.models import Article

DATA = Path(__file__).parent / "data" / "ingest"

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    with mock.patch("tracker.tasks.parse_article.delay"):
        call_command("ingest", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_ingests_a_folder_and_ends_with_the_counts(tmp_path):
    for name in ("articles.jsonl", "feed.rss", "feed.atom", "page.html", "note.txt", "latin1.txt"):
        shutil.copy(DATA / name, tmp_path / name)
    (tmp_path / "ignored.png").write_bytes(b"\x89PNG")
    out, err = run(str(tmp_path))
    assert "6 files: created 8, duplicates 1, failed 6" in out
    assert f"failed {tmp_path / 'articles.jsonl'}:2: not valid JSON" in err
    assert "latin1.txt: not UTF-8 text: byte 0xe9 at offset 3" in err
    assert Article.objects.count() == 8
    out, _ = run(str(tmp_path))
    assert "created 0, duplicates 9, failed 6" in out


def test_it_ingests_single_files(tmp_path):
    out, err = run(str(DATA / "feed.atom"), str(DATA / "note.txt"))
    assert "2 files: created 3, duplicates 0, failed 0" in out
    assert err == ""


def test_it_names_paths_that_do_not_exist(tmp_path):
    with pytest.raises(CommandError, match="No such file or folder: .*missing.jsonl"):
        run(str(tmp_path / "missing.jsonl"))


def test_it_draws_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path):
    _, err = run(str(DATA / "feed.atom"))
    assert "articles/s" not in err and "it/s" not in err
