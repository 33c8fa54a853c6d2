"""fontconfig is asked about the roles' face names as a conversion starts, without waiting;
resolving the fonts then reads those answers instead of asking again."""
from __future__ import annotations

from pipeline import fonts
from pipeline.config import Settings


def test_the_lookups_started_early_are_read_not_asked_again(monkeypatch):
    started = []

    class Process:
        returncode = 0

        def __init__(self, args, **_kwargs):
            started.append(args[-1])

        def communicate(self, timeout=None):
            return b"Fake Song\t/fonts/fake.ttf\t0\n", None

    monkeypatch.setattr(fonts.subprocess, "Popen", Process)
    monkeypatch.setattr(fonts, "_uses_fontconfig", lambda settings: True)
    monkeypatch.setattr(fonts, "_fc_answers", {})
    monkeypatch.setattr(fonts, "_fc_asked", {})
    settings = Settings(fonts={"body": "未装的仿宋"})  # font settings of this test alone
    patterns = list(dict.fromkeys(fonts._role_patterns(settings)))
    fonts.start_lookups(settings)
    assert started == patterns and not fonts._fc_answers  # started, not waited for
    fonts._fc_ask_for_roles(settings)
    assert started == patterns
    assert fonts._fc_sorted(patterns[1]) == ((("Fake Song",), "/fonts/fake.ttf", 0),)
