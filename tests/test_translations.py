"""Every user-facing string has its Chinese translation, and the compiled catalogue
matches the source catalogue.

The extraction runs Django's makemessages on a copy of the project, so a string added
without a translation fails here instead of showing up in English to the zone's staff.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
SKIP_DIRS = {".venv", "var", "static", ".git", "node_modules", "__pycache__", "bench"}


def _copy_project(target: Path) -> None:
    for item in ROOT.iterdir():
        if item.name in SKIP_DIRS or item.name.startswith("."):
            continue
        if item.is_dir():
            shutil.copytree(item, target / item.name, ignore=shutil.ignore_patterns(*SKIP_DIRS))
        else:
            shutil.copy2(item, target / item.name)


def test_every_extracted_string_is_translated(tmp_path):
    if shutil.which("xgettext") is None:
        pytest.fail("gettext is missing: `make test` installs it (scripts/setup.sh)")
    _copy_project(tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    catalogue = polib.pofile(str(tmp_path / PO.relative_to(ROOT)))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not untranslated, f"untranslated strings: {untranslated}"
    assert not fuzzy, f"fuzzy (unchecked) translations: {fuzzy}"


def test_compiled_catalogue_matches_the_source():
    source = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0)
        for e in polib.pofile(str(PO))
        if e.translated()
    }
    compiled = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0)
        for e in polib.mofile(str(MO))
        if e.msgid
    }
    assert source == compiled, "run `make messages` to compile locale/zh_Hans"
