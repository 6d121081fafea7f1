"""gunicorn settings for caseapp on this machine (2 cores). Used by `caseapp run`, or directly:
    gunicorn -c gunicorn.conf.py 'caseapp:create_app()'

Sizing: the app is CPU-bound in Python (templates, AES-GCM, the blind index), so one worker
process per core; each worker has 4 threads so waiting on PostgreSQL overlaps. A worker's
database pool (CASEAPP_DB_POOL_SIZE=5) covers its threads, so 2 workers hold at most
2 × (5 + 5 overflow) = 20 connections. With more cores: workers = cores, same threads.
"""
import multiprocessing

bind = "127.0.0.1:5000"
workers = min(multiprocessing.cpu_count(), 2) if multiprocessing.cpu_count() <= 2 \
    else multiprocessing.cpu_count()
worker_class = "gthread"
threads = 4
timeout = 30  # a request over 30 s is killed (the statement timeout is 60 s for commands)
graceful_timeout = 30
keepalive = 5  # behind a load balancer that keeps connections open
max_requests = 5000  # recycle workers now and then (memory), staggered
max_requests_jitter = 500
preload_app = False  # each worker opens its own database pool and key store after the fork
forwarded_allow_ips = "127.0.0.1"  # the reverse proxy / load balancer terminating TLS
accesslog = "-"
