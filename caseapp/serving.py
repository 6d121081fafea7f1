"""Production serving: fingerprinted static files with long cache headers, gzip, and the
database engine's pool and timeouts (one place; see docs/scale-out.md).

Static files: ``url_for('static', filename=…)`` gets ``?v=<first 12 hex digits of the file's
SHA-256>``, computed from the file's bytes (cached per path, size and mtime, so files built
later, e.g. by npm into ``caseapp/static/``, are picked up without a restart). A request
carrying the current ``v`` is answered with ``Cache-Control: public, max-age=31536000,
immutable``; without it (or with an old one) the file is revalidated (``no-cache``), so a
browser never keeps an old stylesheet after a deploy.
"""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Flask, request

ONE_YEAR = 365 * 24 * 3600
_digests: dict[str, tuple[tuple[int, int], str]] = {}


def file_digest(path: str) -> str | None:
    """The short content hash of ``path`` (None if it is not a file)."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    key = (stat.st_size, stat.st_mtime_ns)
    cached = _digests.get(path)
    if cached and cached[0] == key:
        return cached[1]
    with open(path, "rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()[:12]
    _digests[path] = (key, digest)
    return digest


def _static_path(app: Flask, filename: str) -> str | None:
    return _resolved(app.static_folder or "", filename)


@lru_cache(maxsize=512)
def _resolved(static_folder: str, filename: str) -> str | None:
    """The file's absolute path inside the static folder, or None. Cached: each page links
    ~6 static files, and resolving a path asks the file system for each of its parts (the
    bound keeps request paths, which the cache headers also resolve, from growing it)."""
    folder = Path(static_folder).resolve()
    path = (folder / filename).resolve()
    return str(path) if path.is_relative_to(folder) else None


def init_static(app: Flask) -> None:
    @app.url_defaults
    def fingerprint(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            path = _static_path(app, values["filename"])
            digest = file_digest(path) if path else None
            if digest:
                values["v"] = digest

    @app.after_request
    def static_cache(response):
        if request.endpoint == "static" and response.status_code in (200, 304):
            path = _static_path(app, (request.view_args or {}).get("filename", ""))
            if path and request.args.get("v") and request.args.get("v") == file_digest(path):
                # send_file marks every file no-cache (no SEND_FILE_MAX_AGE_DEFAULT); left in,
                # browsers revalidate each fingerprinted file on every page.
                response.cache_control.no_cache = None
                response.cache_control.public = True
                response.cache_control.max_age = ONE_YEAR
                response.cache_control.immutable = True
            else:
                response.cache_control.no_cache = True
                response.cache_control.max_age = None
        return response


def init_compression(app: Flask) -> None:
    """gzip for text responses (HTML, CSS, JS, JSON, CSV) above 500 bytes, via Flask-Compress.
    PDFs and images are already compressed and are left alone."""
    from flask_compress import Compress

    app.config.setdefault("COMPRESS_ALGORITHM", ["gzip"])
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    app.config.setdefault("COMPRESS_MIMETYPES", [
        "text/html", "text/css", "text/csv", "text/plain", "text/javascript",
        "application/javascript", "application/json", "image/svg+xml"])
    # Flask-Compress's streaming path replaces a file response's body without keeping its
    # close(), which leaks the open static file; so streams are left alone and static text
    # files are read into the response first (they are small), then compressed whole.
    app.config.setdefault("COMPRESS_STREAMS", False)
    Compress(app)

    @app.after_request
    def buffer_static_text(response):  # registered after Compress, so it runs before it
        if (request.endpoint == "static" and response.status_code == 200
                and response.mimetype in app.config["COMPRESS_MIMETYPES"]):
            response.direct_passthrough = False
            response.make_sequence()  # reads the file; closes it when the response closes
        return response


def engine_options(config: dict[str, Any]) -> dict[str, Any]:
    """Pool and timeouts for PostgreSQL (SQLite keeps its busy timeout, set elsewhere).

    Per process: ``CASEAPP_DB_POOL_SIZE`` connections kept open (default 5: gunicorn's
    threads per worker plus one), up to ``CASEAPP_DB_MAX_OVERFLOW`` more in bursts; waiting for
    a connection gives up after ``CASEAPP_DB_POOL_TIMEOUT`` s; connections are checked before
    use (pre-ping: a restarted server costs one failed ping, not a failed request) and
    replaced after ``CASEAPP_DB_POOL_RECYCLE`` s; connecting gives up after
    ``CASEAPP_DB_CONNECT_TIMEOUT`` s; one SQL statement is cancelled by the server after
    ``CASEAPP_DB_STATEMENT_TIMEOUT_MS`` (0 = no limit), so a runaway query cannot hold a
    worker; PostgreSQL's JIT compiler is off unless ``CASEAPP_DB_JIT`` (its compile time,
    ~90–180 ms, was half the dashboard's query at 5,000 cases; docs/benchmarks.md). Values in
    ``SQLALCHEMY_ENGINE_OPTIONS`` win."""
    return {
        "pool_size": config["CASEAPP_DB_POOL_SIZE"],
        "max_overflow": config["CASEAPP_DB_MAX_OVERFLOW"],
        "pool_timeout": config["CASEAPP_DB_POOL_TIMEOUT"],
        "pool_recycle": config["CASEAPP_DB_POOL_RECYCLE"],
        "pool_pre_ping": True,
        "connect_args": {
            "connect_timeout": config["CASEAPP_DB_CONNECT_TIMEOUT"],
            "options": f"-c statement_timeout={config['CASEAPP_DB_STATEMENT_TIMEOUT_MS']} "
                       f"-c jit={'on' if config['CASEAPP_DB_JIT'] else 'off'}",
            "application_name": "caseapp",
        },
    }
