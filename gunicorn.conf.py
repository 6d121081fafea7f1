"""gunicorn settings for caseapp on this machine (2 cores). Used by `caseapp run`, or directly:
    gunicorn -c gunicorn.conf.py 'caseapp:create_app()'

Sizing: see below; each sync worker uses one database connection at a time (its pool,
CASEAPP_DB_POOL_SIZE=5, opens connections only on demand), so 4 workers hold ~4 connections.
"""
import multiprocessing

bind = "127.0.0.1:5000"
# Sync workers, two per core: the app is CPU-bound (templates, AES-GCM, PBKDF2), so threads
# add little, and the threaded worker (gthread) dropped keep-alive connections under full CPU
# load in our load test ("Remote end closed connection without response", a known gunicorn
# race: benoitc/gunicorn#2676, #1698). Two per core keep a core busy while the other worker
# waits on PostgreSQL. Sync workers do not keep connections alive: put a buffering reverse
# proxy (nginx) or the load balancer in front, as gunicorn recommends for sync workers.
workers = 2 * multiprocessing.cpu_count()
worker_class = "sync"
threads = 1  # more than 1 would make gunicorn switch to gthread
timeout = 30  # a request over 30 s is killed (the statement timeout is 60 s for commands)
graceful_timeout = 30
max_requests = 5000  # recycle workers now and then (memory), staggered
max_requests_jitter = 500
preload_app = False  # each worker opens its own database pool and key store after the fork
forwarded_allow_ips = "127.0.0.1"  # the reverse proxy / load balancer terminating TLS
# No access log: gunicorn's request line carries the query string. The app writes one JSON
# line per request without it (caseapp/operations.py).
accesslog = None


def post_worker_init(worker):
    """Compile the templates before the worker's first request (caseapp/warmup.py): without
    it the first visitor of each new or recycled worker waited 0.7–1.2 s for the case page."""
    from caseapp.warmup import warm_up

    warm_up(worker.wsgi)
