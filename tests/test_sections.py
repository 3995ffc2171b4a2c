"""The update / earlier / body split, for every marker layout we know."""

from __future__ import annotations

import pytest

from tests.conftest import SEED
from tracker.extract import parse_text
from tracker.sections import split_article, split_text

UPDATE = "LISBON, Portugal -- Rescuers pulled 14 survivors from the collapsed ferry on Friday."
EARLIER = "LISBON, Portugal (AP) — A ferry capsized near the harbour, officials said."
EARLIER_2 = "It was not clear how many people were aboard."

AP_MARKERS = [
    "THIS IS A BREAKING NEWS UPDATE. AP's earlier story follows below.",
    "This is a breaking news update. AP's earlier story follows below.",
    "THIS IS A BREAKING NEWS UPDATE. AP’s earlier story follows below.",
    "This is a breaking news update. Check back soon for further information. "
    "AP's earlier story is below.",
    "this is a breaking news update.  check back soon for further information.  "
    "AP’s earlier story is below.",
]


def _article(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


@pytest.mark.parametrize("marker", AP_MARKERS)
def test_ap_marker_standing_alone_splits_update_from_earlier(marker: str) -> None:
    split = split_text(_article(UPDATE, marker, EARLIER, EARLIER_2))
    assert split.kinds == ["update", "earlier"]
    assert split.marker == " ".join(marker.split())
    assert split.section("update").text == UPDATE
    assert split.section("earlier").paragraphs == (EARLIER, EARLIER_2)


@pytest.mark.parametrize("marker", AP_MARKERS)
def test_ap_marker_after_an_underscore_rule(marker: str) -> None:
    split = split_text(_article(UPDATE, "___", marker, EARLIER))
    assert split.kinds == ["update", "earlier"]
    assert "___" not in split.section("update").text


@pytest.mark.parametrize("marker", AP_MARKERS)
def test_ap_marker_glued_to_the_end_of_a_paragraph(marker: str) -> None:
    split = split_text(_article(UPDATE + " " + marker, EARLIER))
    assert split.section("update").text == UPDATE
    assert split.section("earlier").text == EARLIER


def test_file_that_starts_at_the_marker_has_only_an_earlier_section() -> None:
    split = split_text(_article("___", AP_MARKERS[2], EARLIER, EARLIER_2))
    assert split.kinds == ["earlier"]
    assert split.marker == AP_MARKERS[2]


def test_update_label_above_original_label() -> None:
    split = split_text(_article("UPDATE 5:06 p.m.: " + UPDATE, "ORIGINAL:", EARLIER, EARLIER_2))
    assert split.kinds == ["update", "earlier"]
    assert split.section("update").text == UPDATE
    assert split.section("earlier").paragraphs[0] == EARLIER


def test_updated_timestamp_and_original_post_keep_the_headline_out() -> None:
    text = _article(
        "Ferry Capsizes Near Lisbon",
        "A ferry overturned in the harbour with dozens aboard.",
        "Updated on May 4 at 3:41 a.m. ET",
        UPDATE,
        "Our original post:",
        EARLIER,
    )
    split = split_text(text)
    assert split.section("update").text == UPDATE
    assert split.section("earlier").text == EARLIER
    assert split.header == ("A ferry overturned in the harbour with dozens aboard.",)


def test_update_headline_above_a_wire_story_splits_at_its_dateline() -> None:
    text = _article(
        "Update: Ferry operator says 52 aboard capsized boat",
        "May 4, 2021 6:50 AM by Ana Costa",
        "The ferry operator says 52 people were aboard the boat that capsized.",
        "Rescuers are still searching the harbour.",
        "LISBON, Portugal (AP) - A ferry carrying 48 people capsized near the harbour.",
        "Officials say the weather was calm.",
    )
    split = split_text(text)
    assert split.kinds == ["update", "earlier"]
    assert split.section("update").paragraphs[0].startswith("The ferry operator says 52")
    assert split.section("earlier").paragraphs[0].startswith("LISBON, Portugal (AP)")


def test_story_without_marker_is_one_body_section() -> None:
    split = split_text(_article(EARLIER, EARLIER_2))
    assert split.kinds == ["body"]
    assert split.marker is None


def test_second_dateline_without_an_update_cue_is_not_a_split() -> None:
    split = split_text(_article(EARLIER, "Meanwhile:", "MADRID (AP) — Spain sent two ships."))
    assert split.kinds == ["body"]


def test_bulletin_marker_without_earlier_story_is_all_update() -> None:
    split = split_text(_article(UPDATE, "THIS IS A BREAKING NEWS UPDATE. Check back soon."))
    assert split.kinds == ["update"]
    assert split.section("update").text == UPDATE


def test_seed_splits_where_the_gold_says() -> None:
    split = split_article(parse_text(SEED.read_text()))
    assert split.kinds == ["update", "earlier"]
    assert split.section("update").text.startswith(
        "YEREVAN, ARMENIA -- Azerbaijan said Monday that it shot down"
    )
    assert split.section("earlier").text.startswith(
        "Reflecting the strategic importance of the city"
    )


def test_extra_markers_file_adds_a_phrasing(tmp_path, monkeypatch) -> None:
    extra = tmp_path / "markers.toml"
    extra.write_text(
        '[[marker]]\nname = "x"\nrole = "separator"\nstandalone = true\n'
        "pattern = '''^-- earlier reporting --$'''\n"
    )
    monkeypatch.setenv("TRACKER_MARKERS", str(extra))
    split = split_text(_article(UPDATE, "-- Earlier reporting --", EARLIER))
    assert split.kinds == ["update", "earlier"]
