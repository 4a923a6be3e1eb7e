"""How names are compared: one normal form for every look-up by name.

Query parameters ("Hana Corp." for "Hana Corporation"), report mentions
(kg.ingest.resolve), country spellings (kg.countries) and node look-up in the
networkx graph (kg.netx) all compare names in the form :func:`name_key` gives,
and company names also without their legal form (:func:`company_key`), so a
name that one of them finds the others find too.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["LEGAL_FORMS", "company_key", "name_key"]

# Legal forms a name may carry or leave out ("Panasonic Holdings" for "Panasonic Holdings Corporation"),
# as they read after name_key (dots dropped: "S.A." is "sa", "K.K." is "kk")
LEGAL_FORMS = frozenset(
    [
        "ab",
        "ag",
        "asa",
        "bv",
        "co",
        "company",
        "corp",
        "corporation",
        "gmbh",
        "inc",
        "incorporated",
        "kg",
        "kk",
        "limited",
        "llc",
        "lp",
        "ltd",
        "nv",
        "oyj",
        "plc",
        "pty",
        "sa",
        "se",
        "spa",
    ]
)


def name_key(text: str) -> str:
    """A name as compared: case, accents, dots and other punctuation do not count; ``&`` is "and".

    >>> name_key("U.K."), name_key("LG Corp."), name_key("Société Générale & Co"), name_key("Taiwan, China")
    ('uk', 'lg corp', 'societe generale and co', 'taiwan china')
    >>> name_key("ガス"), name_key("ＴＤＫ株式会社")
    ('ガス', 'tdk株式会社')
    """
    kept: list[str] = []
    for ch in unicodedata.normalize("NFKD", str(text)):
        # accents go from Latin letters only: a kana's voicing mark changes the word
        if not (unicodedata.combining(ch) and kept and kept[-1] < "\u0250"):
            kept.append(ch)
    text = unicodedata.normalize("NFC", "".join(kept)).casefold().replace("&", " and ").replace(".", "")
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def company_key(name: str) -> str:
    """An organisation's name as compared: :func:`name_key` without parentheses or a trailing legal form.

    >>> company_key("BYD Company Limited"), company_key("Johnson Controls-Saft"), company_key("LG Chem Ltd.")
    ('byd', 'johnson controls saft', 'lg chem')
    >>> company_key("Hana Corp."), company_key("Arkema S.A."), company_key("Company")
    ('hana', 'arkema', 'company')
    """
    words = name_key(re.sub(r"\([^)]*\)", " ", str(name))).split()
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    return " ".join(words)
