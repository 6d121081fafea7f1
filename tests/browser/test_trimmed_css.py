"""Designsystemet's CSS is trimmed to the components the app writes (tools/trim_css.py), and
no page looks any different for it: every element's computed style (and its ::before and
::after) is the same with the trimmed file as with the package's whole index.css, on pages
that between them use every Designsystemet component of the app — at 360 and 1280 px."""
from __future__ import annotations

import pytest

from tests.browser.conftest import ROOT, log_in

FULL = ROOT / "node_modules" / "@digdir" / "designsystemet-css" / "dist" / "src" / "index.css"

# Every element's computed style (and its ::before and ::after), the open dialog included (the
# session-timeout warning): a hash each, or the values themselves for the elements asked for.
STYLES = """only => {
  const dialog = document.querySelector('dialog.ds-dialog');
  if (dialog && !dialog.open) dialog.showModal();
  const out = [];
  document.querySelectorAll('body *').forEach((element, index) => {
    for (const pseudo of [null, '::before', '::after']) {
      const key = out.length;
      const style = getComputedStyle(element, pseudo);
      let text = '';
      for (const name of style) text += name + ':' + style.getPropertyValue(name) + ';';
      const label = index + ' ' + element.tagName + '.' + element.className + (pseudo || '');
      if (only) { if (only.includes(key)) out.push([label, text]); else out.push(null); continue; }
      let hash = 2166136261;
      for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
      out.push([label, hash >>> 0]);
    }
  });
  return out; }"""


def styles(page, url: str, full: bool, only=None) -> list:
    page.unroute("**/static/vendor/designsystemet.css*")
    if full:
        page.route("**/static/vendor/designsystemet.css*", lambda route: route.fulfill(
            status=200, content_type="text/css", body=FULL.read_text()))
    page.goto(url)
    if "login" in url:  # the error summary and the fields' messages
        page.click("main button[type=submit]")
        page.wait_for_selector(".ds-error-summary")
    return page.evaluate(STYLES, only)


def differences(page, url: str) -> list[str]:
    trimmed, whole = styles(page, url, full=False), styles(page, url, full=True)
    assert len(trimmed) == len(whole) > 50
    differing = [key for key, (mine, theirs) in enumerate(zip(trimmed, whole, strict=True))
                 if mine != theirs]
    if not differing:
        return []
    found = []
    mine, theirs = styles(page, url, False, differing), styles(page, url, True, differing)
    for key in differing:
        (element, own), (_same, other) = mine[key], theirs[key]
        own_values = dict(item.split(":", 1) for item in own.split(";") if ":" in item)
        for item in other.split(";"):
            if ":" in item:
                name, value = item.split(":", 1)
                if own_values.get(name) != value:
                    found.append(f"{url} {element} {name}: {own_values.get(name)!r} "
                                 f"(whole index.css: {value!r})")
    return found


@pytest.mark.parametrize("width", [360, 1280])
def test_no_page_looks_different_with_the_trimmed_designsystemet_css(page, factory, clock, width):
    assert FULL.exists(), "node_modules is missing: run `make assets`"
    trimmed = (ROOT / "caseapp" / "static" / "vendor" / "designsystemet.css").read_text()
    assert len(trimmed) < len(FULL.read_text()) / 2  # trimmed indeed
    page.set_viewport_size({"width": width, "height": 800})
    found = differences(page, "/login")

    unit = factory.unit("Lund ungdomsskole")
    mentor = factory.user("youth_mentor", [unit])
    case = factory.case(mentor, unit)
    factory.consent(case.participant)
    factory.plan(case)
    for _ in range(3):
        factory.contact(case)
    closed = factory.case(mentor, unit, status="closed")
    point = factory.checkpoint(closed)
    log_in(page, mentor, clock)
    for url in ("/", "/cases/", f"/cases/{case.id}", f"/cases/{case.id}?page=2",
                f"/checkpoints/{point.id}", f"/cases/{case.id}/contacts/new"):
        found += differences(page, url)
    assert not found, "\n".join(found[:40])
