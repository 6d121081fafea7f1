"""The case page on a phone: bytes, requests, LCP and layout shift, cold and warm.

Chromium (Debian's, through Playwright) emulates a slow 4G phone: 150 ms latency, 1.6 Mbit/s
down, 750 kbit/s up, 4× CPU slowdown, a 360 × 740 screen. Against a running demo
(`make run`, or `caseapp run` on an instance with `caseapp demo`):

    .venv/bin/python benchmarks/phone.py --base-url http://127.0.0.1:5000 --instance instance \
        --out benchmarks/results/phone.json

It logs in as a youth mentor (unthrottled), opens the first case of "Mine saker" with an empty
cache (cold), then goes to "Mine saker" and back to the case (warm: the static files are
cached). Targets (issue 18): warm = 1 request and LCP ≤ 0.35 s; cold ≤ 100 kB and LCP ≤ 0.9 s;
no layout shift from fonts. --runs N (default 3) measures N times and reports the median run
(by cold LCP) in full, each figure's median (which the targets are judged by) and every run's
figures; the machine's load is recorded beside them.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

import pyotp
from playwright.sync_api import sync_playwright

SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8,
           "uploadThroughput": 750_000 / 8}
CPU_SLOWDOWN = 4
PHONE = {"width": 360, "height": 740}
TARGETS = {"warm_requests": 1, "warm_lcp_s": 0.35, "cold_kb": 100, "cold_lcp_s": 0.9, "cls": 0.0}

LCP = """() => new Promise(done => { let at = 0;
  new PerformanceObserver(list => { for (const e of list.getEntries()) at = e.startTime; })
    .observe({type: 'largest-contentful-paint', buffered: true});
  setTimeout(() => done(at / 1000), 300); })"""
CLS = """() => new Promise(done => { let sum = 0;
  new PerformanceObserver(list => { for (const e of list.getEntries())
    if (!e.hadRecentInput) sum += e.value; })
    .observe({type: 'layout-shift', buffered: true});
  setTimeout(() => done(sum), 300); })"""


class Traffic:
    """Requests that went over the network (not answered from the browser's cache; data: URLs
    are no requests) and their bytes on the wire (encoded, as transferred), seen through CDP."""

    def __init__(self, cdp) -> None:
        self.reset()
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.requestServedFromCache", self._cached)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)

    def reset(self) -> None:
        self._urls: dict[str, str] = {}
        self._cached_ids: set[str] = set()
        self._bytes: dict[str, int] = {}

    def _sent(self, event) -> None:
        url = event["request"]["url"]
        if not url.startswith("data:"):
            self._urls[event["requestId"]] = url.split("?")[0]

    def _cached(self, event) -> None:
        self._cached_ids.add(event["requestId"])

    def _response(self, event) -> None:
        response = event["response"]
        if response.get("fromDiskCache") or response.get("fromPrefetchCache"):
            self._cached_ids.add(event["requestId"])

    def _finished(self, event) -> None:
        self._bytes[event["requestId"]] = int(event.get("encodedDataLength", 0))

    @property
    def network(self) -> list[str]:
        return [url for rid, url in self._urls.items() if rid not in self._cached_ids]

    @property
    def cached(self) -> list[str]:
        return [url for rid, url in self._urls.items() if rid in self._cached_ids]

    @property
    def bytes(self) -> int:
        return sum(size for rid, size in self._bytes.items()
                   if rid in self._urls and rid not in self._cached_ids)


def calibration_ms() -> float:
    """A fixed pure-Python loop (as benchmarks/run.py): ~25 ms on an idle core."""
    start = time.perf_counter()
    total = 0
    for i in range(1_000_000):
        total += i % 7
    return round((time.perf_counter() - start) * 1000, 1)


def measure(page, traffic: Traffic, url: str) -> dict:
    traffic.reset()
    response = page.goto(url, wait_until="load")
    if response is None or response.status != 200:  # an error page is no measurement
        raise SystemExit(f"{url} answered {response.status if response else 'nothing'}: "
                         "is the instance's database upgraded (caseapp init)?")
    page.wait_for_timeout(500)  # late requests (fonts) are counted too
    origin = page.url.split("/cases")[0]
    return {"requests": len(traffic.network), "kb": round(traffic.bytes / 1000, 1),
            "lcp_s": round(page.evaluate(LCP), 3), "cls": round(page.evaluate(CLS), 4),
            "over_the_network": [u.replace(origin, "") for u in traffic.network],
            "from_cache": [u.replace(origin, "") for u in traffic.cached]}


LAST_CODE: dict[str, str] = {}


def run(base_url: str, instance: Path, username: str, warm_server: int = 0) -> dict:
    logins = {d["username"]: d for d in json.loads((instance / "demo-logins.json").read_text())}
    user = logins[username]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=["--headless", "--no-sandbox"])
        context = browser.new_context(base_url=base_url, viewport=PHONE, is_mobile=True,
                                      has_touch=True, device_scale_factor=2, locale="nb-NO")
        page = context.new_page()
        page.goto("/login")
        page.fill("#username", user["username"])
        page.fill("#password", user["password"])
        page.click("main button[type=submit]")
        totp = pyotp.TOTP(user["totp_secret"])
        for _attempt in range(2):  # a code is accepted once: wait for the next one
            while totp.now() == LAST_CODE.get(username):
                time.sleep(1)
            LAST_CODE[username] = totp.now()
            page.fill("#code", LAST_CODE[username])
            with page.expect_navigation():
                page.click("main button[type=submit]")
            if page.url == f"{base_url}/":
                break  # else an earlier run (another process) had used this code: the next one
        page.wait_for_url(f"{base_url}/")
        page.goto("/cases/")
        case_url = base_url + page.locator("main tbody a").first.get_attribute("href")
        for _ in range(warm_server):  # every server worker has served both pages once (below)
            page.goto(case_url)
            page.goto("/cases/")

        cdp = context.new_cdp_session(page)
        traffic = Traffic(cdp)
        cdp.send("Network.enable")
        cdp.send("Network.clearBrowserCache")
        cdp.send("Network.emulateNetworkConditions", SLOW_4G)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        cold = measure(page, traffic, case_url)
        measure(page, traffic, f"{base_url}/cases/")
        warm = measure(page, traffic, case_url)
        version = browser.version
        browser.close()
    return {"cold": cold, "warm": warm, "chromium": version}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:5000")
    parser.add_argument("--instance", type=Path, default=Path("instance"))
    parser.add_argument("--user", default="uv.lund")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warm-server", type=int, default=12,
                        help="Unthrottled visits of the case page and Mine saker before measuring, "
                             "so that every server worker has compiled the page's SQL (0: none).")
    args = parser.parse_args()
    load_before = os.getloadavg()
    calibration = calibration_ms()
    runs = [run(args.base_url, args.instance, args.user, args.warm_server) for _ in range(args.runs)]
    result = sorted(runs, key=lambda r: r["cold"]["lcp_s"])[len(runs) // 2]
    result["runs"] = [{when: {k: r[when][k] for k in ("requests", "kb", "lcp_s", "cls")}
                       for when in ("cold", "warm")} for r in runs]
    result["median"] = {when: {k: statistics.median(r[when][k] for r in runs)
                               for k in ("requests", "kb", "lcp_s", "cls")}
                        for when in ("cold", "warm")}
    cold, warm = result["median"]["cold"], result["median"]["warm"]
    met = {"warm_requests": warm["requests"] <= TARGETS["warm_requests"],
           "warm_lcp_s": warm["lcp_s"] <= TARGETS["warm_lcp_s"],
           "cold_kb": cold["kb"] <= TARGETS["cold_kb"],
           "cold_lcp_s": cold["lcp_s"] <= TARGETS["cold_lcp_s"],
           "cls": max(cold["cls"], warm["cls"]) <= TARGETS["cls"]}
    report = {"operation": "phone", "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
              "emulation": {"network": SLOW_4G, "cpu_slowdown": CPU_SLOWDOWN, "screen": PHONE},
              "page": "case page (/cases/<id>) of the demo's first case for " + args.user,
              "server_warmed_with": args.warm_server,
              **result, "targets": TARGETS, "met": met,
              "machine": {"cores": os.cpu_count(), "load_average_before": load_before,
                          "load_average_after": os.getloadavg(),
                          "calibration_loop_ms": calibration}}
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
