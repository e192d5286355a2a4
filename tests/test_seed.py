"""The seed article is kept verbatim: its hash is pinned, and its README says so."""

import hashlib
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SHA256 = "1f22c9cf6d6b2cd75b648a21eef28e5a3d6ee9f30514a3516b82d5b358ade7c5"


def test_seed_article_is_unchanged():
    data = (SEEDS / "000_cc7a9aa5aad3444a.txt").read_bytes()
    assert hashlib.sha256(data).hexdigest() == SHA256


def test_seed_readme_gives_the_hash_and_the_warning():
    readme = (SEEDS / "README.md").read_text(encoding="utf-8")
    assert SHA256 in readme
    assert "contains errors" in readme
