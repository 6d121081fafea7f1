"""Ready a fresh worker before its first request.

A gunicorn worker (``caseapp run``; ``gunicorn.conf.py`` calls this from ``post_worker_init``)
would otherwise compile each template and configure the ORM's mappers inside the first request
that needs them: the case page took 0.7–1.2 s instead of tens of milliseconds for the first
visitor of every new or recycled worker (``max_requests``). Compiling the templates here costs
about a second of the worker's start, before it accepts connections.
"""
from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import configure_mappers


def warm_up(app: Flask) -> int:
    """Compile every template into the app's template cache and configure the mappers; return
    the number of templates compiled."""
    configure_mappers()
    env = app.jinja_env
    names = env.list_templates(filter_func=lambda name: name.endswith(".html"))
    for name in names:
        env.get_template(name)
    return len(names)
