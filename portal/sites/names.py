"""Short names and pinyin keys for finding a site by typing a few letters."""

from pypinyin import Style, lazy_pinyin

# Long official suffixes and the short form people say (水井坊社区居委会 -> 水井坊社区).
SUFFIXES = (
    ("社区居民委员会", "社区"),
    ("社区居委会", "社区"),
    ("居民委员会", "社区"),
    ("居委会", "社区"),
    ("村民委员会", "村"),
    ("村委会", "村"),
    ("街道办事处", "街道"),
    ("办事处", ""),
)


def short_name(name: str) -> str:
    """The name people use day to day."""
    for long, short in SUFFIXES:
        if name.endswith(long) and len(name) > len(long):
            stem = name[: -len(long)]
            return stem if stem.endswith(short) else stem + short
    return name


def pinyin_keys(name: str) -> tuple[str, str, str]:
    """Full pinyin, first letters (sjfsq) and initials with zh/ch/sh (shjfsq) of a name."""
    chars = [c for c in name if not c.isspace()]
    full = lazy_pinyin(chars)
    firsts = lazy_pinyin(chars, style=Style.FIRST_LETTER)
    initials = lazy_pinyin(chars, style=Style.INITIALS, strict=False)
    shengmu = [i or f for i, f in zip(initials, firsts, strict=False)]
    return "".join(full).lower(), "".join(firsts).lower(), "".join(shengmu).lower()
