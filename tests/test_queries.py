"""Queries over a story's versions: diffs by name, history summaries, fact timeline, blame.

The fixture story (written for these tests) is a ferry capsizing in four versions:
v1 the first report; v2 a breaking update on top of it; v3 a rewrite without the
marker (one sentence moved, one edited, one dropped, one new); v4 one sentence added.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tracker import queries
from tracker.errors import InputError, NotFoundError
from tracker.facts.model import Fact
from tracker.ingest import ingest_file
from tracker.store import Store

URL = "https://news.example/ferry"
TIMES = (
    datetime(2020, 3, 3, 8, 0, tzinfo=UTC),
    datetime(2020, 3, 4, 9, 0, tzinfo=UTC),
    datetime(2020, 3, 4, 15, 0, tzinfo=UTC),
    datetime(2020, 3, 5, 10, 0, tzinfo=UTC),
)
LEDE = "PORT ELLIS (Wire) — A passenger ferry capsized off the coast of Port Ellis on Tuesday."
EARLIER = f"""{LEDE}

At least 32 people were killed, the coast guard said.

It was not clear what caused the ferry to capsize.

Rescue boats searched the dark water through the night.

The ferry was carrying about 200 passengers when it left the harbour."""
V1 = EARLIER
V2 = f"""PORT ELLIS (Wire) — The coast guard said Wednesday that a cargo ship struck the ferry.

At least 60 people were killed, the coast guard said.

THIS IS A BREAKING NEWS UPDATE. The earlier story follows below.

{EARLIER}"""
V3 = """PORT ELLIS (Wire) — A cargo ship struck a passenger ferry off Port Ellis on Tuesday, \
and at least 60 people were killed, the coast guard said Wednesday.

The ferry was carrying about 200 passengers when it left the harbour.

Rescue boats searched the cold water through the night.

The captain of the cargo ship was detained by police."""
V4 = V3 + "\n\nDivers recovered the ferry's data recorder on Thursday."
VERSIONS = (V1, V2, V3, V4)


def write_versions(folder: Path) -> list[Path]:
    paths = []
    for n, text in enumerate(VERSIONS, start=1):
        path = folder / f"ferry-v{n}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def killed(store: Store, number: int) -> list[dict]:
    """Stored-fact rows for the version: each "N people were killed" sentence, as spaCy would."""
    rows = []
    for s in store.version(URL, number).sentences:
        for count in ("32", "60"):
            if f"{count} people were killed" in s.text:
                fact = Fact("quantity", s.index, "kill", "killed", number=count, value=float(count))
                rows.append(fact.to_json())
    return rows


def ingest_story(store: Store, folder: Path, *, facts: bool = True) -> None:
    """The four versions, stored without spaCy; with ``facts`` the counts as stored facts."""
    for n, path in enumerate(write_versions(folder), start=1):
        ingest_file(store, URL, path, at=TIMES[n - 1], facts=False)
        if facts:
            store.set_facts(URL, n, killed(store, n))


@pytest.fixture
def story(store: Store, tmp_path: Path) -> Store:
    ingest_story(store, tmp_path)
    return store


def test_history_has_one_summary_per_version(story: Store) -> None:
    assert [s.info.number for s in queries.history(story, URL)] == [1, 2, 3, 4]


def test_history_counts_sentences_added_edited_removed(story: Store) -> None:
    v4 = queries.history(story, URL)[3]
    assert v4.changes == queries.ChangeCounts(added=1, edited=0, removed=0, moved=0)


def test_history_first_version_has_no_changes(story: Store) -> None:
    assert queries.history(story, URL)[0].changes is None


def test_history_headline_is_the_most_important_fact_change(story: Store) -> None:
    assert (
        queries.history(story, URL)[1].headline == "Killed: At least 32 people → At least 60 people"
    )


def test_history_marks_a_breaking_update_arriving(story: Store) -> None:
    assert queries.history(story, URL)[1].events == ("breaking update arrived",)


def test_history_marks_the_marker_dropped(story: Store) -> None:
    assert queries.history(story, URL)[2].events == ("marker dropped: story rewritten",)


def test_history_since_keeps_later_versions_with_their_changes(story: Store) -> None:
    summaries = queries.history(story, URL, since="2020-03-04T12:00:00Z")
    assert [(s.info.number, s.changes is not None) for s in summaries] == [(3, True), (4, True)]


def test_history_says_when_facts_are_not_extracted(store: Store, tmp_path: Path) -> None:
    ingest_story(store, tmp_path, facts=False)
    assert queries.history(store, URL)[1].facts_pending


def test_history_of_an_unknown_story_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError):
        queries.history(store, URL)


def test_align_ids_pairs_identical_sentences_for_free() -> None:
    ops = queries.align_ids([1, 2, 3], [1, 2, 3], {})
    assert {op.op for op in ops} == {"equal"}


def test_align_ids_finds_a_moved_sentence_by_id() -> None:
    ops = queries.align_ids([1, 2, 3], [3, 1, 2], {})
    assert [(op.op, op.a, op.b) for op in ops if op.op == "moved"] == [("moved", (2,), (0,))]


def test_align_ids_aligns_changed_sentences_by_text() -> None:
    texts = {1: "Rescue boats searched the dark water.", 2: "Rescue boats searched the cold water."}
    assert [op.op for op in queries.align_ids([1], [2], texts)] == ["edited"]


def test_blame_names_the_version_that_introduced_each_sentence(story: Store) -> None:
    lines = {line.text: line for line in queries.blame(story, URL).lines}
    assert lines["Divers recovered the ferry's data recorder on Thursday."].introduced == 4


def test_blame_keeps_the_origin_of_a_moved_sentence(story: Store) -> None:
    lines = {line.text: line for line in queries.blame(story, URL).lines}
    line = lines["The ferry was carrying about 200 passengers when it left the harbour."]
    assert (line.introduced, line.edited) == (1, 1)


def test_blame_names_the_last_version_that_edited_a_sentence(story: Store) -> None:
    lines = {line.text: line for line in queries.blame(story, URL).lines}
    line = lines["Rescue boats searched the cold water through the night."]
    assert (line.introduced, line.edited) == (1, 3)


def test_blame_of_an_older_version_stops_there(story: Store) -> None:
    result = queries.blame(story, URL, "2")
    assert result.version.number == 2
    assert len(result.lines) == len(story.version(URL, 2).sentences)


def test_blame_at_a_time_picks_the_version_current_then(story: Store) -> None:
    assert queries.blame(story, URL, at="2020-03-04T10:00:00Z").version.number == 2


def test_fact_timeline_shows_a_count_across_versions(story: Store) -> None:
    timeline = queries.fact_timeline(story, URL)
    (count,) = [f for f in timeline.facts if f.label == "Killed"]
    assert [(p.version, p.value) for p in count.points] == [
        (1, "At least 32 people"),
        (2, "At least 60 people"),
        (3, "at least 60 people"),
        (4, "at least 60 people"),
    ]


def test_fact_timeline_lists_versions_without_facts(store: Store, tmp_path: Path) -> None:
    ingest_story(store, tmp_path, facts=False)
    assert queries.fact_timeline(store, URL).pending == (1, 2, 3, 4)


def test_pick_pair_defaults_to_the_last_two(story: Store) -> None:
    assert queries.pick_pair(story.history(URL), URL) == (3, 4)


def test_pick_pair_takes_negative_offsets(story: Store) -> None:
    assert queries.pick_pair(story.history(URL), URL, "-4", "-2") == (1, 3)


def test_pick_pair_at_a_time_diffs_that_version_with_the_one_before(story: Store) -> None:
    assert queries.pick_pair(story.history(URL), URL, at="2020-03-04T16:00Z") == (2, 3)


def test_pick_pair_refuses_a_reversed_range(story: Store) -> None:
    with pytest.raises(InputError, match="reversed"):
        queries.pick_pair(story.history(URL), URL, "3", "1")


def test_pick_pair_refuses_a_version_that_does_not_exist(story: Store) -> None:
    with pytest.raises(NotFoundError, match="no version 9"):
        queries.pick_pair(story.history(URL), URL, "1", "9")


def test_diff_versions_labels_sentences_with_their_sections(story: Store) -> None:
    view = queries.diff_versions(story, URL, "1", "2")
    assert set(view.b_sections) == {"update", "earlier"}
    assert set(view.a_sections) == {"body"}


def test_history_names_the_first_changed_sentence(story: Store) -> None:
    v4 = queries.history(story, URL)[3]
    assert v4.first_change == "Divers recovered the ferry's data recorder on Thursday."
