#!/usr/bin/env python3
"""Run sqlmap against a local caseapp with the demo data, bounded in time, and summarise.

    .venv/bin/python tools/sqlmap_scan.py                       # SQLite in a temporary folder
    .venv/bin/python tools/sqlmap_scan.py --database-url postgresql://127.0.0.1:5432/scratch
    .venv/bin/python tools/sqlmap_scan.py --seconds 600 --level 2

The PostgreSQL database given is EMPTIED first (its public and caseapp_keys schemas): give a
scratch database. The script makes a fresh instance folder (keys, key store), loads the demo
data, starts the server on 127.0.0.1 (one gunicorn worker, rate limit off so that sqlmap sees
the application and not only 429 answers), logs in a youth mentor and the privacy officer with
password + TOTP, and points sqlmap (`pip install sqlmap`) at:

* the login form (username, password; anonymous, fresh CSRF token each request),
* the participant name search on "Mine saker" (POST q; the mentor's session),
* the privacy officer's audit workspace filter (GET user, participant, action, grounds,
  date_from, date_to, flag; and the CSV export with the same filter).

sqlmap is told the database in use (--dbms), so it spends its time on that database's
payloads; boolean, error, union, stacked and time-based techniques are all tried. Each sqlmap
run is stopped after --seconds. The summary gives, per target, INJECTABLE, CLEAN
("all tested parameters do not appear to be injectable") or INCOMPLETE, and the number of
5xx answers in the server's JSON request log. Exit status 0 only when every target is CLEAN
and the server answered no 5xx.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
COOKIE = "caseapp_session"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def empty_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    from caseapp.config import normalise_database_url

    engine = create_engine(normalise_database_url(url))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
        conn.execute(text("DROP SCHEMA IF EXISTS caseapp_keys CASCADE"))
    engine.dispose()


def prepare(instance: Path, env: dict) -> list[dict]:
    """A fresh instance with the demo data; the demo logins (instance/demo-logins.json)."""
    for command in (["init"], ["demo", "--seed", "2025"]):
        subprocess.run([str(BIN / "caseapp"), *command], env=env, check=True,
                       stdout=subprocess.DEVNULL)
    return json.loads((instance / "demo-logins.json").read_text(encoding="utf-8"))


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode()

    def submit(self, path: str, data: dict) -> str:
        token = CSRF_RE.search(self.get(path)).group(1)
        body = urllib.parse.urlencode({"csrf_token": token, **data}).encode()
        with self.opener.open(self.base + path, data=body, timeout=30) as response:
            return response.geturl()

    def login(self, login: dict) -> str:
        import pyotp

        self.submit("/login", {"username": login["username"], "password": login["password"]})
        landed = self.submit("/login/code", {"code": pyotp.TOTP(login["totp_secret"]).now()})
        if landed.rstrip("/") != self.base:
            raise SystemExit(f"Login as {login['role']} failed (landed on {landed}).")
        return next(c.value for c in self.jar if c.name == COOKIE)


def targets(base: str, mentor_cookie: str, officer_cookie: str) -> list[tuple[str, list[str]]]:
    audit_query = "user=&participant=abc&action=&grounds=&date_from=2026-01-01&date_to=&flag="
    audit_params = "user,participant,action,grounds,date_from,date_to,flag"
    return [
        ("login form (POST /login)", [
            "-u", f"{base}/login", "--data", "csrf_token=x&username=probe&password=secret",
            "-p", "username,password", "--csrf-token", "csrf_token",
            "--csrf-url", f"{base}/login"]),
        ("participant search (POST /cases/ q)", [
            "-u", f"{base}/cases/", "--data", "csrf_token=x&q=Nordmann", "-p", "q",
            "--csrf-token", "csrf_token", "--csrf-url", f"{base}/cases/",
            "--cookie", f"{COOKIE}={mentor_cookie}", "--drop-set-cookie"]),
        ("audit workspace filter (GET /audit/)", [
            "-u", f"{base}/audit/?{audit_query}", "-p", audit_params,
            "--cookie", f"{COOKIE}={officer_cookie}", "--drop-set-cookie"]),
        ("audit export filter (GET /audit/export.csv)", [
            "-u", f"{base}/audit/export.csv?{audit_query}", "-p", audit_params,
            "--cookie", f"{COOKIE}={officer_cookie}", "--drop-set-cookie"]),
    ]


def run_sqlmap(arguments: list[str], seconds: int, level: int, dbms: str,
               out: Path) -> tuple[str, str]:
    command = [str(BIN / "sqlmap"), *arguments, "--batch", "--flush-session", f"--dbms={dbms}",
               f"--level={level}", "--risk=1", "--time-sec=2", "--timeout=10", "--retries=1",
               "--disable-coloring", f"--output-dir={out}"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=seconds)
        output = result.stdout + result.stderr
    except subprocess.TimeoutExpired as exc:
        output = (exc.stdout or b"").decode(errors="replace") if isinstance(exc.stdout, bytes) \
            else (exc.stdout or "")
        return "INCOMPLETE", f"stopped after {seconds} s\n" + output[-2000:]
    lowered = output.lower()
    if "identified the following injection point" in lowered or "is vulnerable" in lowered:
        return "INJECTABLE", output[-4000:]
    if "all tested parameters do not appear to be injectable" in lowered:
        return "CLEAN", output[-600:]
    return "INCOMPLETE", output[-2000:]


def server_errors(log: Path) -> tuple[int, int]:
    requests = errors = 0
    for line in log.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("name") == "caseapp.requests":
            requests += 1
            errors += int(entry.get("status", 0) >= 500)
    return requests, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a SCRATCH PostgreSQL database (emptied first)")
    parser.add_argument("--seconds", type=int, default=300, help="time bound per target")
    parser.add_argument("--level", type=int, default=1, help="sqlmap --level (1-5)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    if not (BIN / "sqlmap").exists():
        raise SystemExit(f"sqlmap is not installed: {BIN / 'pip'} install sqlmap")

    work = Path(tempfile.mkdtemp(prefix="caseapp-sqlmap-"))
    instance = work / "instance"
    env = {k: v for k, v in os.environ.items()
           if not (k.startswith("CASEAPP_") or k == "DATABASE_URL")}
    env.update({"CASEAPP_INSTANCE": str(instance), "CASEAPP_SESSION_COOKIE_SECURE": "false",
                "CASEAPP_RATELIMIT_ENABLED": "false", "PYTHONPATH": str(ROOT)})
    if args.database_url:
        empty_postgres(args.database_url)
        env["DATABASE_URL"] = args.database_url
        env["CASEAPP_KEYSTORE_URL"] = args.database_url
    database = "PostgreSQL" if args.database_url else "SQLite"
    logins = prepare(instance, env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = work / "server.log"
    with log.open("w") as log_file:
        server = subprocess.Popen([str(BIN / "caseapp"), "run", "--host", "127.0.0.1",
                                   "--port", str(port), "--workers", "1"], env=env,
                                  stdout=log_file, stderr=subprocess.STDOUT)
    results = []
    started = time.monotonic()
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"{base}/health", timeout=2).close()
                break
            except OSError:
                time.sleep(0.5)
        by_role = {login["role"]: login for login in logins}
        mentor = Browser(base).login(by_role["youth_mentor"])
        officer = Browser(base).login(by_role["privacy_officer"])
        for name, arguments in targets(base, mentor, officer):
            print(f"… {name}", flush=True)
            verdict, detail = run_sqlmap(arguments, args.seconds, args.level, database,
                                         work / "sqlmap")
            results.append((name, verdict, detail))
    finally:
        server.terminate()
        server.wait(timeout=30)
    requests, errors = server_errors(log)
    print(f"\nsqlmap scan of caseapp on {database} (sqlmap --dbms={database} "
          f"--level={args.level} --risk=1, "
          f"at most {args.seconds} s per target), {time.monotonic() - started:.0f} s in all")
    for name, verdict, detail in results:
        print(f"  {verdict:<11} {name}")
        if verdict != "CLEAN":
            print("    " + detail.strip().replace("\n", "\n    ")[-1500:])
    print(f"  server: {requests} requests logged, {errors} answered 5xx")
    if args.keep:
        print(f"  files kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    if any(verdict == "INJECTABLE" for _, verdict, _ in results) or errors:
        return 1
    return 0 if all(verdict == "CLEAN" for _, verdict, _ in results) else 2


if __name__ == "__main__":
    sys.exit(main())
