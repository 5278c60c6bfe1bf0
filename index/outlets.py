"""Outlet names: which strings name a publisher, their usual spelling, and outlets of web hosts.

Used by :mod:`index.metadata` (credits in the text, site suffixes of titles) and by the
loader (the host of an article's URL when nothing else names the outlet).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from rag.text.words import wordset

# Lower-cased name as written -> the name shown and filtered on.
KNOWN_OUTLETS = {
    "reuters": "Reuters",
    "thomson reuters": "Reuters",
    "afp": "AFP",
    "agence france-presse": "AFP",
    "agence france presse": "AFP",
    "ap": "AP",
    "the associated press": "AP",
    "associated press": "AP",
    "upi": "UPI",
    "dpa": "dpa",
    "xinhua": "Xinhua",
    "anadolu": "Anadolu Agency",
    "anadolu agency": "Anadolu Agency",
    "efe": "EFE",
    "ansa": "ANSA",
    "bloomberg": "Bloomberg",
    "tass": "TASS",
    "sana": "SANA",
    "kyodo": "Kyodo",
    "yonhap": "Yonhap",
    "pti": "PTI",
    "ians": "IANS",
    "ntb": "NTB",
    "bbc": "BBC News",
    "bbc news": "BBC News",
    "cnn": "CNN",
    "npr": "NPR",
    "al jazeera": "Al Jazeera",
    "sky news": "Sky News",
    "dw": "DW",
    "deutsche welle": "DW",
    "france 24": "France 24",
    "euronews": "Euronews",
    "the guardian": "The Guardian",
    "the new york times": "The New York Times",
    "the washington post": "The Washington Post",
    "financial times": "Financial Times",
    "the economist": "The Economist",
    "the independent": "The Independent",
    "politico": "Politico",
}
HOST_OUTLETS = {
    "bbc.co.uk": "BBC News",
    "bbc.com": "BBC News",
    "reuters.com": "Reuters",
    "afp.com": "AFP",
    "apnews.com": "AP",
    "aljazeera.com": "Al Jazeera",
    "theguardian.com": "The Guardian",
    "nytimes.com": "The New York Times",
    "washingtonpost.com": "The Washington Post",
    "cnn.com": "CNN",
    "npr.org": "NPR",
    "dw.com": "DW",
    "france24.com": "France 24",
    "ft.com": "Financial Times",
    "bloomberg.com": "Bloomberg",
}
# Last words of outlet names ("Halvard Gazette", "Coastal Herald", "Sky News").
OUTLET_WORDS = wordset(
    "news times post gazette herald journal tribune press telegraph guardian chronicle observer "
    "standard mail express courier dispatch bulletin independent monitor reporter review record "
    "examiner inquirer sentinel daily weekly wire agency radio tv television broadcasting network "
    "magazine today star sun mirror pioneer register"
)
# First words that make "X News" a section of a site, not an outlet.
_SECTIONS = wordset(
    "world local business sport sports breaking latest top national international tech technology "
    "science health politics middle economy finance culture regional more related"
)
_CONNECTORS = {"of", "the", "and", "&", "de", "la", "le", "al", "el", "for"}
_WORD = re.compile(r"[\w&.'-]+")


def canonical_outlet(value: str) -> str | None:
    """The outlet a line names on its own ("BBC News", "Halvard Gazette"), or None."""
    name = outlet_name(value, strict=True)
    if name and name.split()[0].casefold() in _SECTIONS and name.casefold() not in KNOWN_OUTLETS:
        return None
    return name


def outlet_name(value: str, *, strict: bool) -> str | None:
    """``value`` as an outlet name, or None when it is not one.

    Non-strict accepts any short capitalised name (for positions that only hold outlets: a
    dateline credit, "Source:"); strict also needs a known outlet or a name ending in a word
    such as News, Gazette or Herald (for positions where people and sections appear too).
    """
    value = value.strip().strip(".,;:|()[]\"'").strip()
    if not value or len(value) > 50:
        return None
    known = KNOWN_OUTLETS.get(value.casefold())
    if known:
        return known
    words = value.split()
    if not 1 <= len(words) <= 5 or any(char.isdigit() for char in value):
        return None
    if not all(_WORD.fullmatch(word) for word in words):
        return None
    if not all(word[0].isupper() or word.casefold() in _CONNECTORS for word in words):
        return None
    if words[0].casefold() in _CONNECTORS - {"the", "al", "el", "la", "le", "de"}:
        return None
    if strict and words[-1].casefold() not in OUTLET_WORDS:
        return None
    return value


def outlet_from_url(url: str | None) -> str | None:
    """The outlet of a known host, else the host itself ("valleytimes.example"); None without one."""
    if not url:
        return None
    try:
        host = (urlsplit(url.strip()).hostname or "").casefold()
    except ValueError:
        return None
    if "." not in host or host.replace(".", "").isdigit():
        return None
    host = re.sub(r"^(?:www\d?|m|amp|mobile)\.", "", host)
    for known, outlet in HOST_OUTLETS.items():
        if host == known or host.endswith("." + known):
            return outlet
    return host
