"""fontconfig is asked about the roles' face names, and which Chinese faces it knows, as a
conversion starts, without waiting; resolving the fonts then reads those answers instead of
asking again. The face names are asked about in one process (a shell running ``fc-match``
for each in turn) where there is a shell, else one ``fc-match`` each."""
from __future__ import annotations

import pytest

from pipeline import fonts
from pipeline.config import Settings

ANSWER = b"Fake Song\t/fonts/fake.ttf\t0\n"


@pytest.fixture
def started(monkeypatch):
    """What each process started asked about (its patterns, or "fc-list"), in order."""
    asked: list[tuple[str, ...]] = []

    class Process:
        returncode = 0

        def __init__(self, args, **_kwargs):
            self.args = tuple(args)
            if self.args == fonts.FC_LIST:
                self.patterns = ("fc-list",)
            elif self.args[1] == "-c":  # the shell: sh -c SCRIPT sh FORMAT PATTERN …
                assert self.args[2] == fonts.FC_MATCH_EACH and self.args[4] == fonts.FC_MATCH_FORMAT
                self.patterns = self.args[5:]
            else:
                assert self.args[:3] == ("fc-match", "-s", fonts.FC_MATCH_FORMAT)
                self.patterns = self.args[3:]
            asked.append(self.patterns)

        def communicate(self, timeout=None):
            if self.args == fonts.FC_LIST:
                return b"/fonts/fake.ttf\n/fonts/readme.txt\n", None
            if len(self.patterns) == 1:
                return ANSWER, None
            return b"".join(ANSWER + b"\x1e\n" for _ in self.patterns), None

    monkeypatch.setattr(fonts.subprocess, "Popen", Process)
    monkeypatch.setattr(fonts, "_uses_fontconfig", lambda settings: True)
    monkeypatch.setattr(fonts, "_fc_answers", {})
    monkeypatch.setattr(fonts, "_fc_asked", {})
    monkeypatch.setattr(fonts, "_fc_listing", {})
    return asked


def test_the_lookups_started_early_are_read_not_asked_again(started):
    settings = Settings(fonts={"body": "未装的仿宋"})  # font settings of this test alone
    patterns = tuple(dict.fromkeys(fonts._role_patterns(settings)))
    fonts.start_lookups(settings)
    assert started == [patterns, ("fc-list",)] and not fonts._fc_answers  # one process, not waited for
    fonts._fc_ask_for_roles(settings)
    assert fonts._fc_list_files() == ("/fonts/fake.ttf",)
    assert fonts._fc_list_files() == ("/fonts/fake.ttf",)
    assert started == [patterns, ("fc-list",)]
    assert all(fonts._fc_sorted(p) == ((("Fake Song",), "/fonts/fake.ttf", 0),) for p in patterns)
    assert fonts._fc_sorted("Another:lang=zh-cn") == ((("Fake Song",), "/fonts/fake.ttf", 0),)
    assert started[-1] == ("Another:lang=zh-cn",)  # one pattern: fc-match itself


def test_without_a_shell_each_pattern_is_its_own_process(started, monkeypatch):
    monkeypatch.setattr(fonts, "_shell", lambda: None)
    patterns = ["Song:lang=zh-cn", "Kai:lang=zh-cn"]
    fonts._fc_ask(patterns)
    assert started == [(p,) for p in patterns]
    assert all(fonts._fc_answers[p] == ((("Fake Song",), "/fonts/fake.ttf", 0),) for p in patterns)


def test_the_shell_asks_fontconfig_as_fc_match_answers():
    """The real shell and fontconfig, where there are both: the answers of one process asking
    about several patterns are those of ``fc-match`` asked about each."""
    import subprocess

    if fonts._shell() is None or not fonts._fc_installed():
        pytest.skip("no shell or no fontconfig here")
    patterns = ("FangSong:lang=zh-cn", "no-such-face:lang=zh-cn:weight=bold", "Sans")
    one_each = {p: fonts._fc_parse(subprocess.run(["fc-match", "-s", fonts.FC_MATCH_FORMAT, p],
                                                  capture_output=True, text=True).stdout) for p in patterns}
    assert fonts._FcAsked(patterns).answers() == one_each


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
