"""Check extraction on real news pages: expected snippets found, page furniture leaked.

    python benchmarks/extract_eval.py ../shared/pages

The folder holds HTML files and an ``expected.json`` mapping each page's URL to
``{"file", "with": [...], "without": [...]}`` (snippets that must / must not be in
the article text). Prints one line per page and a summary; also times extraction.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from tracker.errors import InputError
from tracker.extract import parse_bytes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    expected = json.loads((args.folder / "expected.json").read_text())
    found = wanted = leaked = unwanted = 0
    elapsed = 0.0
    for url, spec in sorted(expected.items(), key=lambda kv: kv[1]["file"]):
        data = (args.folder / spec["file"]).read_bytes()
        start = time.perf_counter()
        try:
            article = parse_bytes(data, url=url, name=spec["file"])
            text = (article.title or "") + "\n" + article.text
        except InputError as exc:
            text = ""
            print(f"{spec['file']}: {exc}")
        elapsed += time.perf_counter() - start
        hits = sum(snippet in text for snippet in spec.get("with", []))
        leaks = sum(snippet in text for snippet in spec.get("without", []))
        found, wanted = found + hits, wanted + len(spec.get("with", []))
        leaked, unwanted = leaked + leaks, unwanted + len(spec.get("without", []))
        print(
            f"{spec['file']:40} with {hits}/{len(spec.get('with', []))}"
            f"  without-leaks {leaks}/{len(spec.get('without', []))}"
        )
    pages = len(expected)
    print(
        f"found {found}/{wanted} expected snippets, leaked {leaked}/{unwanted} furniture snippets; "
        f"{elapsed / pages * 1000:.1f} ms per page ({pages} pages)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
