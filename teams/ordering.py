"""Natural order of names that carry a number: 一组, 二组, 三组 … 十组, 十一组 (and 2组 before 10组).

The database orders 一组, 三组, 二组 (by code point); people count. Used wherever teams are listed
side by side (the dashboards)."""

import re

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMBER = re.compile(r"(\d+|[零〇一二两三四五六七八九十百千]+)")


def _chinese_int(text: str) -> int:
    total, digit = 0, 0
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        else:  # a unit: 十 alone is 10
            total += (digit or 1) * _UNITS[char]
            digit = 0
    return total + digit


def natural_key(name: str) -> tuple:
    """A sort key reading runs of Arabic or Chinese numerals as numbers."""
    parts = []
    for i, part in enumerate(_NUMBER.split(name or "")):
        if i % 2:
            parts.append((0, int(part) if part.isdigit() else _chinese_int(part), ""))
        elif part:
            parts.append((1, 0, part))
    return tuple(parts)


def by_name(items, name=lambda item: item.name) -> list:
    """``items`` in natural order of their names."""
    return sorted(items, key=lambda item: natural_key(name(item)))
