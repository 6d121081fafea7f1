"""A real Redis server of the tests' own (never the machine's 127.0.0.1:6379), which a test
may restart, and helpers to run the real RQ worker until the queue is empty."""
from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import time

import pytest
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError


class RedisServer:
    def __init__(self, binary: str, folder) -> None:
        self.binary, self.folder = binary, folder
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = Redis.from_url(self.url)
        for _ in range(100):
            try:
                client.ping()
                return
            except RedisConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def restart(self) -> None:
        """Stop and start again: everything it held is gone (no persistence configured)."""
        self.stop()
        self.start()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is missing: .ci/run installs Debian's redis-server")
        pytest.skip("redis-server is not installed")
    server = RedisServer(binary, tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app_config(app_config, redis_server):
    if redis_server.process is None:
        redis_server.start()
    Redis.from_url(redis_server.url).flushall()
    return {**app_config, "CASEAPP_REDIS_URL": redis_server.url,
            "CASEAPP_JOB_RETRY_SECONDS": [1, 1]}


@pytest.fixture
def run_worker(app):
    """Run the real RQ worker (in this process, as `caseapp worker` does) until no job is
    queued or waiting for a retry; retries wait their back-off (1 s in these tests)."""
    from caseapp.jobs import queue
    from caseapp.jobs.worker import work

    def run(timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        job_queue = queue.job_queue()
        while True:
            work(app, burst=True, cron=False)
            if not job_queue.scheduled_job_registry.count or time.monotonic() > deadline:
                return
            time.sleep(0.3)
    return run


class SmtpServer:
    """A real SMTP server (aiosmtpd) on a free port that keeps what it receives; it can be
    stopped and started again, or told to refuse messages. With ``starttls`` (a server TLS
    context) it offers STARTTLS and accepts no mail before it; with ``implicit_tls`` it speaks
    TLS from the first byte (port 465 style)."""

    def __init__(self, starttls: ssl.SSLContext | None = None,
                 implicit_tls: ssl.SSLContext | None = None) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.starttls, self.implicit_tls = starttls, implicit_tls
        self.received: list = []  # email.message.EmailMessage, parsed back
        self.tls: list[str | None] = []  # per message received: its session's TLS version
        self.recipients: list[tuple[str, str | None]] = []  # every RCPT TO, with the TLS version
        self.refuse_after: int | None = None  # accept this many, then answer 451
        self.controller = None

    @staticmethod
    def _tls_version(server) -> str | None:
        tls = server.transport.get_extra_info("ssl_object")
        return tls.version() if tls is not None else None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.recipients.append((address, self._tls_version(server)))
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        if self.refuse_after is not None and len(self.received) >= self.refuse_after:
            return "451 4.3.0 Try again later"
        self.received.append(message_from_bytes(envelope.original_content or envelope.content,
                                                policy=policy.default))
        self.tls.append(self._tls_version(server))
        return "250 OK"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        tls = {"tls_context": self.starttls, "require_starttls": True} if self.starttls else {}
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port,
                                     ssl_context=self.implicit_tls, **tls)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def no_checkpoint_file(app_config, instance_dir):
    """The nightly duty signs checkpoints into the instance folder the run's tests share:
    none may outlive its test (the next test's log starts empty)."""
    from audit.checkpoints import checkpoint_file

    path = checkpoint_file(instance_dir)
    path.unlink(missing_ok=True)
    yield
    path.unlink(missing_ok=True)
