"""A made-up outlet for tests and benchmarks: articles plus the RSS, Atom, sitemap and section
page that list them, served by :class:`tests.httpserver.TestHTTPServer`.

Every text here is written for these tests (no real outlet's copy). Publishing an
article updates every listing at once, so a test can watch sources gain articles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape

from tests.httpserver import TestHTTPServer

TOWNS = ("Port Ellis", "Marrow Bay", "Kelby", "Dunmore", "Ashgrove", "Tillford", "Rensby")


def story_paragraphs(n: int, killed: int = 32, town: str | None = None) -> list[str]:
    """Four paragraphs of a made-up ferry story; ``killed`` is its headline count."""
    town = town or TOWNS[n % len(TOWNS)]
    return [
        f"{town.upper()} (Wire) — At least {killed} people were killed when a ferry capsized "
        f"off {town} on Tuesday, the coast guard said.",
        f"The ferry was carrying about {150 + n} passengers when it left the harbour in high "
        "winds, according to the port authority, which said rescue boats searched overnight.",
        "Relatives gathered at the terminal as the names of survivors were read out, and the "
        "regional governor promised an inquiry into how the vessel was loaded before it sailed.",
        f"Story number {n} of the test outlet. Officials said the weather had been forecast "
        "days in advance and that two other ferries had stayed in port that morning.",
    ]


def article_html(title: str, paragraphs: list[str]) -> str:
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head><title>{escape(title)}</title></head>"
        f"<body><nav><a href='/'>Home</a> <a href='/world/'>World</a></nav>"
        f"<article><h1>{escape(title)}</h1>{body}</article></body></html>"
    )


@dataclass
class Article:
    path: str
    title: str
    published: datetime
    paragraphs: list[str]


@dataclass
class Newsroom:
    """Articles on a local server, with their listings kept current."""

    server: TestHTTPServer
    prefix: str = ""  # serve under /<prefix>/ (many outlets on one server)
    articles: list[Article] = field(default_factory=list)
    start: datetime = field(default_factory=lambda: datetime(2026, 12, 1, 8, tzinfo=UTC))

    def path(self, rest: str) -> str:
        return f"/{self.prefix}{rest}" if self.prefix else f"/{rest.lstrip('/')}"

    def url(self, rest: str) -> str:
        return self.server.url(self.path(rest))

    def publish(
        self,
        slug: str,
        title: str,
        *,
        section: str = "world",
        killed: int = 32,
        paragraphs: list[str] | None = None,
        relist: bool = True,
    ) -> str:
        """Serve a new article and list it everywhere; returns its path."""
        n = len(self.articles)
        path = self.path(f"/{section}/{slug}")
        text = paragraphs or story_paragraphs(n, killed)
        article = Article(path, title, self.start + timedelta(minutes=n), text)
        self.articles.append(article)
        self.server.page(path, article_html(title, article.paragraphs))
        if relist:
            self.relist()
        return path

    def update(self, path: str, paragraphs: list[str]) -> None:
        for article in self.articles:
            if article.path == path:
                article.paragraphs = paragraphs
                self.server.page(path, article_html(article.title, paragraphs))
                return
        raise KeyError(path)

    def relist(self) -> None:
        base = self.server.base_url
        newest = list(reversed(self.articles))
        self.server.page(
            self.path("/rss.xml"), rss(base, newest), content_type="application/rss+xml"
        )
        self.server.page(
            self.path("/atom.xml"), atom(base, newest), content_type="application/atom+xml"
        )
        self.server.page(
            self.path("/news-sitemap.xml"), news_sitemap(base, newest), content_type="text/xml"
        )
        self.server.page(
            self.path("/sitemap-index.xml"),
            sitemap_index([base + self.path("/news-sitemap.xml")]),
            content_type="application/xml",
        )
        self.server.page(self.path("/world/"), section_page(base, self.prefix, newest))


def rss(base: str, articles: list[Article]) -> str:
    items = "".join(
        f"<item><title>{escape(a.title)}</title>"
        # A tracking parameter and a fragment that normalisation must drop.
        f"<link>{base}{a.path}?utm_source=rss&amp;utm_medium=feed#top</link>"
        f"<guid>{base}{a.path}</guid>"
        f"<pubDate>{a.published.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>"
        f"<description>{escape(a.paragraphs[0])}</description></item>"
        for a in articles
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Test Outlet</title><link>{base}/</link><description>t</description>"
        f"{items}</channel></rss>"
    )


def atom(base: str, articles: list[Article]) -> str:
    entries = "".join(
        f"<entry><title>{escape(a.title)}</title><id>{base}{a.path}</id>"
        f'<link rel="alternate" href="{a.path}"/>'
        f"<updated>{a.published.isoformat()}</updated>"
        f"<summary>{escape(a.paragraphs[0])}</summary></entry>"
        for a in articles
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
        f'xml:base="{base}/"><title>Test Outlet</title><id>{base}/</id>'
        f"<updated>{datetime(2026, 12, 1, tzinfo=UTC).isoformat()}</updated>{entries}</feed>"
    )


def news_sitemap(base: str, articles: list[Article]) -> str:
    urls = "".join(
        f"<url><loc>{base}{a.path}</loc><news:news><news:publication>"
        "<news:name>Test Outlet</news:name><news:language>en</news:language>"
        f"</news:publication><news:publication_date>{a.published.isoformat()}"
        f"</news:publication_date><news:title>{escape(a.title)}</news:title></news:news></url>"
        for a in articles
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        f"{urls}</urlset>"
    )


def sitemap_index(children: list[str]) -> str:
    items = "".join(
        f"<sitemap><loc>{escape(c)}</loc><lastmod>2026-12-01</lastmod></sitemap>" for c in children
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>'
    )


def section_page(base: str, prefix: str, articles: list[Article]) -> str:
    root = f"/{prefix}" if prefix else ""
    links = "".join(f'<li><a href="{a.path}">{escape(a.title)}</a></li>' for a in articles)
    return (
        "<!doctype html><html><head><title>World</title></head><body>"
        f'<nav><a href="{root}/">Home</a> <a href="{root}/world/">World</a> '
        f'<a href="{root}/sport/">Sport</a> <a href="{root}/tag/ferries">Ferries</a> '
        f'<a href="{root}/login">Sign in</a> <a href="https://elsewhere.example/a-b-c">x</a></nav>'
        f"<ul>{links}</ul></body></html>"
    )
