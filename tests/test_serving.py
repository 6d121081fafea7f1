"""Production serving: fingerprinted static files with long cache headers, gzip, and the
PostgreSQL pool and timeouts."""
from __future__ import annotations

import gzip
import hashlib
import re
import uuid
from pathlib import Path

import pytest
from flask import url_for
from flask.testing import FlaskClient
from sqlalchemy import text

from caseapp.extensions import db


def test_static_urls_carry_the_content_hash_and_get_long_cache_headers(app, client):
    css = Path(app.static_folder) / "app.css"
    digest = hashlib.sha256(css.read_bytes()).hexdigest()[:12]
    page = client.get("/login").text
    assert f"/static/app.css?v={digest}" in page
    response = client.get(f"/static/app.css?v={digest}")
    assert response.status_code == 200
    assert response.cache_control.max_age == 365 * 24 * 3600
    assert response.cache_control.immutable and response.cache_control.public
    # Without no-cache: a browser uses its copy on the next page instead of revalidating.
    assert "no-cache" not in response.headers["Cache-Control"]
    response.close()
    for stale in ("/static/app.css", "/static/app.css?v=000000000000"):
        response = client.get(stale)
        assert response.cache_control.no_cache and not response.cache_control.immutable
        response.close()


def test_a_file_built_later_is_fingerprinted_and_a_change_gives_a_new_url(app):
    path = Path(app.static_folder) / f"test-{uuid.uuid4().hex}.js"
    try:
        path.write_text("console.log(1)\n")
        with app.test_request_context("/"):
            first = url_for("static", filename=path.name)
            path.write_text("console.log(22)\n")
            second = url_for("static", filename=path.name)
        assert re.search(r"\?v=[0-9a-f]{12}$", first) and first != second
    finally:
        path.unlink()


def test_html_is_gzipped_when_the_browser_accepts_it(app, client):
    plain = FlaskClient(app)  # the suite's client reads responses as text
    with app.app_context():
        response = plain.get("/login", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert b"csrf_token" in gzip.decompress(response.data)
    assert "Content-Encoding" not in client.get("/login").headers


def test_postgresql_pool_and_timeouts(app, is_postgres):
    if not is_postgres:
        pytest.skip("PostgreSQL only")
    assert db.engine.pool.size() == 5 and db.engine.pool._pre_ping
    with db.engine.connect() as conn:
        assert conn.execute(text("SHOW statement_timeout")).scalar() == "1min"
        assert conn.execute(text("SHOW application_name")).scalar() == "caseapp"
        assert conn.execute(text("SHOW jit")).scalar() == "off"  # CASEAPP_DB_JIT


def test_fonts_are_fingerprinted_in_their_stylesheet_and_never_shift_the_text(app, client):
    """inter.css names each font with its content hash (tools/build_assets.sh), so a font is
    cached for a year too; font-display: optional keeps a late font from moving the text."""
    css = (Path(app.static_folder) / "vendor" / "inter.css").read_text()
    assert "swap" not in css and css.count("font-display:optional") == css.count("@font-face") == 4
    font = Path(app.static_folder) / "vendor" / "fonts" / "inter-400.woff2"
    digest = hashlib.sha256(font.read_bytes()).hexdigest()[:12]
    assert f"fonts/inter-400.woff2?v={digest}" in css
    response = client.get(f"/static/vendor/fonts/inter-400.woff2?v={digest}")
    assert response.cache_control.immutable and "no-cache" not in response.headers["Cache-Control"]
    response.close()


def test_fonts_are_subset_to_norwegian_and_preloaded_at_the_url_their_stylesheet_names(app, client):
    """The Inter faces hold the Norwegian letters and little else (pyftsubset in
    tools/build_assets.sh), and each page asks for the body font at once, at the very URL
    inter.css names, so the browser fetches it once and in time for font-display: optional."""
    from fontTools.ttLib import TTFont

    font = TTFont(Path(app.static_folder) / "vendor" / "fonts" / "inter-400.woff2")
    letters = set(font.getBestCmap())
    assert {ord(c) for c in "abcæøåABCÆØÅéü0123456789–«»€"} <= letters
    assert ord("ж") not in letters and ord("ő") not in letters  # no Cyrillic, no Latin Extended-A
    css = (Path(app.static_folder) / "vendor" / "inter.css").read_text()
    html = client.get("/tilgjengelighet").get_data(as_text=True)
    preloaded = re.findall(r'<link rel="preload" href="/static/vendor/(fonts/inter-\d+\.woff2\?v=\w+)" as="font"', html)
    assert "fonts/inter-400.woff2" in " ".join(preloaded)
    assert all(f"url({url})" in css for url in preloaded)
    # The render-blocking stylesheets are asked for first: preloaded fonts ahead of them shared
    # the slow phone connection with them and held the first paint back (benchmarks/phone.py).
    assert html.rindex('rel="stylesheet"') < html.index('rel="preload"')


def test_web_components_load_only_on_pages_that_write_one(client):
    """designsystemet-web.js (28 kB on a phone) loads where a form's ds-field or an error
    summary needs it, not on the pages that have none."""
    assert "designsystemet-web.js" in client.get("/login").get_data(as_text=True)
    assert "designsystemet-web.js" not in client.get("/tilgjengelighet").get_data(as_text=True)


def test_a_new_worker_compiles_every_template_before_its_first_request(app):
    """gunicorn.conf.py's post_worker_init warms the worker (caseapp/warmup.py): no template is
    compiled inside a request afterwards (the first case page of a fresh worker took 0.7–1.2 s)."""
    import runpy
    from types import SimpleNamespace

    from caseapp import PROJECT_DIR

    settings = runpy.run_path(str(PROJECT_DIR / "gunicorn.conf.py"))
    env = app.jinja_env
    env.cache.clear()
    settings["post_worker_init"](SimpleNamespace(wsgi=app))
    names = env.list_templates(filter_func=lambda name: name.endswith(".html"))
    assert "cases/detail.html" in names and "base.html" in names

    def compile_in_request(*_args, **_kwargs):
        raise AssertionError("a template was compiled after the warm-up")

    original, env.compile = env.compile, compile_in_request
    try:
        for name in names:
            env.get_template(name)
    finally:
        env.compile = original


def _trim_css():
    import importlib.util

    from caseapp import PROJECT_DIR

    spec = importlib.util.spec_from_file_location("trim_css", PROJECT_DIR / "tools" / "trim_css.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_designsystemet_css_is_the_package_trimmed_to_the_components_the_sources_write(app, client):
    """The page links one Designsystemet stylesheet: the package's index.css without the
    components no template writes (tools/trim_css.py), made from today's sources — a template
    that starts using another component gets its CSS at the next `make assets`."""
    from caseapp import PROJECT_DIR

    trim_css = _trim_css()
    index = PROJECT_DIR / "node_modules/@digdir/designsystemet-css/dist/src/index.css"
    served = Path(app.static_folder) / "vendor" / "designsystemet.css"
    expected = trim_css.trim(index.read_text(), trim_css.used_classes())
    assert served.read_text() == expected, "stale: run `make assets`"
    assert len(gzip.compress(expected.encode())) < 10_000 < len(gzip.compress(index.read_bytes()))
    assert ".ds-button" in expected and ".ds-tabs" not in expected  # used kept, unused gone
    assert expected.startswith("@layer ds.theme, ds.base, ds.components;")  # the layer order
    html = client.get("/login").text
    links = re.findall(r'<link rel="stylesheet" href="/static/vendor/(designsystemet[^"?]*)', html)
    assert links == ["designsystemet-theme.css", "designsystemet.css"]


@pytest.mark.parametrize(("selector", "kept"), [
    (".ds-button", True), (".ds-tabs", False), (".ds-button .ds-tabs", False),
    (".ds-button:not(.ds-tabs)", True),            # a class that must be absent is no need
    (":is(.ds-tabs, .ds-button) > span", True),    # one item of :is/:where/:has is enough
    (":where(.ds-tabs, .ds-chip)", False),
    (".ds-field:has(.ds-tabs)", False), (".ds-field:has(.ds-tabs, .ds-input)", True),
    ('[class*=".ds-tabs"]', True), ("[data-color] a", True), (":root", True),
])
def test_the_trimmer_drops_only_selectors_that_need_an_unwritten_class(selector, kept):
    used = {"ds-button", "ds-field", "ds-input"}
    assert _trim_css().can_match(selector, used) is kept


def test_the_trimmer_keeps_layers_order_and_at_rules():
    trim_css = _trim_css()
    css = ("@layer a, b;@layer a{.ds-tabs{color:red}.ds-button,.ds-tabs{color:blue}}"
           "@layer b{@media (min-width:1px){.ds-tabs{color:red}}@keyframes k{to{opacity:0}}"
           '.ds-button:before{content:"{"}}')
    assert trim_css.trim(css, {"ds-button"}) == (
        "@layer a, b;@layer a{.ds-button{color:blue}}"
        '@layer b{@keyframes k{to{opacity:0}}.ds-button:before{content:"{"}}')


def test_the_trimmer_reads_the_css_as_a_browser_does():
    """Braces in comments and strings are no blocks, a string keeps its quotes and escapes, and
    nested rules are trimmed like the others, the declarations around them kept in order."""
    trim_css = _trim_css()
    css = (".ds-button{color:red/* } .ds-tabs{ */;.ds-tabs &{color:blue}&:hover{color:green}"
           "--x:'a\"}\\2026'}.ds-tabs{content:\"}\"}@media (width<1px){.ds-button{.ds-tabs &{x:y}}}"
           '[data-x="{"]{--y:1}')
    assert trim_css.trim(css, {"ds-button"}) == (
        ".ds-button{color:red;&:hover{color:green}--x:'a\"}\\2026'}[data-x=\"{\"]{--y:1}")


def test_the_trimmer_stops_at_css_that_does_not_parse():
    with pytest.raises(ValueError, match="does not parse, line 1"):
        _trim_css().trim("a{color:red}.ds-button", {"ds-button"})


def test_the_details_fix_loads_where_a_page_has_details_and_no_web_components(
        client, factory, login):
    """Designsystemet-web's <details> fix for Firefox on Android with TalkBack: on its own (1.8 kB)
    where a page has a <details> and no form that loads the whole bundle (which includes it)."""
    unit = factory.unit("Lund ungdomsskole")
    mentor = factory.user("youth_mentor", [unit])
    case = factory.case(mentor, unit)
    login(client, mentor)
    page = client.get(f"/cases/{case.id}").text  # "Flere handlinger" is a <details>
    assert "<details" in page and "vendor/details-polyfill.js?v=" in page
    assert "designsystemet-web.js" not in page
    script = client.get(re.search(r'src="([^"]*details-polyfill\.js[^"]*)"', page).group(1))
    assert script.status_code == 200 and b"summary" in script.data
    script.close()
    start = client.get("/").text  # no <details>: neither
    assert "details-polyfill.js" not in start and "designsystemet-web.js" not in start


def test_every_template_with_details_asks_for_the_fix():
    templates = Path(__file__).resolve().parent.parent / "templates"
    missing = [str(path.relative_to(templates)) for path in templates.rglob("*.html")
               if "<details" in path.read_text() and "details_fix()" not in path.read_text()]
    assert missing == []
