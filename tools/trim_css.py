"""Designsystemet's CSS without the components the app never writes.

    python tools/trim_css.py INDEX_CSS OUT_CSS

`@digdir/designsystemet-css` ships one index.css (147 kB, 21 kB gzip, render-blocking on every
page) with every component. This keeps index.css as it is — its `@layer` order, the order of
its rules, every at-rule (`@keyframes`, `@property`, `@font-face`, `@media`, `@supports` …),
every rule about elements, attributes or custom properties — and drops only the selectors that
name a `ds-` class that no template, Python module or script of the app contains
(`used_classes`): an element can only match `.ds-tabs` if something writes `ds-tabs`. A rule
loses only the selectors of its list that cannot match; a rule or block left empty goes.
Nested rules (CSS nesting, `.ds-x{&:hover{…}}`) are trimmed the same way, and the
declarations beside them stay in their order.

Conservative where a class does not make a selector need it: inside `:not(…)` (and every other
functional pseudo-class or pseudo-element but `:is`, `:where`, `:matches`, `:-webkit-any` and
`:has`, whose lists need one matching item) and inside `[…]` attribute selectors, classes are
ignored.

tinycss2 parses the CSS (comments, strings, escapes and brackets as a browser reads them) and
writes it back as it was, less the comments (strings as written there, quotes and escapes).
CSS that does not parse stops the build. Run by tools/build_assets.sh; tests/test_serving.py
checks the served file is what this makes of the installed package and the sources of today.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import tinycss2
from tinycss2 import ast

ROOT = Path(__file__).resolve().parent.parent
# Where the app writes class names: templates, Python (form widgets, macros' helpers) and our
# own script. Designsystemet's web components add no ds- classes of their own.
SOURCES = [(ROOT / "templates", "*.html"), (ROOT / "caseapp", "*.html"),
           (ROOT / "caseapp", "*.py"), (ROOT / "caseapp" / "static", "app.js"),
           (ROOT / "roles", "*.py"), (ROOT / "consent", "*.py"), (ROOT / "audit", "*.py")]
CLASS = re.compile(r"ds-[a-z0-9_-]+", re.I)
ANY_OF = {"is", "where", "matches", "-webkit-any", "has"}
# At-rules whose block holds rules to trim; every other at-rule is kept as it is.
GROUPS = {"media", "supports", "layer", "container", "scope", "starting-style", "document"}


def used_classes(sources=SOURCES) -> set[str]:
    """Every ``ds-…`` word in the app's sources (a superset of the classes it writes)."""
    found: set[str] = set()
    for folder, pattern in sources:
        for path in folder.rglob(pattern):
            if "vendor" in path.parts:
                continue
            found.update(word.lower() for word in CLASS.findall(path.read_text(errors="ignore")))
    return found


def _is(token, literal: str) -> bool:
    return token is not None and token.type == "literal" and token.value == literal


def _split_list(tokens: list) -> list[list]:
    """A selector list split at its top-level commas (commas in brackets are tokens' own)."""
    parts: list[list] = [[]]
    for token in tokens:
        if _is(token, ","):
            parts.append([])
        else:
            parts[-1].append(token)
    return parts


def _strip(tokens: list) -> list:
    """``tokens`` without the whitespace at either end."""
    start, end = 0, len(tokens)
    while start < end and tokens[start].type == "whitespace":
        start += 1
    while end > start and tokens[end - 1].type == "whitespace":
        end -= 1
    return tokens[start:end]


def _needs_only_used(tokens: list, used: set[str]) -> bool:
    """Whether the selector ``tokens`` need no ``ds-`` class outside ``used``."""
    previous = None
    for token in tokens:
        if token.type == "ident" and _is(previous, "."):
            name = token.lower_value
            if name.startswith("ds-") and name not in used:
                return False
        elif token.type == "function" and _is(previous, ":") and token.lower_name in ANY_OF:
            if not any(_needs_only_used(item, used) for item in _split_list(token.arguments)):
                return False
        previous = token  # […] and other functions are one token each: their classes ignored
    return True


def can_match(selector: str, used: set[str]) -> bool:
    """False only when ``selector`` needs an element with a ``ds-`` class nobody writes."""
    return _needs_only_used(tinycss2.parse_component_value_list(selector, True), used)


def _check(node) -> None:
    if node.type == "error":
        raise ValueError(f"CSS that does not parse, line {node.source_line} column "
                         f"{node.source_column}: {node.message}")


def _as_written(tokens: list, css: str, starts: list[int]) -> None:
    """Give every string in ``tokens`` (and in their brackets) the quotes and escapes it has
    in ``css`` (tinycss2 would write ``"\\2026"`` as ``"…"`` and every string in double quotes)."""
    for index, token in enumerate(tokens):
        if token.type == "string":
            start = starts[token.source_line - 1] + token.source_column - 1
            end = start + 1
            while end < len(css) and css[end] != css[start]:
                end += 2 if css[end] == "\\" else 1
            written = css[start:end + 1]
            again = tinycss2.parse_one_component_value(written)
            if again.type == "string" and again.value == token.value:
                tokens[index] = ast.StringToken(token.source_line, token.source_column,
                                                token.value, written)
        for inner in ("prelude", "content", "arguments"):
            if isinstance(getattr(token, inner, None), list):
                _as_written(getattr(token, inner), css, starts)


def _trim_rule(rule, used: set[str]) -> str:
    """``rule`` as CSS without what cannot match ('' when nothing is left)."""
    _check(rule)
    if rule.type == "at-rule":
        if rule.content is None or rule.lower_at_keyword not in GROUPS:
            return tinycss2.serialize([rule])  # @layer a, b; @keyframes, @property, @font-face …
        inner = _trim_rules(tinycss2.parse_rule_list(rule.content, True, True), used)
        return f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{inner}}}" if inner else ""
    kept = [_strip(item) for item in _split_list(rule.prelude) if _needs_only_used(item, used)]
    if not kept:
        return ""
    body = _trim_block(tinycss2.parse_blocks_contents(rule.content, True, True), used)
    return f"{','.join(tinycss2.serialize(item) for item in kept)}{{{body}}}" if body else ""


def _trim_block(items: list, used: set[str]) -> str:
    """The contents of a style rule: its declarations as they are, its nested rules trimmed."""
    out: list[str] = []
    for item in items:
        _check(item)
        if item.type == "declaration":
            out.append(item.serialize() + ";")
        elif item.type == "at-rule" and item.lower_at_keyword in GROUPS and item.content:
            inner = _trim_block(tinycss2.parse_blocks_contents(item.content, True, True), used)
            if inner:
                out.append(f"@{item.at_keyword}{tinycss2.serialize(item.prelude)}{{{inner}}}")
        else:
            out.append(_trim_rule(item, used))
    return "".join(out).removesuffix(";")


def _trim_rules(rules: list, used: set[str]) -> str:
    return "".join(_trim_rule(rule, used) for rule in rules)


def trim(css: str, used: set[str]) -> str:
    """``css`` without the selectors (and then rules and blocks) that cannot match."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    # Lines and columns as tinycss2 counts them: in the text it reads, each newline one "\n".
    read = (css.replace("\0", "\uFFFD").replace("\r\n", "\n").replace("\r", "\n")
            .replace("\f", "\n"))
    _as_written(rules, read, [0] + [match.end() for match in re.finditer("\n", read)])
    return _trim_rules(rules, used)


def main() -> None:
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    css = source.read_text()
    trimmed = trim(css, used_classes())
    target.write_text(trimmed)
    print(f"{target}: {len(trimmed)} of {len(css)} bytes of {source.name} (the components used)")


if __name__ == "__main__":
    main()
