"""The privacy guard: find and mask ID card, mobile and bank numbers in anything published.

Formats (shared/reference/standards-research.md §2.4, a design choice backed by the 去标识化 and
最小必要 rules): ID numbers keep the first 6 and last 4 digits (510104********1234), mobiles the
first 3 and last 4 (138****1234), bank numbers only the last 4. Full-width digits count as digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

# Runs of digits not touching other digits: ID (17 digits + digit/X), bank (16-19 digits,
# optionally grouped by single spaces or hyphens in fours), mobile (11 digits from 13x-19x).
_ID = r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])"
_BANK = r"(?<![0-9])[0-9]{4}(?:[ -]?[0-9]{4}){3}(?:[ -]?[0-9]{1,3})?(?![0-9])"
_MOBILE = r"(?<![0-9])(?:\+?86[ -]?)?1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}(?![0-9])"
PATTERN = re.compile(f"(?P<id>{_ID})|(?P<bank>{_BANK})|(?P<mobile>{_MOBILE})")

KIND_NAMES = {"id": "身份证号码", "mobile": "手机号码", "bank": "银行账号"}


@dataclass(frozen=True)
class Finding:
    """One unmasked identifier: its kind, where it is in the text and how it reads masked."""

    kind: str
    start: int
    end: int
    masked: str


def id_checksum_ok(number: str) -> bool:
    """ISO 7064 MOD 11-2 check digit of an 18-digit resident ID number, and a real birth date."""
    number = number.upper()
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS, strict=True))
    if ID_CHECK[total % 11] != number[17]:
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born


def mask_id(number: str) -> str:
    return number[:6] + "*" * 8 + number[-4:]


def mask_mobile(number: str) -> str:
    digits = re.sub(r"[^0-9]", "", number)[-11:]
    return digits[:3] + "****" + digits[-4:]


def mask_bank(number: str) -> str:
    digits = re.sub(r"[^0-9]", "", number)
    return "*" * (len(digits) - 4) + digits[-4:]


def find_identifiers(text: str) -> list[Finding]:
    """Every unmasked ID card, mobile or bank number in a text, in order."""
    if not text:
        return []
    scan = text.translate(FULL_WIDTH)
    findings = []
    for match in PATTERN.finditer(scan):
        value = match.group()
        if match.lastgroup == "id":
            if id_checksum_ok(value):
                findings.append(Finding("id", match.start(), match.end(), mask_id(value.upper())))
            else:
                findings.append(Finding("bank", match.start(), match.end(), mask_bank(value)))
        elif match.lastgroup == "bank":
            findings.append(Finding("bank", match.start(), match.end(), mask_bank(value)))
        else:
            findings.append(Finding("mobile", match.start(), match.end(), mask_mobile(value)))
    return findings


def mask_text(text: str) -> str:
    """The text with every identifier masked; everything else unchanged."""
    findings = find_identifiers(text)
    if not findings:
        return text
    out, last = [], 0
    for f in findings:
        out.append(text[last : f.start])
        out.append(f.masked)
        last = f.end
    out.append(text[last:])
    return "".join(out)


def line_of(text: str, offset: int) -> int:
    """1-based line number of an offset, to name the place of a finding."""
    return text.count("\n", 0, offset) + 1
