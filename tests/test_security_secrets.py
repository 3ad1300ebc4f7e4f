"""Secrets come from the environment, never from the repository."""

import re
import subprocess

import pytest

from tests.conftest import ROOT

# Shapes of real credentials; each is specific enough not to match ordinary text.
SECRET_SHAPES = {
    "private key": re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----"),
    "AWS access key": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9_]{60,}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}\b"),
    "Stripe key": re.compile(r"\b[sr]k_live_[A-Za-z0-9]{16,}\b"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    "password in a URL": re.compile(r"\b(?:postgres(?:ql)?|redis|amqp|mysql)://[^:/\s@]+:[^@\s/]{6,}@"),
    "Django secret key": re.compile(r"""SECRET_KEY\s*=\s*["'](?!django-insecure-)[^"'\s]{30,}["']"""),
}


def tracked_text_files():
    names = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False, timeout=30
    ).stdout.split(b"\0")
    for name in filter(None, names):
        path = ROOT / name.decode()
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        data = path.read_bytes()
        if b"\0" in data[:8000]:
            continue  # binary
        yield path, data.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def tracked():
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    files = list(tracked_text_files())
    assert files
    return files


def test_it_keeps_credentials_out_of_tracked_files(tracked):
    found = [
        (str(path.relative_to(ROOT)), what)
        for path, text in tracked
        for what, shape in SECRET_SHAPES.items()
        if shape.search(text)
    ]
    assert not found, f"possible secrets in the repository: {found}"


def test_it_recognises_the_shapes_it_looks_for():
    # Guard the guard, with made-up values.
    samples = {
        "private key": "-----BEGIN RSA PRIVATE " + "KEY-----",
        "AWS access key": "AKIA" + "ABCDEFGHIJKLMNOP",
        "GitHub token": "ghp_" + "a" * 36,
        "password in a URL": "postgres://tracker:" + "s3cret-pass" + "@db.example.org/tracker",
        "Django secret key": 'SECRET_KEY = "' + "q" * 50 + '"',
    }
    for what, sample in samples.items():
        assert SECRET_SHAPES[what].search(sample), what
    assert not SECRET_SHAPES["Django secret key"].search('SECRET_KEY = "django-insecure-development-only-key"')
    assert not SECRET_SHAPES["password in a URL"].search("postgres://postgres@127.0.0.1:5432/test")
