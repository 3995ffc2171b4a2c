"""Twelve news-page layouts for fingerprint tests, modelled on real outlets' templates.

Each layout sets an article (headline, standfirst, paragraphs) in the markup
pattern one real outlet uses (paragraph ``<p>``s in a body ``<div>``, CNN's
``<div>`` paragraphs with ``<h3>`` subheads, the NYT's several body sections,
Politico's standfirst outside the body, the LA Times' dateline in the body's
wrapper, inline scripts with CSP nonces inside the body…), surrounded by the
furniture that changes on every fetch: ad slots, view counters, nonces,
request ids, clocks, trending lists. The texts and markup are written for these
tests; nothing is copied from the real pages.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Story:
    """What a layout renders: the article, and the seed of the furniture around it."""

    title: str
    standfirst: str
    paragraphs: tuple[str, ...]
    seed: int = 0

    def with_paragraphs(self, paragraphs: list[str]) -> Story:
        return replace(self, paragraphs=tuple(paragraphs))


def story(n: int = 8, topic: str = "flood") -> Story:
    subjects = [
        "The council",
        "Rescue crews",
        "The regional governor",
        "Local residents",
        "Engineers",
        "The weather service",
        "Volunteers",
        "Hospital staff",
        "The transport ministry",
        "Insurers",
        "Police",
        "School officials",
    ]
    places = [
        "the river valley",
        "the old harbour",
        "the northern suburbs",
        "the ring road",
        "the market square",
        "the hill villages",
        "the rail depot",
        "the coast road",
    ]
    paras = [
        f"{subjects[i % len(subjects)]} said on Tuesday that the {topic} near "
        f"{places[i % len(places)]} had displaced {120 + 17 * i} households, and that a "
        f"review of the warnings issued on day {i + 1} would be published within "
        f"{2 + i % 5} weeks."
        for i in range(n)
    ]
    return Story(
        title=f"Thousands leave homes as {topic} waters rise",
        standfirst=f"Officials warn the {topic} could worsen overnight as more rain is forecast",
        paragraphs=tuple(paras),
    )


class Furniture:
    """The volatile parts of one fetch, drawn from the story's seed."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(seed)
        self.nonce = f"{rng.getrandbits(64):016x}"
        self.request = f"{rng.getrandbits(96):024x}"
        self.views = rng.randint(1000, 999_999)
        self.clock = f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
        self.ad = rng.randint(10_000, 99_999)
        self.trending = rng.sample(
            ["Markets slide", "Cup final tonight", "Storm names", "Rail strike", "New museum"], 5
        )

    def head(self) -> str:
        return (
            f'<meta name="request-id" content="{self.request}">'
            f'<script nonce="{self.nonce}">window.__cfg={{"rid":"{self.request}",'
            f'"t":"{self.clock}"}};</script>'
            f'<style nonce="{self.nonce}">.ad-{self.ad}{{min-height:250px}}</style>'
        )

    def ad_slot(self) -> str:
        return (
            f'<div class="ad ad-{self.ad}" id="slot-{self.ad}" data-refresh="{self.clock}">'
            f"<span>Advertisement</span><iframe src='/ads/{self.ad}'></iframe></div>"
        )

    def counter(self) -> str:
        return f'<span class="views">{self.views:,} views</span>'

    def clock_line(self) -> str:
        return f'<div class="ticker">Last refreshed {self.clock} GMT</div>'

    def inline_script(self) -> str:
        return f'<script nonce="{self.nonce}">loadEmbed("{self.request}")</script>'

    def trending_list(self) -> str:
        items = "".join(f"<li><a href='/t/{i}'>{t}</a></li>" for i, t in enumerate(self.trending))
        return f'<aside class="trending"><h2>Trending</h2><ol>{items}</ol></aside>'

    def nav(self) -> str:
        return (
            "<header><nav><ul><li><a href='/'>Home</a></li><li><a href='/world'>World</a></li>"
            f"<li><a href='/sport'>Sport</a></li></ul></nav>{self.clock_line()}</header>"
        )

    def footer(self) -> str:
        return (
            f"<footer><p>© News Group. Page generated at {self.clock} ({self.request}).</p>"
            f"{self.counter()}</footer>"
        )


def _page(story: Story, body: str, *, title_suffix: str = " - News") -> str:
    f = Furniture(story.seed)
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{story.title}{title_suffix}</title>{f.head()}</head><body>"
        f"{f.nav()}{f.ad_slot()}{body}{f.trending_list()}{f.ad_slot()}{f.footer()}"
        f"<script nonce='{f.nonce}'>track({f.views})</script></body></html>"
    )


NYT_P = ' class="css-axufdj"'
POLITICO_P = ' class=" story-text__paragraph"'
REUTERS_P = ' class="Paragraph-paragraph-2Bgue"'


def _ps(paragraphs: tuple[str, ...], attrs: str = "") -> str:
    return "\n".join(f"<p{attrs}>{p}</p>" for p in paragraphs)


def bbc_like(s: Story) -> str:
    f = Furniture(s.seed)
    half = len(s.paragraphs) // 2
    body = (
        f'<div class="story-body"><h1 class="story-body__h1">{s.title}</h1>'
        f'<div class="byline">By A Reporter {f.counter()}</div>'
        f'<div class="story-body__inner" property="articleBody">'
        f'<p class="story-body__introduction">{s.standfirst}</p>'
        f"{_ps(s.paragraphs[:half])}{f.inline_script()}"
        f'<h2 class="story-body__crosshead">What happens next</h2>'
        f"{_ps(s.paragraphs[half:])}</div></div>"
    )
    return _page(s, body, title_suffix=" - BBC-ish News")


def cnn_like(s: Story) -> str:
    f = Furniture(s.seed)
    divs = "".join(
        (f"<h3>Part {i // 3 + 1}</h3>" if i and i % 3 == 0 else "")
        + f'<div class="zn-body__paragraph" data-paragraph-id="paragraph_{i:04X}">{p}</div>'
        for i, p in enumerate(s.paragraphs)
    )
    body = (
        f'<h1 class="pg-headline">{s.title}</h1>'
        f'<section class="zn zn-body-text"><div class="l-container">'
        f'<p class="zn-body__paragraph speakable">{s.standfirst}</p>{divs}'
        f"{f.inline_script()}</div></section>"
        f'<div class="l-container">{f.ad_slot()}</div>'
    )
    return _page(s, body, title_suffix=" - CNN-ish")


def nyt_like(s: Story) -> str:
    third = max(1, len(s.paragraphs) // 3)
    groups = [s.paragraphs[i : i + third] for i in range(0, len(s.paragraphs), third)]
    columns = "".join(
        f'<div class="StoryBodyCompanionColumn"><div class="css-53u6y8">{_ps(g, NYT_P)}</div></div>'
        for g in groups
    )
    body = (
        f'<div class="css-epjblv"><h1 itemprop="headline">{s.title}</h1>'
        f'<p class="css-w6ymp8">{s.standfirst}</p></div>'
        f'<section name="articleBody" itemprop="articleBody">{columns}</section>'
    )
    return _page(s, body, title_suffix=" - The NY-ish Times")


def guardian_like(s: Story) -> str:
    f = Furniture(s.seed)
    body = (
        f'<div class="content__head"><h1 class="content__headline" itemprop="headline">'
        f'{s.title}</h1><div class="content__standfirst"><p>{s.standfirst}</p></div>'
        f"{f.counter()}</div>"
        f'<div class="content__article-body from-content-api" itemprop="articleBody">'
        f"{_ps(s.paragraphs)}</div>"
    )
    return _page(s, body, title_suffix=" | The Guardian-ish")


def politico_like(s: Story) -> str:
    f = Furniture(s.seed)
    modules = "/cms-api/v1/modules?page=0000016f-54" + "a" * 120
    body = (
        f'<div class="page-content page-content--story" data-modules="{modules}">'
        f'<header class="summary"><h2 class="headline">{s.title}</h2>'
        f'<p class="dek">{s.standfirst}</p></header>'
        f'{f.ad_slot()}<div class="social">{f.counter()}</div>'
        f'<div class="story-text">{_ps(s.paragraphs, POLITICO_P)}'
        f"</div></div>"
    )
    return _page(s, body, title_suffix=" - POLITICO-ish")


def latimes_like(s: Story) -> str:
    body = (
        f'<h1 class="ArticlePage-headline">{s.title}</h1>'
        f'<div class="ArticlePage-articleBody" data-dateline>RIVERTON, Calif. — '
        f'<div class="RichTextArticleBody-body RichTextBody">'
        f"{_ps((s.standfirst, *s.paragraphs))}</div></div>"
    )
    return _page(s, body, title_suffix=" - Los Angeles-ish Times")


def reuters_like(s: Story) -> str:
    f = Furniture(s.seed)
    body = (
        f'<h1 class="Headline-headline-2FXIq">{s.title}</h1>'
        f'<div class="ArticleHeader-date">{f.clock_line()}</div>'
        f'<div class="ArticleBodyWrapper">'
        f"{_ps((s.standfirst, *s.paragraphs), REUTERS_P)}</div>"
    )
    return _page(s, body, title_suffix=" | Reuters-ish")


def telegraph_like(s: Story) -> str:
    f = Furniture(s.seed)
    body = (
        f'<article><header><h1 class="headline__heading">{s.title}</h1>'
        f'<p class="standfirst">{s.standfirst}</p></header>'
        f'<div itemprop="articleBody" data-js="article-body">'
        f'<div class="articleBodyText section">{_ps(s.paragraphs)}</div>'
        f"{f.inline_script()}</div></article>"
    )
    return _page(s, body, title_suffix=" - The Telegraph-ish")


def atlantic_like(s: Story) -> str:
    body = (
        f'<header class="c-article-header"><h1 class="c-article-header__hed">{s.title}</h1>'
        f'<p class="c-dek">{s.standfirst}</p></header>'
        f'<div class="l-article__container js-article-container">'
        + "".join(f'<section class="l-article__section"><p>{p}</p></section>' for p in s.paragraphs)
        + "</div>"
    )
    return _page(s, body, title_suffix=" - The Atlantic-ish")


def independent_like(s: Story) -> str:
    f = Furniture(s.seed)
    half = len(s.paragraphs) // 2
    body = (
        f'<div class="sc-qPlDB bUMNyJ" id="main"><h1 class="sc-hd">{s.title}</h1>'
        f'<h2 class="sc-standfirst">{s.standfirst}</h2>'
        f"{_ps(s.paragraphs[:half])}"
        f'<script nonce="{f.nonce}" type="text/javascript">window.adQueue.push({f.ad})</script>'
        f"{_ps(s.paragraphs[half:])}</div>"
    )
    return _page(s, body, title_suffix=" | The Independent-ish")


def cbs_like(s: Story) -> str:
    body = (
        f'<article class="content"><header><h1 class="title" itemprop="headline">{s.title}'
        f'</h1></header><div class="content__body" data-page="1">'
        f"{_ps((s.standfirst, *s.paragraphs))}</div></article>"
    )
    return _page(s, body, title_suffix=" - CBS-ish News")


def abc7_like(s: Story) -> str:
    f = Furniture(s.seed)
    body = (
        f'<h1 class="vMjA eeTZ eHrJ">{s.title}</h1>{f.counter()}'
        f'<article class="xvlf ZRif TKoO" data-testid="prism-article-body">'
        f'<div class="RichText"><p>{s.standfirst}</p>'
        + "".join(f"<p class='EkqkG'>{p}<br></p>" for p in s.paragraphs)
        + "</div></article>"
    )
    return _page(s, body, title_suffix=" - ABC7-ish")


LAYOUTS: dict[str, Callable[[Story], str]] = {
    "bbc": bbc_like,
    "cnn": cnn_like,
    "nyt": nyt_like,
    "guardian": guardian_like,
    "politico": politico_like,
    "latimes": latimes_like,
    "reuters": reuters_like,
    "telegraph": telegraph_like,
    "atlantic": atlantic_like,
    "independent": independent_like,
    "cbs": cbs_like,
    "abc7": abc7_like,
}
