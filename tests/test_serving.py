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
