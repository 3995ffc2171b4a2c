"""Data tables for fact extraction and comparison: words, patterns and thresholds.

Everything the fact layer "knows" about English news prose lives here as data,
so a new hedge, attribution verb or house-style variant is a one-line change.
"""

from __future__ import annotations

import re

from tracker.facts.model import Certainty

# Datelines glued to a lede ("YEREVAN, ARMENIA --", "BOULDER, Colo. (AP) —", "(CBS/AP)")
# would otherwise become part of the first noun phrase.
DATELINE_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(
        r"^\s*[A-Z][A-Z .'’-]{2,}(?:,\s*[A-Za-z][A-Za-z .'’]*)?\s*"
        r"(?:\([^)]{1,30}\))?\s*(?:--|—|–|-)\s+"
    ),
    re.compile(r"^\s*\((?:[A-Z]{2,}[/ ]?)+\)\s*(?:--|—|–|-)?\s*"),
)

# Verbs whose subject is the source of the clause they govern.
SAY_VERBS: frozenset[str] = frozenset(
    [
        "say",
        "tell",
        "report",
        "confirm",
        "announce",
        "claim",
        "state",
        "add",
        "note",
        "insist",
        "acknowledge",
        "estimate",
        "warn",
        "write",
        "declare",
        "allege",
        "maintain",
        "concede",
        "deny",
        "dispute",
        "reject",
        "explain",
        "cite",
        "believe",
        "suggest",
        "indicate",
        "show",
        "reveal",
        "predict",
        "accuse",
        "testify",
        "argue",
    ]
)
# How sure the source is, by its verb; anything else under a say-verb is "attributed".
SOURCE_VERB_CERTAINTY: dict[str, Certainty] = {
    "confirm": "confirmed",
    "acknowledge": "confirmed",
    "concede": "confirmed",
    "claim": "reported",
    "allege": "reported",
    "report": "reported",
    "suggest": "reported",
    "believe": "reported",
    "estimate": "reported",
    "deny": "denied",
    "dispute": "denied",
    "reject": "denied",
}
# "X, according to Y" attributes X to Y.
ACCORDING_TO = ("according", "to")

# Adjectives that, negated after "be" ("it was not clear who ..."), make a clause unknown,
# and their already-negative forms ("it is unclear whether ...").
KNOWABLE_ADJECTIVES: frozenset[str] = frozenset(["clear", "known", "certain", "immediately_clear"])
UNKNOWN_ADJECTIVES: frozenset[str] = frozenset(["unclear", "unknown", "uncertain", "unconfirmed"])
WH_WORDS: frozenset[str] = frozenset(
    ["who", "whom", "whoever", "what", "which", "whether", "if", "why", "how"]
)

# Words that turn a statement into a report or a guess.
HEDGES: frozenset[str] = frozenset(
    [
        "reportedly",
        "apparently",
        "seemingly",
        "allegedly",
        "possibly",
        "probably",
        "perhaps",
        "likely",
        "may",
        "might",
        "could",
        "purportedly",
        "presumably",
    ]
)
NEGATION_LEMMAS: frozenset[str] = frozenset(["not", "n't", "never", "no"])

# Certainty ladder: a move up or down between versions is a "certainty" change.
CERTAINTY_RANK: dict[str, int] = {
    "unclear": 0,
    "reported": 1,
    "attributed": 2,
    "stated": 3,
    "confirmed": 3,
    "denied": -1,
}

# Spelling and house-style variants folded before any comparison (British/American,
# punctuation styles). Applied to lower-cased text, whole words.
SPELLING_VARIANTS: dict[str, str] = {
    "defence": "defense",
    "kilometres": "kilometers",
    "kilometre": "kilometer",
    "metres": "meters",
    "metre": "meter",
    "centre": "center",
    "theatre": "theater",
    "organisation": "organization",
    "cease-fire": "ceasefire",
    "whomever": "whoever",
    "labour": "labor",
    "honour": "honor",
    "neighbour": "neighbor",
    "neighbouring": "neighboring",
    "favour": "favor",
    "per cent": "percent",
    "u.s.": "us",
    "mr.": "",
    "mrs.": "",
    "ms.": "",
}
DASHES = str.maketrans({"—": "-", "–": "-", "‘": "'", "’": "'", "“": '"', "”": '"'})

NUMBER_WORDS: dict[str, float] = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "dozen": 12,
    "dozens": 24,
    "hundred": 100,
    "hundreds": 200,
    "thousand": 1000,
    "thousands": 2000,
    "million": 1e6,
    "millions": 2e6,
    "billion": 1e9,
    "trillion": 1e12,
}
# Multipliers that follow a number ("1.2 million").
SCALE_WORDS: dict[str, float] = {
    "hundred": 100,
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
}

# Units: a number of these is a measure of something else ("a 13-foot tsunami").
# Value = factor to the base unit of the dimension, so conversions compare equal.
UNITS: dict[str, tuple[str, float]] = {
    "mile": ("length", 1609.0),
    "kilometer": ("length", 1000.0),
    "km": ("length", 1000.0),
    "kilometre": ("length", 1000.0),
    "meter": ("length", 1.0),
    "metre": ("length", 1.0),
    "foot": ("length", 0.3048),
    "feet": ("length", 0.3048),
    "yard": ("length", 0.9144),
    "inch": ("length", 0.0254),
    "centimeter": ("length", 0.01),
    "percent": ("share", 1.0),
    "%": ("share", 1.0),
    "point": ("points", 1.0),
    "cent": ("money", 0.01),
    "$": ("money", 1.0),
    "dollar": ("money", 1.0),
    "euro": ("money", 1.0),
    "pound": ("money", 1.0),
    "yen": ("money", 0.01),
    "magnitude": ("magnitude", 1.0),
    "degree": ("degree", 1.0),
    "hour": ("duration", 3600.0),
    "minute": ("duration", 60.0),
    "day": ("duration", 86400.0),
    "week": ("duration", 604800.0),
    "month": ("duration", 2.6e6),
    "year": ("duration", 3.15e7),
    "acre": ("area", 4047.0),
    "hectare": ("area", 10000.0),
    "gallon": ("volume", 3.785),
    "barrel": ("volume", 159.0),
    "ton": ("mass", 1000.0),
    "tonne": ("mass", 1000.0),
    "mph": ("speed", 1.609),
    "kph": ("speed", 1.0),
    "km/h": ("speed", 1.0),
    "knot": ("speed", 1.852),
}
# A measure beside a compass word is a distance from somewhere ("40 miles east of X").
COMPASS_WORDS: frozenset[str] = frozenset(
    f"{a}{b}" for a in ("", "north", "south") for b in ("", "east", "west") if a or b
) | frozenset(
    f"{a}-{b}{c}"
    for a in ("north", "south", "east", "west")
    for b in ("north", "south")
    for c in ("east", "west")
)
# Two measures of one thing agree when within this relative tolerance (rounded conversions).
UNIT_TOLERANCE = 0.12
# Dimensions whose units writers convert between ("6 miles (10 km)"); currencies are not.
CONVERTIBLE_DIMENSIONS: frozenset[str] = frozenset(["length", "area", "volume", "mass", "speed"])

# What a count of people counts is the event around it: these words all count the same toll.
COUNT_CLASSES: dict[str, str] = {
    **dict.fromkeys(
        ["kill", "killed", "dead", "death", "die", "toll", "fatality", "life", "casualty"], "killed"
    ),
    **dict.fromkeys(["injure", "injured", "wound", "wounded", "hurt", "injury"], "injured"),
    **dict.fromkeys(["missing", "miss", "unaccounted"], "missing"),
    **dict.fromkeys(["arrest", "arrested"], "arrested"),
    **dict.fromkeys(["custody", "detain", "detained", "jail", "jailed", "imprison"], "in custody"),
    **dict.fromkeys(["evacuate", "evacuated", "evacuation", "evacuee"], "evacuated"),
    **dict.fromkeys(["charge", "charged", "indict", "indicted"], "charged"),
    **dict.fromkeys(["aboard", "board", "passenger", "carry"], "aboard"),
    **dict.fromkeys(["body", "corpse", "remains"], "bodies"),
    **dict.fromkeys(["hospitalize", "hospitalized", "hospitalise"], "hospitalized"),
    **dict.fromkeys(["displace", "displaced", "homeless"], "displaced"),
    **dict.fromkeys(["strand", "stranded", "trap", "trapped"], "trapped"),
    **dict.fromkeys(["suspend", "suspended"], "suspended"),
    **dict.fromkeys(["resign", "retire", "retired"], "left their posts"),
    # "fatally shot", "mortally wounded": the adverb says they died
    **dict.fromkeys(["fatally", "mortally"], "killed"),
}
# Nouns that only say "people": the count belongs to the event, not to the noun.
PEOPLE_NOUNS: frozenset[str] = frozenset(
    [
        "people",
        "person",
        "serviceman",
        "servicemen",
        "soldier",
        "troop",
        "civilian",
        "resident",
        "passenger",
        "member",
        "officer",
        "worker",
        "child",
        "adult",
        "man",
        "woman",
        "victim",
        "student",
        "fighter",
        "militant",
        "protester",
        "official",
        "others",
        "other",
        # people named by their part in the event or their trade
        "suspect",
        "killer",
        "gunman",
        "attacker",
        "assailant",
        "hostage",
        "survivor",
        "teacher",
        "patient",
        "prisoner",
        "inmate",
        "migrant",
        "refugee",
        "crew",
        "journalist",
        "employee",
        "firefighter",
        "tourist",
        "demonstrator",
        "player",
        "pilot",
        "guard",
    ]
)
# Prepositions that tie people to an event they are not the victims of ("charged over
# the death", "questioned about the killings", "a trial for the murder").
TOPIC_PREPOSITIONS: frozenset[str] = frozenset(
    ["over", "for", "about", "after", "following", "regarding", "concerning"]
)
# Words that rank on a scale: "Category 3", "Level 4", "magnitude 7.1" are measures even
# when the tagger reads them as part of a name ("Route 66").
RANK_SCALES: frozenset[str] = frozenset(
    ["category", "level", "magnitude", "grade", "phase", "stage", "force", "tier"]
)
# Numbers that are dates, times and ordinals are not quantities.
NON_QUANTITY_ENTS: frozenset[str] = frozenset(["DATE", "TIME", "ORDINAL"])
YEAR_RANGE = (1800, 2100)

# What happened to an entity (a city, a person, a group): the status a reader tracks.
STATUS_WORDS: dict[str, str] = {
    **dict.fromkeys(
        # not "take": "taken to a hospital", "took office" (STATUS_PHRASES has "took control")
        ["seize", "seizure", "capture", "fall", "conquer", "occupy"],
        "captured",
    ),
    **dict.fromkeys(["retake", "recapture", "liberate"], "retaken"),
    **dict.fromkeys(["fight", "battle", "contest", "defend", "siege"], "contested"),
    **dict.fromkeys(["die", "death", "dead", "kill"], "dead"),
    **dict.fromkeys(["hospitalize", "hospitalized", "hospital", "battle_illness"], "hospitalized"),
    **dict.fromkeys(["arrest", "detain", "custody", "jail", "imprison"], "in custody"),
    **dict.fromkeys(["charge", "indict"], "charged"),
    **dict.fromkeys(["release", "free"], "released"),
    **dict.fromkeys(["convict", "sentence"], "convicted"),
    **dict.fromkeys(["acquit"], "acquitted"),
    **dict.fromkeys(["resign", "quit", "step_down"], "resigned"),
    **dict.fromkeys(["elect", "win"], "won"),
}
# Status verbs that tell a capture only of a place ("the city fell", not "Apple fell 5%").
PLACE_STATUS_VERBS: frozenset[str] = frozenset(["fall"])
# Nouns that say the name after "of" is a place ("the town of X", "the port of Y").
PLACE_NOUNS: frozenset[str] = frozenset(
    "city town village capital region province state district county port island "
    "base airport stronghold enclave territory neighborhood suburb".split()
)
# Verbs that give a person's name in a clause on a noun ("the victim, identified as …").
NAMING_VERBS: frozenset[str] = frozenset(["identify", "name", "call"])
# Phrases that state a status without a status verb.
STATUS_PHRASES: dict[str, str] = {
    "out of our control": "captured",
    "took control": "captured",
    "taken control": "captured",
    "take control": "captured",
    "under control": "held",
    "in custody": "in custody",
    "no arrests": "no arrests",
    "in critical condition": "hospitalized",
    "in grave condition": "hospitalized",
}

# Pronouns: they stand in for a name, and two sentences sharing "his" share nothing.
PRONOUN_WORDS: frozenset[str] = frozenset(
    "i me my mine we us our ours you your yours he him his she her hers it its they them "
    "their theirs this these those himself herself itself themselves".split()
)
# Content words that carry no fact of their own (for "is this sentence new?").
STOP_LEMMAS: frozenset[str] = frozenset(
    [
        "be",
        "have",
        "do",
        "say",
        "the",
        "a",
        "an",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "and",
        "or",
        "but",
        "that",
        "this",
        "it",
        "its",
        "with",
        "by",
        "from",
        "as",
        "was",
        "were",
        "is",
        "are",
        "has",
        "had",
        "will",
        "would",
        "also",
        "which",
        "who",
        "said",
        "says",
    ]
)

# Matching and reporting thresholds.
SAME_SENTENCE_SIMILARITY = 85  # rapidfuzz token_set_ratio: a B sentence restates an A one
COVERED_SIMILARITY = 70  # a new B sentence whose facts an A sentence already has
NOVEL_WORD_SHARE = 0.4  # share of a sentence's content words that must be new to be "added"
MIN_ADDED_WORDS = 6  # shorter new sentences are captions and fragments, not facts
TAIL_SHARE = 0.15  # removals in the last part of A may be an excerpt cut short
REVISION_SHARE = 0.5  # removals are reported only when B keeps this share of A verbatim

# How important each kind of change is to a reader (ordering and the cap).
CHANGE_WEIGHT: dict[str, float] = {
    "resolved": 10.0,
    "contradicted": 9.0,
    "quantity": 8.0,
    "changed": 7.0,
    "attribution": 5.0,
    "certainty": 5.0,
    "added": 3.0,
    "removed": 2.0,
}

# Words in front of a number that belong to it ("at least 32", "more than 1,200").
NUMBER_MODIFIERS: frozenset[str] = frozenset(
    [
        "at",
        "least",
        "more",
        "than",
        "fewer",
        "less",
        "about",
        "nearly",
        "almost",
        "over",
        "under",
        "some",
        "approximately",
        "roughly",
        "around",
        "estimated",
        "up",
        "another",
        "only",
        "just",
    ]
)
# Status words whose grammatical subject is the entity ("Ali died", "the city fell").
SUBJECT_STATUS_WORDS: frozenset[str] = frozenset(
    ["die", "dead", "fall", "hospital", "hospitalize", "resign", "quit", "battle"]
)
# Predicates that name the same event ("downed" = "shot down").
PREDICATE_SYNONYMS: dict[str, str] = {
    # "downed" a plane is "shot down"; "shot" alone is not (a gunman shoots a person)
    "down": "shoot down",
    "slay": "kill",
    "perish": "die",
    "seize": "capture",
    "take over": "capture",
}
# Irregular plurals for event keys.
PLURALS: dict[str, str] = {
    "people": "person",
    "men": "man",
    "women": "woman",
    "children": "child",
    "servicemen": "serviceman",
    "police": "police",
    "news": "news",
    "series": "series",
}

# Verbs too light to key an event on ("have", "make"): their frames are never compared.
LIGHT_VERBS: frozenset[str] = frozenset(
    [
        "be",
        "have",
        "make",
        "take",
        "give",
        "get",
        "do",
        "go",
        "come",
        "put",
        "set",
        "keep",
        "let",
        "seem",
        "become",
        "include",
        "use",
        "follow",
        "lead",
        "show",
        "see",
        "find",
        "call",
        "help",
        "want",
        "need",
        "try",
        "begin",
        "start",
        "continue",
        "remain",
    ]
)

# The past tense of English irregular verbs (a closed class); others take -ed.
# Where the past participle is not the past tense ("took" but "taken").
IRREGULAR_PARTICIPLE: dict[str, str] = {
    "take": "taken",
    "give": "given",
    "drive": "driven",
    "see": "seen",
    "throw": "thrown",
    "eat": "eaten",
    "fall": "fallen",
    "write": "written",
    "rise": "risen",
    "fly": "flown",
    "choose": "chosen",
    "break": "broken",
    "speak": "spoken",
    "steal": "stolen",
    "freeze": "frozen",
    "grow": "grown",
    "know": "known",
    "blow": "blown",
    "draw": "drawn",
    "begin": "begun",
    "swim": "swum",
    "run": "run",
    "come": "come",
    "become": "become",
    "go": "gone",
    "do": "done",
    "bite": "bitten",
    "hide": "hidden",
    "forget": "forgotten",
    "tear": "torn",
    "wear": "worn",
    "shake": "shaken",
    "wake": "woken",
    "sink": "sunk",
    "sing": "sung",
    "ride": "ridden",
    "forgive": "forgiven",
    "show": "shown",
    "sew": "sewn",
    "swear": "sworn",
    "strive": "striven",
    "arise": "arisen",
    "undertake": "undertaken",
    "overthrow": "overthrown",
    "withdraw": "withdrawn",
    "mistake": "mistaken",
}
IRREGULAR_PAST: dict[str, str] = {
    "arise": "arose",
    "be": "was",
    "beat": "beat",
    "become": "became",
    "begin": "began",
    "bend": "bent",
    "bet": "bet",
    "bid": "bid",
    "bind": "bound",
    "bite": "bit",
    "bleed": "bled",
    "blow": "blew",
    "break": "broke",
    "bring": "brought",
    "broadcast": "broadcast",
    "build": "built",
    "buy": "bought",
    "catch": "caught",
    "choose": "chose",
    "cling": "clung",
    "come": "came",
    "cost": "cost",
    "creep": "crept",
    "cut": "cut",
    "deal": "dealt",
    "dig": "dug",
    "do": "did",
    "draw": "drew",
    "drink": "drank",
    "drive": "drove",
    "eat": "ate",
    "fall": "fell",
    "feed": "fed",
    "feel": "felt",
    "fight": "fought",
    "find": "found",
    "flee": "fled",
    "fly": "flew",
    "forbid": "forbade",
    "forecast": "forecast",
    "foresee": "foresaw",
    "forget": "forgot",
    "forgive": "forgave",
    "freeze": "froze",
    "get": "got",
    "give": "gave",
    "go": "went",
    "grind": "ground",
    "grow": "grew",
    "hang": "hung",
    "have": "had",
    "hear": "heard",
    "hide": "hid",
    "hit": "hit",
    "hold": "held",
    "hurt": "hurt",
    "keep": "kept",
    "know": "knew",
    "lay": "laid",
    "lead": "led",
    "leave": "left",
    "lend": "lent",
    "let": "let",
    "light": "lit",
    "lose": "lost",
    "make": "made",
    "mean": "meant",
    "meet": "met",
    "mislead": "misled",
    "overcome": "overcame",
    "overrun": "overran",
    "oversee": "oversaw",
    "overthrow": "overthrew",
    "pay": "paid",
    "put": "put",
    "quit": "quit",
    "read": "read",
    "rebuild": "rebuilt",
    "rewrite": "rewrote",
    "ride": "rode",
    "ring": "rang",
    "rise": "rose",
    "run": "ran",
    "say": "said",
    "see": "saw",
    "seek": "sought",
    "sell": "sold",
    "send": "sent",
    "set": "set",
    "shake": "shook",
    "shed": "shed",
    "shoot": "shot",
    "shut": "shut",
    "sing": "sang",
    "sink": "sank",
    "sit": "sat",
    "sleep": "slept",
    "slide": "slid",
    "speak": "spoke",
    "spend": "spent",
    "spin": "spun",
    "split": "split",
    "spread": "spread",
    "stand": "stood",
    "steal": "stole",
    "stick": "stuck",
    "strike": "struck",
    "swear": "swore",
    "sweep": "swept",
    "swim": "swam",
    "swing": "swung",
    "take": "took",
    "teach": "taught",
    "tear": "tore",
    "tell": "told",
    "think": "thought",
    "throw": "threw",
    "understand": "understood",
    "undertake": "undertook",
    "uphold": "upheld",
    "wake": "woke",
    "wear": "wore",
    "win": "won",
    "withdraw": "withdrew",
    "withhold": "withheld",
    "write": "wrote",
}

# Parts of speech whose words carry a sentence's facts (kept per sentence as "mentions").
CONTENT_POS: frozenset[str] = frozenset({"NOUN", "PROPN", "NUM", "ADJ"})
# At most this many "added"/"removed" sentences per diff: the reader wants the top new facts.
MAX_SENTENCE_CHANGES = 2
# A rewrite with this many one-line fact changes lists at most this many whole sentences.
BUSY_FACT_ITEMS = 4
BUSY_SENTENCE_CHANGES = 1
# An edited sentence that keeps this share of its old words and gains a clause with a
# new event is reported like a new sentence.
KEPT_CLAUSE_SHARE = 0.8
# A revision keeps this share of the old sentences word for word: its new sentences
# are deliberate additions, and more of them are listed.
REVISION_KEPT_SHARE = 0.85
MAX_REVISION_SENTENCE_CHANGES = 4
# A run of this many added sentences in an otherwise unchanged story is an inserted
# sidebar or page furniture: reported once, not sentence by sentence.
BLOCK_RUN = 8
BLOCK_KEPT_SHARE = 0.8
BLOCK_GAP = 2
# An added sentence sharing this share of its content words with an A sentence rewrites it
# (a third: one word in four is a dateline's place name shared by chance; 3-seed CV held-out
# F1 0.583 at 0.25, 0.594 at 0.34, 0.596 at 0.4, 0.589 at 0.5).
REWRITE_OVERLAP = 0.34
# Content words are compared on their first letters (after folding) to catch inflections.
STEM_LENGTH = 5
# A B sentence whose stems are this much inside one A sentence restates it.
CONTAINED_SHARE = 0.8
# An edit that only adds names must add this many to be news ("U.S." before a court is not).
MIN_NEW_NAMES = 2
# What makes a new sentence worth a reader's time (ranking among additions).
NEWS_WEIGHTS: dict[str, float] = {
    "new_name": 1.0,
    "figure": 0.5,
    "novelty": 1.0,
    "quote": 1.5,
    "new_event": 0.5,
    "background": 1.0,
    "commentary": 1.5,
}
# Lines that are page furniture or credits, not story text (any outlet).
# A photo credit: the paragraph that carries it is a caption.
PHOTO_CREDIT = re.compile(
    r"\((?:AP|AFP|Reuters|Getty)(?: Photo| Images)?/[^)]*\)|\bAP Photo\b", re.I
)
FURNITURE_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"contributed (?:reporting|to this (?:report|story))", re.I),
    re.compile(r"all rights reserved|©|\(c\) \d{4}", re.I),
    re.compile(r"^(?:read more|follow us|watch|sign up|click here|related)\b", re.I),
    # photo captions and credits: "(AP Photo/Name)", "In this photo …", "An aerial view shows …"
    PHOTO_CREDIT,
    re.compile(r"^(?:in this|this) (?:\w+ )?(?:photo|image|picture|handout|video)\b", re.I),
    re.compile(r"^an? (?:aerial|general|file) (?:view|photo|image)\b", re.I),
    re.compile(r"^(?:photo|photograph|caption|image|picture|pictured|video|graphic)\s*:", re.I),
    re.compile(r"\b(?:photo|image|picture) (?:taken|provided|released) (?:on|by)\b", re.I),
)
# Pronouns that can stand in for a name already given ("Kukharenko said" → "he said").
STAND_IN_PRONOUNS: frozenset[str] = frozenset(["he", "she", "they", "it", "him", "her", "them"])
# Number words that only give an order of magnitude: never equal to a figure.
VAGUE_NUMBERS: frozenset[str] = frozenset(
    ["dozens", "hundreds", "thousands", "millions", "scores", "several", "many", "series"]
)
# Statuses too loose to attribute ("fighting continues"): only a change away from them counts.
WEAK_STATUSES: frozenset[str] = frozenset(["contested"])
# How much a change loses for sitting at the end of the story rather than in the lede.
POSITION_WEIGHT = 0.5
# Titles before a person's name: a title added ("President Putin") is not a new name.
PERSON_TITLES: frozenset[str] = frozenset(
    [
        "president",
        "prime",
        "minister",
        "governor",
        "secretary",
        "mr",
        "mrs",
        "ms",
        "dr",
        "general",
        "gen",
        "judge",
        "justice",
        "senator",
        "sen",
        "rep",
        "mayor",
        "chief",
        # rank and office words that stand before a name or an office
        "deputy",
        "vice",
        "acting",
        "interim",
        "assistant",
        "premier",
        "chancellor",
        "ambassador",
        "commissioner",
        "director",
        "chairman",
        "chairwoman",
        "sheriff",
        "lt",
        "col",
        "capt",
        "sgt",
        "gov",
    ]
)

# Words that change a person's rank in an office: put in or taken out, they are news
# ("Deputy Minister" → "Minister"), where a title put before a name is house style.
RANK_WORDS: frozenset[str] = frozenset(
    {"deputy", "vice", "acting", "interim", "assistant", "former"}
)

# Titles and roles in front of names: two different people can share them.
TITLES: frozenset[str] = PERSON_TITLES | frozenset(
    [
        "spokesman",
        "spokeswoman",
        "foreign",
        "defense",
        "interior",
        "ministry",
        "state",
        "the",
        "of",
        "department",
        "office",
        "police",
        "army",
        "government",
    ]
)
# Count classes that are stages of one fate: the same people moving from one to another
# ("16 in custody" → "16 charged", "two injured" → "two killed") is a change of status.
FATE_CLASSES: frozenset[str] = frozenset(
    ["killed", "injured", "missing", "arrested", "in custody", "charged", "evacuated"]
)
# Verbs of movement whose amount ("fell 1.8 cents") comes with a new level ("to $1.12").
DELTA_VERBS: frozenset[str] = frozenset(
    ["fall", "rise", "drop", "gain", "climb", "lose", "slip", "jump", "add", "shed", "decline"]
)
# Dimensions whose new figures are news in a new sentence (prices, rates), like counts.
NEWS_DIMENSIONS: frozenset[str] = frozenset(["money", "share"])
# NER labels of places (settled per document, see extract._settle_labels).
PLACE_LABELS: frozenset[str] = frozenset(["GPE", "LOC", "FAC"])
# How a complete sentence ends; a version's last line without one was cut short.
SENTENCE_ENDS: tuple[str, ...] = (".", "!", "?", '"', "”", "’", "'", ")", ":")
# A B sentence covered by two A sentences together counts as this much covered (a merge).
MERGE_DISCOUNT = 0.9
FIGURE_EDIT_WORDS = 6  # an edit of a figure changes a few words: "32" → "at least 60"
# How far (in words) from a number its fate word may be ("36 people were later found dead").
COUNT_WORD_WINDOW = 8
# Quantifiers that count without a figure ("a series of aftershocks", "several injured").
VAGUE_QUANTIFIERS: frozenset[str] = frozenset(["series", "several", "numerous", "scores", "many"])
# Prepositions that tie a status noun to its entity ("seizure of", "fight for", "fighting in").
STATUS_NOUN_PREPS: frozenset[str] = frozenset(["of", "for", "in"])
# Status nouns that are places: what follows them says where ("a hospital in the Phoenix
# area", "jail in Moscow"), and the entity is the one the clause puts there.
PLACE_STATUS_NOUNS: frozenset[str] = frozenset(["hospital", "jail", "custody"])
# Verbs that describe how things are rather than what happened (background sentences).
STATIVE_VERBS: frozenset[str] = frozenset(
    [
        "lie",
        "rank",
        "remain",
        "border",
        "surround",
        "locate",
        "sit",
        "stretch",
        "belong",
        "consist",
        "contain",
        "resemble",
        "hold",
        "own",
        "know",
        "live",
    ]
)
# Verbs that start an action named by a noun ("opened an investigation" = investigated):
# the event is the noun's, keyed on its verb ("investigation" ~ "investigate").
LAUNCH_VERBS: frozenset[str] = frozenset(
    ["open", "launch", "begin", "start", "conduct", "initiate", "mount", "lead", "order"]
)
# Quantifiers in front of a noun: whether a claim covers all of a group or part of it.
UNIVERSAL_QUANTIFIERS: frozenset[str] = frozenset(["all", "every", "each", "entire", "whole"])
QUANTIFIER_PATTERN = re.compile(
    r"\b(all(?: of)?(?: the| his| her| their| its)?|every|each|the entire|the whole"
    r"|some(?: of the)?|a group of|several|a number of|many|most(?: of the)?|a few"
    r"|a handful of|part of|parts of|half(?: of)?(?: the)?)\s+([a-z][a-z-]+)",
    re.I,
)
# Words that tell what ought to be, not what happened: commentary, not news.
PRESCRIPTIVE = re.compile(
    r"\b(?:must|should|ought to|is a must|need to|needs to|have to|has to)\b", re.I
)
# A count given without a figure, as the text says it (folded to lower case).
VAGUE_COUNT = re.compile(
    r"\b(?:an? (?:unknown |unspecified |undetermined |small |large )?number of|multiple|"
    r"numerous|dozens|hundreds|thousands|scores|a handful of|a few|several|many)\b"
)
# A vague count ("hundreds") is read this many words either side of the counted word.
VAGUE_WINDOW = 3
# A place told without a name: "in a northeastern coastal area", "near the border".
PLACE_PHRASE = re.compile(
    r"\b(?:in|near|at|along|off|outside) (?:an?|the) (?:[a-z-]+ ){0,3}"
    r"(?:area|region|city|town|village|coast|province|prefecture|district|border|zone)\b"
)
# An excerpt broken mid-sentence is read on over at most this many lines.
MAX_BROKEN_LINES = 4
# A distance told without a figure, and the place it is measured from.
VAGUE_DISTANCE = re.compile(r"\b(distant|far|not far|close|near|remote)\s+(?:away\s+)?from\b")
FROM_PLACE = re.compile(r"\bfrom ((?:[A-Z][\w'-]*)(?:[ -][A-Z][\w'-]*)*)")
# How far (characters) after a figure its "from <place>" may come.
MEASURE_REACH = 60
# An open question a story leaves ("it was not clear if …", "it is unknown whether …").
OPEN_QUESTION = re.compile(
    r"\b(?:(?:not|n't) (?:immediately )?(?:clear|known)|unclear|unknown) (?:if|whether)\b", re.I
)
# What a story does not know yet, told of its subject: "The cause of the blast was not
# immediately known", "The victims' names have not been released".
UNKNOWN_YET = re.compile(
    r"\b(?:was|were|is|are|remains?|remained|has|have)\s+(?:still\s+)?(?:been\s+)?"
    r"(?:(?:not|n't)\s+(?:yet\s+|immediately\s+|been\s+)*"
    r"(?P<verb>known|clear|released|determined|established|identified|disclosed)"
    r"|unknown|unclear|undetermined|under investigation)\b",
    re.I,
)
# "Not released" is an open question only of information ("the names were not released"),
# not of people ("the hostages were not released").
WITHHELD_VERBS = frozenset({"released", "identified", "disclosed"})
INFORMATION_NOUNS = frozenset(
    "name names identity identities details cause causes motive number toll extent "
    "circumstances nature reason origin amount figure figures results".split()
)
# The question after "it was not clear": "… what caused the fire", "… why the train left".
WH_QUESTION = re.compile(r"\s*(?P<wh>what|why|how|who|where)\b\s*(?P<rest>[^,;]*)", re.I)
# Nouns that ask why something happened; a sentence with a causal phrase answers them.
CAUSE_NOUNS = frozenset({"cause", "causes", "reason", "reasons", "origin", "motive", "trigger"})
CAUSAL = re.compile(
    r"\b(?:caused|causing|result(?:ed)? (?:of|from)|triggered|triggering|sparked|set off|"
    r"blamed|due to|because of|led to|started by)\b",
    re.I,
)
# Attribution to a source, besides the verbs of SAID: "Per the ministry, …".
PER_SOURCE = re.compile(r"\b[Pp]er\s+(?:the\s+)?[A-Z]\w+")
# A sentence that reports someone's word.
SAID = re.compile(r"\b(?:said|says|told|stated|according to|statement)\b", re.I)
# Where people went: a verb of moving and the named place it ends in.
DESTINATION = re.compile(
    r"\b(?:fled|flee|flees|fleeing|moved?|moving|relocated?|relocating|settled?|settling)"
    r"\s+(?:back\s+)?(?:to|in)\s+([A-Z][\w-]+(?:\s[A-Z][\w-]+)*)"
)
