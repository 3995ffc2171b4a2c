"""`tracker run` reloads its configuration while it runs: when the file changes and on SIGHUP.
New targets and sites' rules are in force at once (the extraction processes too); a file that
no longer loads is one log line and the last good configuration stays."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.httpserver import TestHTTPServer
from tests.newsroom import story_paragraphs
from tests.test_run_sources import wait_for
from tracker.cli.daemon import live_settings
from tracker.store import Store
from tracker.store.polling import add_story


def hook_config(path: Path, *names: str) -> None:
    path.write_text(
        "".join(f"[[alerts]]\nname = '{n}'\nwebhook = 'http://127.0.0.1:9/{n}'\n\n" for n in names)
    )


def test_a_changed_file_is_reloaded_and_a_broken_one_is_not(
    store: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = tmp_path / "tracker.toml"
    hook_config(config, "desk")
    live = live_settings(store, config, None, None, None, ["http://127.0.0.1:9/flag"], None)
    assert next(t.name for t in live.settings.targets) == "desk"
    assert live.check() is False  # nothing changed
    hook_config(config, "desk", "bot")
    assert live.check() is True
    assert [t.name for t in live.settings.targets][:2] == ["desk", "bot"]
    assert len(live.settings.targets) == 3  # the --webhook flag still adds its target
    config.write_text("[[alerts]]\nname = 'x'\nwebhook = 'ftp://nowhere'\n")
    with caplog.at_level(logging.WARNING, logger="tracker.jobs"):
        assert live.check() is False
    assert "configuration not reloaded" in caplog.text and "tracker.toml:3" in caplog.text
    assert [t.name for t in live.settings.targets][:2] == ["desk", "bot"]  # the last good one
    hook_config(config, "desk", "bot")
    live.ask()  # SIGHUP: reloaded even when the file did not change since the last look
    assert live.check() is True and live.reloads == 2


def promo_page(killed: int) -> str:
    story = "".join(f"<p>{p}</p>" for p in story_paragraphs(0, killed))
    promo = "".join(
        f"<p>Subscribe to newsletter number {n} for the top headlines, delivered free to your "
        f"inbox before breakfast on day {n}, with puzzles, recipes and long reads.</p>"
        for n in range(8)
    )
    return (
        "<!doctype html><html><head><title>Ferry capsizes</title></head><body>"
        f"<article>{promo}</article><div class='story-body'>{story}</div></body></html>"
    )


def test_sighup_reloads_the_sites_rules_of_a_running_daemon(
    http_server: TestHTTPServer, db_url: str, tmp_path: Path
) -> None:
    http_server.page("/world/ferry", promo_page(32))
    url = http_server.url("/world/ferry")
    with Store(db_url) as store:
        add_story(store, url)
    config = tmp_path / "tracker.toml"
    config.write_text("")
    env = {**os.environ, "TRACKER_ALLOW_PRIVATE": "1"}
    env.pop("TRACKER_SITES", None)
    command = [
        sys.executable, "-m", "tracker", "run", "--db", db_url, "--config", str(config),
        "--tick", "0.2s", "--facts-every", "0", "--min-interval", "1s", "--max-interval", "1s",
        "--extract-workers", "1", "--for", "120s",
    ]  # fmt: skip
    log_path = tmp_path / "run.log"
    with log_path.open("w") as log:
        daemon = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)

    def texts() -> list[str]:
        with Store(db_url) as store:
            return [
                " ".join(s.text for s in store.version(url, v.number).sentences)
                for v in store.history(url)
            ]

    try:
        wait_for(lambda: len(texts()) == 1, 60, "v1")
        assert "newsletter" in texts()[0]  # no selector yet: trafilatura takes the promotion
        config.write_text('[sites."127.0.0.1"]\nselector = "div.story-body"\n')
        daemon.send_signal(signal.SIGHUP)
        wait_for(lambda: "configuration reloaded (SIGHUP)" in log_path.read_text(), 30, "reload")
        http_server.page("/world/ferry", promo_page(60))
        wait_for(lambda: len(texts()) == 2, 30, "v2")
        assert "At least 60 people were killed" in texts()[1]
        assert "newsletter" not in texts()[1]  # the extraction process has the new rule

        config.write_text('[sites."127.0.0.1"]\nselector = "div["\n')  # broken
        daemon.send_signal(signal.SIGHUP)
        wait_for(lambda: "configuration not reloaded" in log_path.read_text(), 30, "refusal")
        http_server.page("/world/ferry", promo_page(75))
        wait_for(lambda: len(texts()) == 3, 30, "v3, polling goes on")
        assert "At least 75 people" in texts()[2] and "newsletter" not in texts()[2]
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=60)
    log_text = log_path.read_text()
    assert daemon.returncode == 0, log_text[-2000:]
    refusal = next(line for line in log_text.splitlines() if "not reloaded" in line)
    assert "tracker.toml:2: sites.127.0.0.1.selector: not a CSS selector" in refusal
