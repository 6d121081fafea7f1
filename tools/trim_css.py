"""Designsystemet's CSS without the components the app never writes.

    python tools/trim_css.py INDEX_CSS OUT_CSS

`@digdir/designsystemet-css` ships one index.css (147 kB, 21 kB gzip, render-blocking on every
page) with every component. This keeps index.css as it is — its `@layer` order, the order of
its rules, every at-rule (`@keyframes`, `@property`, `@media`, `@supports` …), every rule about
elements, attributes or custom properties — and drops only the selectors that name a `ds-`
class that no template, Python module or script of the app contains (`used_classes`): an
element can only match `.ds-tabs` if something writes `ds-tabs`. A rule loses only the
selectors of its list that cannot match; a rule or block left empty goes.

Conservative where a class does not make a selector need it: inside `:not(…)` (and every other
functional pseudo-class or pseudo-element but `:is`, `:where`, `:matches`, `:-webkit-any` and
`:has`, whose lists need one matching item) and inside `[…]` attribute selectors, classes are
ignored. Run by tools/build_assets.sh; tests/test_serving.py checks the served file is what
this makes of the installed package and the sources of today.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Where the app writes class names: templates, Python (form widgets, macros' helpers) and our
# own script. Designsystemet's web components add no ds- classes of their own.
SOURCES = [(ROOT / "templates", "*.html"), (ROOT / "caseapp", "*.html"),
           (ROOT / "caseapp", "*.py"), (ROOT / "caseapp" / "static", "app.js"),
           (ROOT / "roles", "*.py"), (ROOT / "consent", "*.py"), (ROOT / "audit", "*.py")]
CLASS = re.compile(r"ds-[a-z0-9_-]+", re.I)
SELECTOR_CLASS = re.compile(r"\.(ds-[a-zA-Z0-9_-]+)")
ANY_OF = {":is(", ":where(", ":matches(", ":-webkit-any(", ":has("}


def used_classes(sources=SOURCES) -> set[str]:
    """Every ``ds-…`` word in the app's sources (a superset of the classes it writes)."""
    found: set[str] = set()
    for folder, pattern in sources:
        for path in folder.rglob(pattern):
            if "vendor" in path.parts:
                continue
            found.update(word.lower() for word in CLASS.findall(path.read_text(errors="ignore")))
    return found


def _skip_string(css: str, i: int) -> int:
    """The index after the string starting at ``i``."""
    quote = css[i]
    i += 1
    while i < len(css) and css[i] != quote:
        i += 2 if css[i] == "\\" else 1
    return i + 1


def _blocks(css: str) -> list[tuple[str, str | None]]:
    """The top-level statements of ``css``: (prelude, body) for a block, (statement, None) for
    a statement ending in ``;``."""
    out: list[tuple[str, str | None]] = []
    i, n = 0, len(css)
    while i < n:
        j = i
        while j < n and css[j] not in "{;":
            j = _skip_string(css, j) if css[j] in "\"'" else j + 1
        if j >= n:
            if css[i:].strip():
                out.append((css[i:].strip(), None))
            break
        if css[j] == ";":
            out.append((css[i:j + 1].strip(), None))
            i = j + 1
            continue
        depth, k = 0, j
        while k < n:
            char = css[k]
            if char in "\"'":
                k = _skip_string(css, k)
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    break
            k += 1
        out.append((css[i:j].strip(), css[j + 1:k]))
        i = k + 1
    return out


def _split_list(selectors: str) -> list[str]:
    """A selector list split at its top-level commas."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(selectors):
        char = selectors[i]
        if char in "\"'":
            i = _skip_string(selectors, i)
            continue
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(selectors[start:i])
            start = i + 1
        i += 1
    parts.append(selectors[start:])
    return parts


def _closing(selector: str, i: int) -> int:
    """The index of the bracket that closes the one opened at ``i``."""
    depth = 0
    while i < len(selector):
        char = selector[i]
        if char in "\"'":
            i = _skip_string(selector, i)
            continue
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return len(selector)


def can_match(selector: str, used: set[str]) -> bool:
    """False only when ``selector`` needs an element with a ``ds-`` class nobody writes."""
    i, outside = 0, []
    while i < len(selector):
        char = selector[i]
        if char in "([":
            end = _closing(selector, i)
            opener = selector[max(0, selector.rfind(":", 0, i)):i + 1].lower()
            if char == "(" and opener in ANY_OF:
                if not any(can_match(item, used) for item in _split_list(selector[i + 1:end])):
                    return False
            i = end + 1
            outside.append(" ")
            continue
        outside.append(char)
        i += 1
    return all(name.lower() in used for name in SELECTOR_CLASS.findall("".join(outside)))


def trim(css: str, used: set[str]) -> str:
    """``css`` without the selectors (and then rules and blocks) that cannot match."""
    out = []
    for prelude, body in _blocks(css):
        if body is None:
            out.append(prelude)
        elif prelude.startswith("@"):
            keyword = prelude.split(None, 1)[0].split("(", 1)[0].lower()
            if keyword in {"@media", "@supports", "@layer", "@container", "@scope",
                           "@starting-style", "@document"}:
                inner = trim(body, used)
                if inner:
                    out.append(f"{prelude}{{{inner}}}")
            else:  # @keyframes, @property, @font-face, @page …: kept as they are
                out.append(f"{prelude}{{{body}}}")
        else:
            kept = [s for s in _split_list(prelude) if can_match(s, used)]
            if kept:
                out.append(f"{','.join(kept)}{{{body}}}")
    return "".join(out)


def main() -> None:
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    css = source.read_text()
    trimmed = trim(css, used_classes())
    target.write_text(trimmed)
    print(f"{target}: {len(trimmed)} of {len(css)} bytes of {source.name} (the components used)")


if __name__ == "__main__":
    main()
