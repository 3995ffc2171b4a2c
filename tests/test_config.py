"""tracker.toml: a good file loads; `tracker config check` names the line and the problem."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.config import ConfigError, load_config
from tracker.sites import load as load_sites
from tracker.sites import write as write_sites

GOOD = """\
base_url = "https://desk.example/tracker"
feed_dir = "feeds"

[[sources]]
url = "https://News.Example/world/rss.xml?utm_source=x"
label = "World"
every = "2m"
story_every = "90s"
include = ["/world/"]
exclude = ["/live/"]
keywords = ["ferry"]
archive = true

[sites."news.example"]
markers = ['^This story will be updated\\.$']
corrections = ["^Correction:"]
selector = "article .story-body"
every = "3m"

[[alerts]]
name = "desk"
apprise = "mailto://127.0.0.1:2525?from=t@news.example&to=d@news.example"
labels = ["World"]
digest = "15m"

[[alerts]]
webhook = "http://127.0.0.1:9/hook"
secret = "k"
min_significance = "minor"

[archive]
endpoint = "http://127.0.0.1:9"
"""


def check(path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tracker", "config", "check", "--config", str(path), *extra],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_good_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "tracker.toml"
    path.write_text(GOOD)
    config = load_config(path)
    [source] = config.sources
    assert source.url == "https://news.example/world/rss.xml"
    assert (source.every_seconds, source.story_every_seconds) == (120, 90)
    assert source.include == ("/world/",) and source.archive
    assert config.site("www.news.example").every_seconds == 180  # a subdomain finds its site
    assert config.alerts[0].name == "desk"
    assert config.alerts[0].digest_seconds == 900 and config.alerts[1].kind == "webhook"
    assert config.alerts[1].min_significance == "minor"
    assert config.archive.endpoint == "http://127.0.0.1:9"
    published = load_sites(write_sites(config.book, tmp_path / "sites.json"))
    rules = published.for_url("https://www.news.example/world/a-story")
    assert rules is not None and "This story will be updated" in rules.markers[0]
    result = check(path, "--json")
    assert result.returncode == 0 and json.loads(result.stdout)["ok"] is True
    plain = check(path)
    assert "ok — 1 source, 1 site, 2 alert targets" in plain.stdout


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ('base_url = "https://x.example"\n[[sources]\nurl = "x"\n', 2, "TOML syntax"),
        ('[[sources]]\nlabel = "no url"\n', 1, "sources[1].url: is required"),
        ('[[sources]]\nurl = "https://a.example/rss"\n\n[[sources]]\nurl = "https://b.example/"\n'
         'every = "soon"\n', 6, "sources[2].every: not a duration"),
        ('[[alerts]]\nname = "x"\nwebhook = "http://127.0.0.1:9/"\nmin_significance = "big"\n',
         4, "must be fact, minor or style"),
        ('[[alerts]]\nname = "x"\n', 1, "give exactly one of apprise"),
        ('[[alerts]]\napprise = "nonsense"\n', 2, "not an Apprise URL"),
        ('[sites."news.example"]\nmarkers = ["(unclosed"]\n', 2, "not a regular expression"),
        ('colour = "blue"\n', 1, "unknown key 'colour'"),
        ('[[sources]]\nurl = "https://a.example/"\nincludes = ["/x/"]\n', 3, "unknown key"),
    ],
)  # fmt: skip
def test_config_check_names_the_line_and_the_problem(
    tmp_path: Path, text: str, line: int, needle: str
) -> None:
    path = tmp_path / "tracker.toml"
    path.write_text(text)
    result = check(path)
    assert result.returncode == 2
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{path}:{line}:"), result.stderr
    assert needle in first and "Traceback" not in result.stderr
    document = json.loads(check(path, "--json").stdout)
    assert document["ok"] is False and document["problems"][0]["line"] == line


def test_every_problem_is_listed(tmp_path: Path) -> None:
    path = tmp_path / "tracker.toml"
    path.write_text('colour = "blue"\n[[sources]]\nurl = "ftp://x"\n')
    result = check(path)
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 2
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert len(raised.value.problems) == 2 and "see: tracker config check" in str(raised.value)


def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    result = check(tmp_path / "nope.toml")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "no such configuration file" in result.stderr


def test_run_refuses_a_broken_config_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "tracker.toml"
    path.write_text('[[alerts]]\nwebhook = "ftp://x"\n')
    env = {**os.environ, "TRACKER_CONFIG": str(path)}
    result = subprocess.run(
        [sys.executable, "-m", "tracker", "run", "--db", str(tmp_path / "t.db"), "--for", "1s"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert f"{path}:2: alerts[1].webhook" in result.stderr and result.stderr.count("\n") == 1


def test_without_a_file_the_flags_alone_apply(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRACKER_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    config = load_config(None)
    assert config.sources == () and config.alerts == () and config.path is None
