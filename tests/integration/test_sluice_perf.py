"""sluice perf produce|consume|e2e: Kafka's output lines, --json, and the
--report page: self-contained HTML with two inline SVG charts (checked in
headless Chromium's DOM)."""

import json
import os
import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser

import harness
from harness import Broker, expect
from test_sluice_cli import Sluice

FINAL = re.compile(r"^(\d+) records sent, [\d.]+ records/sec \([\d.]+ MB/sec\), [\d.]+ ms avg latency, "
                   r"[\d.]+ ms max latency, \d+ ms 50th, \d+ ms 95th, \d+ ms 99th, \d+ ms 99\.9th\.$")
WINDOW = re.compile(r"^\d+ records sent, [\d.]+ records/sec \([\d.]+ MB/sec\), [\d.]+ ms avg latency, "
                    r"[\d.]+ ms max latency\.$")


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.svgs, self.polylines, self.external, self.scripts, self.texts = [], 0, [], 0, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg":
            self.svgs.append(a.get("id"))
        if tag == "polyline" and len(a.get("points", "").split()) >= 2:
            self.polylines += 1
        if tag == "script":
            self.scripts += 1
        for k in ("src", "href"):
            if k in a:
                self.external.append(a[k])

    def handle_data(self, data):
        self.texts.append(data.strip())


def check_report(path):
    html = open(path, encoding="utf-8").read()
    page = Page()
    page.feed(html)
    expect(page.svgs == ["throughput", "latency-cdf"], "two SVGs: %s" % page.svgs)
    expect(page.polylines == 2, "a drawn line in each chart")
    expect(not page.external and page.scripts == 0, "self-contained: %s" % page.external)
    for label in ("time (s)", "records/sec", "latency (ms)", "fraction of records"):
        expect(label in page.texts, "axis label %r" % label)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    # scripts/install-deps.sh installs Debian's chromium: the page must open in a browser.
    expect(chromium is not None, "chromium not installed (Debian package 'chromium')")
    dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                          "file://" + path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         timeout=40).stdout.decode()
    rendered = Page()
    rendered.feed(dom)
    expect(rendered.svgs == ["throughput", "latency-cdf"] and rendered.polylines == 2,
           "both plots in Chromium's DOM: %s" % rendered.svgs)
    print("report: both plots present in headless Chromium's DOM")


def test(binary):
    broker = Broker(binary).start()
    s = Sluice(binary, broker)
    s.run("topic", "create", "perf", "-p", "2")
    work = tempfile.mkdtemp(prefix="sluice-perf-")
    try:
        report = os.path.join(work, "produce.html")
        out = s.out("perf", "produce", "--topic", "perf", "--num-records", "3000", "--record-size", "64",
                    "--throughput", "2000", "--producer-props", "acks=1", "linger.ms=2",
                    "--reporting-interval", "500", "--report", report).splitlines()
        expect(len(out) >= 2, "progress lines and a final line: %s" % out)
        expect(all(WINDOW.match(l) for l in out[:-1]), "progress lines %s" % out[:-1])
        m = FINAL.match(out[-1])
        expect(m and m.group(1) == "3000", "final line %r" % out[-1])
        check_report(report)

        j = json.loads(s.out("perf", "produce", "--topic", "perf", "--num-records", "1000", "--json"))
        expect(j["records"] == 1000 and j["mode"] == "produce" and j["p99_ms"] >= j["p50_ms"] >= 0 and
               j["bytes"] == 100000, "json %s" % j)
        ends = s.out("offsets", "-t", "perf").split()
        expect(sum(int(e.split(":")[2]) for e in ends) == 4000, "4000 records landed: %s" % ends)

        out = s.out("perf", "consume", "--topic", "perf", "--num-records", "4000", "--timeout", "10000")
        lines = out.splitlines()
        expect(lines[0].startswith("start.time, end.time, data.consumed.in.MB"), out)
        expect(lines[-1].split(", ")[4] == "4000", "consumed 4000: %s" % lines[-1])
        s.fails("perf", "consume", "--topic", "perf", "--num-records", "5000", "--timeout", "1000",
                contains="4000 of 5000")

        report = os.path.join(work, "e2e.html")
        out = s.out("perf", "e2e", "--topic", "perf", "--num-records", "50", "--report", report)
        expect(re.search(r"^Avg latency: [\d.]+ ms$", out, re.M) and
               re.search(r"^Percentiles: 50th = \d+, 99th = \d+, 99\.9th = \d+$", out, re.M), out)
        check_report(report)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    harness.main(test)
