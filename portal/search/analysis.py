"""Chinese text analysis shared by every backend: folding, segmentation, domain words and synonyms.

Both backends index the tokens produced here (joined by spaces, split again by the engine's
whitespace tokenizer) and query with tokens produced here, so segmentation is identical whichever
engine stores the index.

* Folding: NFKC (full-width letters and digits become ASCII), traditional to simplified (OpenCC
  t2s), lower case.
* Segmentation: rjieba (jieba's algorithm in Rust) with a domain dictionary
  (`data/dictionary.txt`) and the region's site names added as words, so 四议两公开 and 安龙村
  stay whole. Documents are cut in search mode (the words and the shorter words inside them);
  queries are cut in the normal mode, so each query word is one indexed token.
* Synonyms (`data/synonyms.txt`): each group has a canonical word; a document gets the canonical
  token next to any member it contains, and a query member is looked up as the canonical word.
* Numbers: digit runs are tokens of their own, so 2024年 finds 2024. In a query, 年 right after
  a four-digit year is dropped: 2024年 asks for the year 2024, and 年 (in nearly every
  disclosure, so it neither narrows nor ranks) would only make the engine read its postings.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import cache
from pathlib import Path

import opencc
import rjieba

DATA_DIR = Path(__file__).resolve().parent / "data"
# Anything that is not a letter, digit or CJK character separates words (engine operators
# included: AND OR * " : ( ) - + ~ ^ [ ] { } are never passed to an engine as syntax).
SEPARATORS = re.compile(r"[^\w\u3400-\u9fff\uf900-\ufaff]+", re.UNICODE)
DIGITS = re.compile(r"\d+|\D+")
HAS_DIGIT = re.compile(r"\d")
# Control, format and separator characters (zero-width spaces, bidi marks, NUL, ...).
CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff0-\uffff]")
STOPWORDS = frozenset("的 了 和 与 及 或 在 是 为 对 等 之 其 于 and or not".split())
QUERY_MAX_CHARS = 200  # longer queries are cut here: nobody types more into a search box
QUERY_MAX_TOKENS = 24
YEAR_SUFFIX = "年"  # not looked up after a year in a query (2024年 is the year 2024)


def _read_lines(name: str) -> list[str]:
    """Non-empty, non-comment lines of a data file."""
    lines = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """Full-width to ASCII, traditional to simplified, lower case; controls become spaces."""
    text = CONTROLS.sub(" ", unicodedata.normalize("NFKC", text or ""))
    if not text.isascii():
        text = _converter().convert(text)
    return text.lower()


def synonym_groups() -> list[list[str]]:
    """The synonym groups, canonical word first."""
    return [line.split() for line in _read_lines("synonyms.txt")]


@cache
def _canonical() -> dict[str, str]:
    return {word: group[0] for group in synonym_groups() for word in group}


@cache
def _group_of() -> dict[str, tuple[str, ...]]:
    return {word: tuple(group) for group in synonym_groups() for word in group}


@cache
def domain_words() -> tuple[str, ...]:
    """Dictionary words plus every synonym, longest first (so longer words are found first)."""
    words = set(_read_lines("dictionary.txt"))
    for group in synonym_groups():
        words.update(group)
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


@cache
def _domain_pattern() -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in domain_words()))


class Segmenter:
    """One rjieba instance with the domain words; site names are added once per process."""

    def __init__(self):
        self._jieba = rjieba.Jieba()
        self._lock = threading.Lock()
        self._site_words: set[str] = set()
        for word in domain_words():
            self._jieba.add_word(word, None, None)

    def add_words(self, words) -> None:
        """Add words (site names) the segmenter must keep whole."""
        new = {w for w in words if w and w not in self._site_words}
        if not new:
            return
        with self._lock:
            for word in sorted(new):
                self._jieba.add_word(fold(word), None, None)
            self._site_words |= new

    def cut(self, text: str, for_search: bool) -> list[str]:
        """Segment folded text."""
        if for_search:
            return self._jieba.cut_for_search(text, True)
        return self._jieba.cut(text, True)


_segmenter: Segmenter | None = None
_segmenter_lock = threading.Lock()


def segmenter() -> Segmenter:
    """The process-wide segmenter."""
    global _segmenter
    if _segmenter is None:
        with _segmenter_lock:
            if _segmenter is None:
                _segmenter = Segmenter()
    return _segmenter


def _words(text: str, for_search: bool) -> list[str]:
    """Folded, segmented words without separators; digit runs split off ('2024年' -> 2024, 年)."""
    out = []
    for token in segmenter().cut(SEPARATORS.sub(" ", fold(text)), for_search):
        if not token.strip():
            continue
        if HAS_DIGIT.search(token) and not token.isdigit():
            out.extend(DIGITS.findall(token))
        else:
            out.append(token)
    return out


def index_tokens(text: str) -> list[str]:
    """The tokens a document's text is indexed under (with repeats, for term frequency)."""
    tokens = _words(text, for_search=True)
    folded = fold(text)
    # Domain words inside longer runs the segmenter cut differently still count as words.
    tokens.extend(_domain_pattern().findall(folded))
    canonical = _canonical()
    tokens.extend(canonical[t] for t in list(tokens) if t in canonical and canonical[t] != t)
    return tokens


def index_text(text: str) -> str:
    """index_tokens joined by spaces, for an engine's whitespace tokenizer."""
    return " ".join(index_tokens(text))


def query_tokens(text: str) -> list[str]:
    """The words of a query, each looked up as one token (synonyms as their canonical word)."""
    text = (text or "")[:QUERY_MAX_CHARS]
    canonical = _canonical()
    seen, out = set(), []
    previous = ""
    for token in _words(text, for_search=False):
        previous, after_year = token, len(previous) == 4 and previous.isdigit()
        if token in STOPWORDS or (token == YEAR_SUFFIX and after_year):
            continue
        token = canonical.get(token, token)
        if token not in seen:
            seen.add(token)
            out.append(token)
    return out[:QUERY_MAX_TOKENS]


def surface_forms(tokens: list[str]) -> list[str]:
    """Words to highlight for these query tokens: each token and its synonyms, longest first."""
    groups = _group_of()
    words = set()
    for token in tokens:
        words.add(token)
        words.update(groups.get(token, ()))
    return sorted(words, key=lambda w: (-len(w), w))
