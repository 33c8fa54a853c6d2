"""fontconfig is asked about the roles' face names, and which Chinese faces it knows, as a
conversion starts, without waiting; resolving the fonts then reads those answers instead of
asking again."""
from __future__ import annotations

from pipeline import fonts
from pipeline.config import Settings


def test_the_lookups_started_early_are_read_not_asked_again(monkeypatch):
    started = []

    class Process:
        returncode = 0

        def __init__(self, args, **_kwargs):
            self.args = tuple(args)
            started.append(args[0] if self.args == fonts.FC_LIST else args[-1])

        def communicate(self, timeout=None):
            if self.args == fonts.FC_LIST:
                return b"/fonts/fake.ttf\n/fonts/readme.txt\n", None
            return b"Fake Song\t/fonts/fake.ttf\t0\n", None

    monkeypatch.setattr(fonts.subprocess, "Popen", Process)
    monkeypatch.setattr(fonts, "_uses_fontconfig", lambda settings: True)
    monkeypatch.setattr(fonts, "_fc_answers", {})
    monkeypatch.setattr(fonts, "_fc_asked", {})
    monkeypatch.setattr(fonts, "_fc_listing", {})
    settings = Settings(fonts={"body": "未装的仿宋"})  # font settings of this test alone
    patterns = list(dict.fromkeys(fonts._role_patterns(settings)))
    fonts.start_lookups(settings)
    assert started == [*patterns, "fc-list"] and not fonts._fc_answers  # started, not waited for
    assert isinstance(fonts._fc_listing["files"], Process)
    fonts._fc_ask_for_roles(settings)
    assert fonts._fc_list_files() == ("/fonts/fake.ttf",)
    assert fonts._fc_list_files() == ("/fonts/fake.ttf",)
    assert started == [*patterns, "fc-list"]
    assert fonts._fc_sorted(patterns[1]) == ((("Fake Song",), "/fonts/fake.ttf", 0),)


def test_a_failed_listing_names_no_files(monkeypatch):
    class Process:
        returncode = 1

        def __init__(self, args, **_kwargs):
            pass

        def communicate(self, timeout=None):
            return b"/fonts/fake.ttf\n", None

    monkeypatch.setattr(fonts.subprocess, "Popen", Process)
    monkeypatch.setattr(fonts, "_fc_listing", {})
    assert fonts._fc_list_files() == ()
