"""The suite keeps to itself: a conversion with the default settings caches its fonts in the
suite's own folder, never in the user's cache."""
from __future__ import annotations

from pipeline import fonts
from pipeline.config import Settings
from pipeline.convert import render

from .conftest import SUITE_CACHE


def test_default_settings_cache_fonts_in_the_suite_folder(reference_tree):
    assert fonts.cache_dir(Settings()).is_relative_to(SUITE_CACHE)
    render(reference_tree, Settings(), ["pdf"])
    assert any((SUITE_CACHE / "pipeline" / "fonts").iterdir())
