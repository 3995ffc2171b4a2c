"""Poll: check due stories — claim, fetch, fingerprint, quality gate, ingest, log, reschedule.

One :class:`Poller` per process keeps up to ``concurrency`` checks in flight
through one shared :class:`~tracker.fetch.Fetcher`, claims more as they finish,
and writes outcomes in batches (one transaction for many check-log rows and
reschedules).

A fetched page is not extracted when nothing in it could be article text
changed: :func:`tracker.fingerprint.fingerprint` hashes only the story's located
article region (a few ``bytes.find`` calls and a sha256 of the region, under
the cost of a sha256 of the page), or, until the region is known, the text of
the page's paragraphs; only a new fingerprint pays for trafilatura and
:func:`tracker.ingest.ingest_article`, in a worker process (``extract_in="process"``,
what ``tracker run`` uses: off this process's GIL, on another core) or a worker
thread (the default for one-off polls; the poller then lowers the interpreter's
GIL switch interval to 0.5 ms so that thread does not stall the event loop).
Each extraction checks that the region still holds the article and locates it
again if not. Ad slots, view counters and timestamps outside the article change
the bytes, not the fingerprint.

The quality gate keeps failed extractions out of the history: a page with no
article, a stub, a consent/paywall/error page, or a text that shrank
drastically without its breaking-update marker changing is logged as a
``suspect`` check, not stored as a version.

Check outcomes: ``changed`` (a version was stored), ``unchanged``,
``not_modified`` (304), ``suspect``, ``gone`` (404/410), and the fetch failures
``rate_limited``, ``http_error``, ``timeout``, ``too_large``, ``refused``,
``redirect_loop``, ``network_error`` (plus ``error`` for a bug of ours).
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import re
import socket
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, NamedTuple

from sqlalchemy.orm import Session

from tracker.charsets import decode_body
from tracker.errors import InputError, TrackerError
from tracker.extract import parse_page
from tracker.fetch import Fetcher, FetchResult
from tracker.fingerprint import Region, covers, fingerprint, locate, text_fingerprint
from tracker.ingest import prepare
from tracker.model import Article, Split
from tracker.scheduler import Plan, SchedulePolicy, StoryClock, reschedule, worker_processes
from tracker.sections import split_article
from tracker.sites import every_for, salted
from tracker.store import SaveResult, Store, utcnow
from tracker.store.polling import (
    CheckRecord,
    DueStory,
    OwnerLock,
    claim_due,
    log_stored_check,
    next_due_at,
    reclaim_leases,
    record_checks,
    release_leases,
    story_ids,
)

# -- the cheap fingerprint: tracker.fingerprint ------------------------------------------

COVERAGE = 0.5  # share of the last version's words the text elements must hold
UNSCHEDULED = ("removed", "retired")  # statuses a named check does not re-schedule
RECLAIM_EVERY = 0.5  # seconds: look for newly due stories while checks are in flight
# seconds between looks for the leases of dead workers (at a poll's start, then in a daemon's
# drains): a worker killed under `tracker run` costs the others at most this, not the lease
DEAD_LEASES_EVERY = 60.0
CLAIM_RETRY = 0.05  # seconds before claiming again stories another worker had locked
SWITCH_INTERVAL = 0.0005  # seconds; see Poller.__init__
SUSPECT = "s:"  # prefix of a fingerprint whose page failed the quality gate
SHRUNK = "k"  # "k2:<fingerprint>": a shrunk text seen on 2 checks in a row


# -- the quality gate -----------------------------------------------------------------


@dataclass(frozen=True)
class Gate:
    """What the quality gate accepts as a version."""

    min_words: int = 40  # fewer: a stub
    shrink_ratio: float = 0.5  # fewer words than this share of the last version: suspect
    furniture_words: int = 300  # consent/paywall/error phrases only count on shorter pages
    confirm_shrink: int = 3  # the same shrunk text on this many checks in a row is a version
    min_letters: float = 0.75  # fewer letters among the non-space characters: not text
    min_prose: float = 0.25  # fewer words in sentence-like paragraphs: links or headings only


# A page that is not the article, by the phrases it is made of: (what it is, pattern).
NOT_AN_ARTICLE: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.I))
    for kind, pattern in (
        ("consent page", r"\b(?:we|this site) uses? cookies\b|\baccept all(?: cookies)?\b"),
        ("consent page", r"\bcookie (?:settings|preferences|policy)\b.*\b(?:accept|agree)\b"),
        ("consent page", r"\bwe value your privacy\b|\bmanage (?:your )?consent\b"),
        ("paywall", r"\bsubscribe (?:now )?to (?:continue|keep) reading\b"),
        ("paywall", r"\balready (?:a subscriber|have an account)\b"),
        ("paywall", r"\b(?:sign|log) ?in to (?:continue|read)\b|\bsubscribers only\b"),
        ("paywall", r"\byou have reached your (?:free )?(?:article )?limit\b"),
        ("error page", r"\bpage (?:not found|cannot be found)\b|\b404\b.*\bnot found\b"),
        ("error page", r"\bsomething went wrong\b|\binternal server error\b"),
        ("error page", r"\baccess denied\b|\bforbidden\b.*\bpermission\b"),
        ("error page", r"\b(?:temporarily|currently) unavailable\b|\bunder maintenance\b"),
        ("bot check", r"\bare you a (?:robot|human)\b|\bcaptcha\b|\benable javascript\b"),
    )
)


STUB = "stub:"  # how page_problem names a text that is too short (kept, flagged)
# A paragraph that reads as prose: it ends as a sentence does, or it is long.
_SENTENCE_END = re.compile(r"[.!?;:…。！？؟।\"”’»)\]]\s*$")
_PROSE_WORDS = 12


def not_text_problem(text: str) -> str | None:
    """A fetched "page" that is data, not a document: a JSON API response."""
    start = text.lstrip()[:1]
    if start in ("{", "["):
        try:
            json.loads(text)
        except ValueError:
            return None
        return "a JSON document, not an article"
    return None


def garbage_problem(article: Article, gate: Gate) -> str | None:
    """Text that is no article: decoded binary (few letters, replacement characters), or
    paragraphs that are all links or headings (a navigation page)."""
    chars = "".join(article.text.split())
    if chars:
        letters = sum(c.isalpha() for c in chars) / len(chars)
        if letters < gate.min_letters or chars.count("\ufffd") > len(chars) * 0.01:
            return f"not text: {letters:.0%} letters (binary data served as a page?)"
    words = article.words
    prose = sum(
        len(p.split())
        for p in article.paragraphs
        if _SENTENCE_END.search(p) or len(p.split()) >= _PROSE_WORDS
    )
    if words and prose < words * gate.min_prose:
        return f"not an article: {prose} of {words} words in sentences (a page of links?)"
    return None


def page_problem(article: Article, gate: Gate) -> str | None:
    """A stub, garbage, or a consent / paywall / error page instead of the article."""
    words = article.words
    if words < gate.min_words:
        return f"{STUB} {words} words (fewer than {gate.min_words})"
    garbage = garbage_problem(article, gate)
    if garbage is not None:
        return garbage
    if words < gate.furniture_words:
        text = f"{article.title or ''}\n{article.text}"
        for kind, pattern in NOT_AN_ARTICLE:
            if pattern.search(text):
                return f"{kind}, not the article"
    return None


def _furniture(article: Article) -> str | None:
    """What page furniture (consent, paywall, error page) a short text is, if it is one."""
    text = f"{article.title or ''}\n{article.text}"
    return next((kind for kind, pattern in NOT_AN_ARTICLE if pattern.search(text)), None)


def shrink_problem(
    article: Article,
    split: Split,
    previous_words: int | None,
    previous_marker: str | None,
    gate: Gate,
) -> str | None:
    """A text that lost most of its words while its breaking-update marker stayed as it was."""
    words = article.words
    if (
        previous_words
        and words < previous_words * gate.shrink_ratio
        and split.marker == previous_marker
    ):
        return f"text shrank from {previous_words} to {words} words with no marker change"
    return None


def article_of(text: str, url: str) -> Article:
    """Extract the article of a fetched page (decoded already by the fetcher)."""
    return parse_page(text, url=url, name=url)


# -- the poller -----------------------------------------------------------------------


@dataclass(frozen=True)
class PollSettings:
    """How many checks at once, how big the claims and write batches are, the gate."""

    concurrency: int = 64
    lease_seconds: float = 300.0
    flush_every: float = 0.25
    flush_size: int = 500
    extract_workers: int = 1
    # "process": extraction and ingest in worker processes, off this process's GIL
    # (the daemon's choice); "thread": in a thread of this process (no start-up cost).
    extract_in: Literal["thread", "process"] = "thread"
    gate: Gate = field(default_factory=Gate)


class CheckReport(NamedTuple):
    """One finished check, as the CLI logs it."""

    url: str
    record: CheckRecord

    @property
    def outcome(self) -> str:
        return self.record.outcome


@dataclass
class PollSummary:
    """What a drain did: checks by outcome, and the named stories another worker held."""

    counts: Counter[str] = field(default_factory=Counter)
    busy: list[str] = field(default_factory=list)

    @property
    def checks(self) -> int:
        return sum(self.counts.values())


class _Verdict(NamedTuple):  # (a named tuple: every check makes one, at half the cost)
    outcome: str
    fingerprint: str | None
    error: str | None = None
    version: int | None = None
    breaking: bool | None = None
    region: str | None = None  # the article's located region (JSON), when it was located anew
    new_region: bool = False
    logged: bool = False  # its check-log row was written with the version


def worker_id() -> str:
    """A lease owner name that is unique across machines and processes."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def dead_local_worker(owner: str) -> bool:
    """Whether ``owner`` (a :func:`worker_id`) was a process of this machine that is gone."""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # alive, another user's
        return False
    return False


class Poller:
    """Checks due stories of one store through one fetcher."""

    def __init__(
        self,
        store: Store,
        fetcher: Fetcher,
        *,
        policy: SchedulePolicy | None = None,
        settings: PollSettings | None = None,
        owner: str | None = None,
        on_check: Callable[[CheckReport], None] | None = None,
        private_fetcher: Fetcher | None = None,
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        # Fetches the stories added with --allow-private (None: they use ``fetcher`` too).
        self.private_fetcher = private_fetcher
        self.policy = policy or SchedulePolicy()
        self.settings = settings or PollSettings()
        # PostgreSQL: the lock that tells other workers this owner is alive, so the leases
        # of a killed poll are taken back at once (see reclaim_leases).
        self._owner_lock = OwnerLock.hold(store, owner or worker_id())
        self.owner = self._owner_lock.owner if self._owner_lock else owner or worker_id()
        self.on_check = on_check
        self.stopping = False
        self._reclaimed_at: float | None = None  # time.monotonic() of the last look
        self._extractor = _extractor(self.settings)
        # Where worker processes (extraction, the daemon's facts job) open the same database.
        self.db_url = store.engine.url.render_as_string(hide_password=False)

    def close(self) -> None:
        """Wait for extractions in progress (each writes its version whole) and stop."""
        self._extractor.shutdown(wait=True, cancel_futures=True)
        if self._owner_lock is not None:
            self._owner_lock.close()
            self._owner_lock = None

    def release_leases(self) -> None:
        release_leases(self.store, self.owner)

    async def poll(self, urls: Sequence[str] | None = None) -> PollSummary:
        """Check every story due now (or the named ones) once."""
        self._reclaim_once()  # before "now": a reclaimed story is due by then
        if urls:
            ids = story_ids(self.store, list(dict.fromkeys(urls)))
            return await self.drain(ids=list(ids.values()), names=ids)
        return await self.drain(due_before=utcnow())

    def _reclaim_once(self) -> None:
        """Free the leases of killed polls, at most every DEAD_LEASES_EVERY: on SQLite (one
        machine) those of this machine's processes that are gone, on PostgreSQL those whose
        owner lock is gone."""
        now = time.monotonic()
        if self._reclaimed_at is None or now - self._reclaimed_at >= DEAD_LEASES_EVERY:
            self._reclaimed_at = now
            local = self.store.engine.dialect.name == "sqlite"
            reclaim_leases(self.store, dead_local_worker if local else None)

    async def drain(
        self,
        *,
        due_before: datetime | None = None,
        ids: list[int] | None = None,
        names: dict[str, int] | None = None,
    ) -> PollSummary:
        """Check due stories until none is due (``due_before``: only those due by then)."""
        summary = PollSummary()
        self._reclaim_once()
        in_flight: dict[asyncio.Task[CheckRecord], DueStory] = {}
        finished: list[asyncio.Task[CheckRecord]] = []
        buffer: list[tuple[str, CheckRecord]] = []
        last_flush = last_claim = time.monotonic()
        more = True
        wake = _Wake(finished)
        try:
            while True:
                room = self.settings.concurrency - len(in_flight)
                if not more and ids is None and time.monotonic() - last_claim > RECLAIM_EVERY:
                    more = True  # a slow check must not hold up stories falling due meanwhile
                if more and not self.stopping and room * 2 >= self.settings.concurrency:
                    last_claim = time.monotonic()
                    claimed = self._claim(room, due_before, ids)
                    if ids is not None:
                        summary.busy = _busy(names or {}, claimed)
                        more = False
                    else:
                        more = len(claimed) == room
                    for due in claimed:
                        task = asyncio.create_task(self.check(due))
                        task.add_done_callback(wake.done)
                        in_flight[task] = due
                if not in_flight:
                    if ids is not None or self.stopping or not self._any_due(due_before):
                        break
                    more = True  # due, but locked by another worker a moment ago
                    await asyncio.sleep(CLAIM_RETRY)
                    continue
                # Woken when enough checks have finished for the loop to have work (a claim,
                # a full batch, the end), not by every one of them: a wake per check cost
                # more than the loop's work; the timer still flushes within flush_every.
                claims = more and ids is None and not self.stopping
                wake.enough = self._enough(len(in_flight), len(buffer), claims)
                look_again = last_claim if not more and ids is None else None
                await wake.wait(self._wait_for(buffer, last_flush, look_again))
                for task in finished:
                    buffer.append((in_flight.pop(task).url, task.result()))
                finished.clear()
                flush_due = time.monotonic() - last_flush >= self.settings.flush_every
                if buffer and (len(buffer) >= self.settings.flush_size or flush_due):
                    self._flush(buffer, summary)
                    last_flush = time.monotonic()
        finally:
            for task in finished:  # finished while the drain waited: their rows are kept
                if task in in_flight:
                    buffer.append((in_flight.pop(task).url, task.result()))
            for task in in_flight:
                task.cancel()
            self._flush(buffer, summary)
            if in_flight:
                release_leases(self.store, self.owner, [d.id for d in in_flight.values()])
        return summary

    def _enough(self, in_flight: int, buffered: int, claims: bool) -> int:
        """How many checks in flight must finish before the drain loop has work: all of
        them (the drain ends or looks again), a full write batch, or (``claims``: more
        stories are due) enough for a claim, which waits for half the room."""
        enough = min(in_flight, max(1, self.settings.flush_size - buffered))
        if claims:
            enough = min(enough, max(1, math.ceil(in_flight - self.settings.concurrency / 2)))
        return enough

    def _wait_for(
        self, buffer: list[tuple[str, CheckRecord]], last_flush: float, look_again: float | None
    ) -> float:
        """Seconds the drain loop may sleep: until the buffered rows are due to be written,
        and, when the last claim (at ``look_again``) found nothing more, until it is time to
        look for due stories again."""
        now = time.monotonic()
        wait = self.settings.flush_every
        if buffer:
            wait = min(wait, last_flush + self.settings.flush_every - now)
        if look_again is not None:
            wait = min(wait, look_again + RECLAIM_EVERY - now)
        return max(wait, 0.0)

    def _claim(
        self, room: int, due_before: datetime | None, ids: list[int] | None
    ) -> list[DueStory]:
        return claim_due(
            self.store,
            self.owner,
            limit=room if ids is None else len(ids),
            lease_seconds=self.settings.lease_seconds,
            due_before=due_before,
            ids=ids,
        )

    def _any_due(self, due_before: datetime | None) -> bool:
        nxt = next_due_at(self.store)
        return nxt is not None and nxt <= (due_before or utcnow())

    def _flush(self, buffer: list[tuple[str, CheckRecord]], summary: PollSummary) -> None:
        if not buffer:
            return
        record_checks(self.store, self.owner, [record for _, record in buffer])
        summary.counts.update(record.outcome for _, record in buffer)
        if self.on_check is not None:
            for url, record in buffer:
                self.on_check(CheckReport(url, record))
        buffer.clear()

    # -- one check ---------------------------------------------------------------

    async def check(self, due: DueStory) -> CheckRecord:
        """Fetch one claimed story and decide what its answer means; never raises."""
        checked_at = utcnow()
        result: FetchResult | None = None
        fetcher = self.private_fetcher if due.allow_private and self.private_fetcher else None
        try:
            result = await (fetcher or self.fetcher).fetch(  # decoded only to be extracted
                due.url, etag=due.etag, last_modified=due.last_modified, decode=False
            )
            verdict = await self._verdict(due, result, checked_at)
        except Exception as exc:  # a bug of ours: logged as a check, never fatal
            verdict = _Verdict("error", due.fingerprint, f"{type(exc).__name__}: {exc}")
        return self._record(due, result, verdict, checked_at)

    async def _verdict(self, due: DueStory, result: FetchResult, at: datetime) -> _Verdict:
        if result.outcome != "ok":
            return _Verdict(result.outcome, due.fingerprint, result.error)
        if result.body is None or not result.textual:
            return _Verdict("suspect", due.fingerprint, "not a text page")
        mark = fingerprint(
            result.body,
            region=Region.loads(due.article_region),
            min_words=int((due.latest_words or 0) * COVERAGE),
        )
        mark = salted(mark, due.url)  # new site rules (tracker.toml): extract again
        if mark == due.fingerprint and due.article_region is not None:
            return _Verdict("unchanged", mark)  # (no region yet: extract once to locate it)
        if SUSPECT + mark == due.fingerprint:
            return _Verdict("suspect", SUSPECT + mark, "the same suspect page as before")
        loop = asyncio.get_running_loop()
        gate = self.settings.gate
        if isinstance(self._extractor, ProcessPoolExecutor):
            job = (_ingest_in_process, self.db_url, gate, due, result, mark, at)
        else:
            job = (ingest_checked, self.store, gate, due, result, mark, at)
        try:
            return await loop.run_in_executor(self._extractor, *job)
        except BrokenProcessPool:  # the extraction process died (killed, out of memory)
            self._extractor.shutdown(wait=False)
            self._extractor = _extractor(self.settings)
            return _Verdict("error", due.fingerprint, "the extraction process died; retried later")

    def _record(
        self, due: DueStory, result: FetchResult | None, verdict: _Verdict, at: datetime
    ) -> CheckRecord:
        clock = StoryClock(
            interval=due.interval_seconds,
            every=due.every_seconds or every_for(due.url),  # tracker.toml [sites] every
            failures=due.failures,
            created_at=due.created_at,
            last_changed_at=due.last_changed_at,
            breaking=due.latest_marker is not None,
        )
        plan: Plan = reschedule(
            self.policy,
            clock,
            verdict.outcome,
            at,
            retry_after=result.retry_after if result else None,
            breaking=verdict.breaking,
        )
        if due.status in UNSCHEDULED:  # checked by name: history grows, polling stays off
            plan = plan._replace(status=due.status, next_check_at=None)
        answered = result is not None and result.status is not None
        reached = answered and verdict.outcome in (
            "changed",
            "unchanged",
            "not_modified",
            "suspect",
        )
        return CheckRecord(
            story_id=due.id,
            checked_at=at,
            outcome=verdict.outcome,
            status=plan.status,
            next_check_at=plan.next_check_at,
            interval_seconds=math.ceil(plan.interval),
            failures=plan.failures,
            http_status=result.status if result else None,
            size=result.bytes if result else None,
            elapsed_ms=round(result.elapsed * 1000) if result else None,
            error=verdict.error,
            version_number=verdict.version if verdict.outcome == "changed" else None,
            etag=_validator(result.etag if reached and result else due.etag, verdict),
            last_modified=_validator(
                result.last_modified if reached and result else due.last_modified, verdict
            ),
            final_url=result.final_url if answered and result else due.final_url,
            moved_to=_moved_to(due, result) if answered else due.moved_to,
            fingerprint=verdict.fingerprint,
            last_changed_at=at if verdict.outcome == "changed" else due.last_changed_at,
            article_region=verdict.region if verdict.new_region else due.article_region,
            logged=verdict.logged,
        )


class _Wake:
    """Collects finished checks and wakes the drain loop: one callback per task, set once."""

    def __init__(self, finished: list[asyncio.Task[CheckRecord]]) -> None:
        self.finished = finished
        self.enough = 1  # finished checks that wake the loop (the drain sets it per wait)
        self._waiter: asyncio.Future[None] | None = None

    def done(self, task: asyncio.Task[CheckRecord]) -> None:
        if task.cancelled():
            return
        self.finished.append(task)
        waiter = self._waiter
        if waiter is not None and len(self.finished) >= self.enough and not waiter.done():
            waiter.set_result(None)

    async def wait(self, timeout: float) -> None:
        """Until ``enough`` checks have finished (at once if they have), or ``timeout``
        seconds."""
        if len(self.finished) >= self.enough:
            await asyncio.sleep(0)  # let other callbacks run, as asyncio.wait would
            return
        loop = asyncio.get_running_loop()
        waiter = self._waiter = loop.create_future()
        timer = loop.call_later(timeout, _settle, waiter)
        try:
            await waiter
        finally:
            timer.cancel()
            self._waiter = None


def _settle(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


def _moved_to(due: DueStory, result: FetchResult | None) -> str | None:
    if result is None:
        return due.moved_to
    target = result.permanent_redirect
    return target if target and target != due.url else None


def _busy(names: dict[str, int], claimed: list[DueStory]) -> list[str]:
    got = {d.id for d in claimed}
    return [url for url, sid in names.items() if sid not in got]


def _extractor(settings: PollSettings) -> Executor:
    if settings.extract_in == "process":
        return worker_processes(settings.extract_workers)
    # The extraction thread is CPU-bound: with the default 5 ms switch interval the
    # event loop waits up to 5 ms for the GIL after every socket call (a convoy that
    # halved throughput on volatile pages). 0.5 ms keeps the loop responsive.
    sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
    return ThreadPoolExecutor(max_workers=settings.extract_workers, thread_name_prefix="extract")


_PROCESS_STORES: dict[str, Store] = {}


def _ingest_in_process(
    db_url: str, gate: Gate, due: DueStory, result: FetchResult, mark: str, at: datetime
) -> _Verdict:
    store = _PROCESS_STORES.get(db_url)
    if store is None:
        store = _PROCESS_STORES[db_url] = Store(db_url)
    return ingest_checked(store, gate, due, result, mark, at)


def ingest_checked(
    store: Store, gate: Gate, due: DueStory, result: FetchResult, mark: str, at: datetime
) -> _Verdict:
    """Extract, gate and store: the costly path, taken only for a new fingerprint (and the
    body decoded here, where the poller did not)."""
    assert result.body is not None
    if result.text is None:
        text, encoding = decode_body(result.body, result.content_type)
        result = result._replace(text=text, encoding=encoding)
    assert result.text is not None
    data = not_text_problem(result.text)
    if data is not None:
        return _Verdict("suspect", SUSPECT + mark, data)
    try:
        article = article_of(result.text, result.final_url)
    except InputError:
        return _Verdict("suspect", SUSPECT + mark, "no article text found on the page")
    split = split_article(article, url=due.url)
    problem = page_problem(article, gate)
    if problem is not None and (not problem.startswith(STUB) or _furniture(article)):
        return _Verdict("suspect", SUSPECT + mark, problem)  # not the story's text at all
    if problem is not None:  # a short bulletin, maybe: kept, flagged, hidden by default
        flagged = _keep_flagged(store, due, result, article, at, problem)
        return _Verdict("suspect", SUSPECT + mark, flagged)
    shrunk = shrink_problem(article, split, due.latest_words, due.latest_marker, gate)
    seen = _shrink_sightings(due.fingerprint, mark) + 1
    if shrunk is not None and seen < gate.confirm_shrink:
        note = f"{shrunk}; seen {seen}x, kept as a version when seen {gate.confirm_shrink}x"
        flagged = _keep_flagged(store, due, result, article, at, note)
        return _Verdict("suspect", f"{SHRUNK}{seen}:{mark}", flagged)
    try:
        saved = _store_checked(store, due, result, article, at, split=split)
    except TrackerError as exc:
        return _Verdict("error", due.fingerprint, str(exc))
    outcome = "changed" if saved.stored else "unchanged"
    region, mark, new_region = _relocated(result.body, due.article_region, article, mark)
    mark = salted(mark, due.url) if new_region else mark
    verdict = _Verdict(outcome, mark, None, saved.number, split.marker is not None)
    return verdict._replace(region=region, new_region=new_region, logged=saved.stored)


def _store_checked(
    store: Store,
    due: DueStory,
    result: FetchResult,
    article: Article,
    at: datetime,
    *,
    suspect: str | None = None,
    split: Split | None = None,
) -> SaveResult:
    """Store the version with its check-log row in one transaction: a poll killed after
    it leaves both (the batch write then skips that row), never a version without one.
    A flagged version (``suspect``) gets its row from the batch, as a ``suspect`` check.
    ``split``: the article split for ``due.url`` already (the gate's), not split again."""
    prepared = prepare(store, due.url, article, facts=False, split=split)
    final_url = result.final_url if result.final_url != due.url else None

    def save(session: Session) -> SaveResult:
        saved = prepared.save(
            session, fetched_at=at, raw_html=result.body, final_url=final_url, suspect=suspect
        )
        if saved.stored and suspect is None:
            log_stored_check(
                session,
                due.id,
                at,
                http_status=result.status,
                size=result.bytes,
                elapsed_ms=round(result.elapsed * 1000),
                version_number=saved.number,
            )
        return saved

    return store.write(save)


def _keep_flagged(
    store: Store, due: DueStory, result: FetchResult, article: Article, at: datetime, why: str
) -> str:
    """Store a text the gate doubts as a flagged version (a bulletin replaced before it is
    confirmed is not lost); returns the check's note."""
    try:
        saved = _store_checked(store, due, result, article, at, suspect=why)
    except TrackerError as exc:
        return f"{why} (not kept: {exc})"
    return f"{why}; kept as flagged v{saved.number}" if saved.stored else why


def _relocated(
    page: bytes | None, stored: str | None, article: Article, mark: str
) -> tuple[str | None, str, bool]:
    """The story's article region after an extraction: kept while it holds every paragraph.

    Returns (region JSON, fingerprint under it, whether it is new). A region that
    no longer holds the extracted text (the template changed) is located again;
    where none can be, the fingerprint stays the text fingerprint of the page.
    """
    if page is None:
        return stored, mark, False
    region = Region.loads(stored)
    if region is not None and covers(page, region, article.paragraphs):
        return stored, mark, False
    found = locate(page, article.paragraphs, article.title)
    if found is None:  # "": looked for, none found; the text fingerprint stays
        return "", text_fingerprint(page, min_words=int(article.words * COVERAGE)), True
    return found.dumps(), fingerprint(page, region=found), True


def _shrink_sightings(stored: str | None, mark: str) -> int:
    """How many checks in a row saw this shrunk page (from the stored fingerprint)."""
    if not stored or not stored.startswith(SHRUNK) or not stored.endswith(":" + mark):
        return 0
    count = stored[len(SHRUNK) : -len(mark) - 1]
    return int(count) if count.isdigit() else 0


def _validator(value: str | None, verdict: _Verdict) -> str | None:
    """No ETag / Last-Modified for a suspect page: its next check must see the body again."""
    return None if verdict.outcome == "suspect" else value
