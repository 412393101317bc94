"""The closed-loop load generator against a small server in this process: it counts good
answers in the window, and every refused or unexpected answer as a failure."""

import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.loadgen import HOST, CpuWatch, Request, process_tree, run_load
from bench.submissions import Settings, figures


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as gunicorn's threaded workers answer

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        status, body = (409, b'{"detail":"conflict"}') if self.path == "/conflict" else (200, b'{"status":"ok"}')
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer((HOST, 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def requests(paths):
    return (Request("POST", path, b"{}", {"Content-Type": "application/json"}, expect=b'"ok"') for path in paths)


def endless(path="/ok"):
    while True:
        yield from requests([path])


def test_clients_send_back_to_back_until_the_time_is_up(server):
    report = run_load(port=server, requests=endless(), clients=4, duration=0.4, warmup=0.1)
    assert report.succeeded > 10 and not report.failures and not report.ran_out
    assert report.sent > report.succeeded  # the warm-up's answers are not measured
    assert report.window == pytest.approx(0.4) and report.per_second == report.succeeded / report.window
    assert len(report.measured) == report.succeeded


def test_a_conflict_or_an_unexpected_body_is_a_failure(server):
    report = run_load(port=server, requests=requests(["/ok", "/conflict", "/ok"]), clients=2, duration=5, warmup=0)
    assert report.ran_out and report.sent == 3
    assert [f.status for f in report.failures] == [409]
    assert report.window < 5  # measured up to the last answer once the requests ran out


def test_a_paced_run_sends_at_the_rate_and_times_from_when_each_request_was_due(server):
    report = run_load(port=server, requests=endless(), clients=4, duration=0.5, warmup=0, rate=40)
    assert report.sent == pytest.approx(20, abs=2) and not report.failures
    assert report.per_second == pytest.approx(40, rel=0.2)


def test_figures_hold_the_targets_of_issue_8(server):
    paced = run_load(port=server, requests=endless(), clients=2, duration=0.3, warmup=0, rate=20)
    saturated = run_load(port=server, requests=endless(), clients=2, duration=0.3, warmup=0)
    rows = {f.name: f for f in figures(paced, saturated, Settings())}
    assert rows["checklist submissions, 32 clients at 50 /s: latency p95"].target == "≤ 300 ms"
    assert rows["checklist submissions, 32 clients back to back: throughput"].target == "≥ 50 /s"
    # Saturated, the clients wait by design: that latency is reported, not held to a target.
    assert rows["checklist submissions, 32 clients back to back: latency p95 (= clients ÷ throughput)"].met is None
    assert rows["checklist submissions: errors (non-2xx, conflicts, refused)"].met
    assert "4 sync workers" in rows["checklist submissions: set-up"].value


def test_cpu_watch_counts_what_the_watched_processes_use():
    watch = CpuWatch(lambda: [os.getpid()], interval=0.05)
    deadline = time.process_time() + 0.2
    while time.process_time() < deadline:
        pass
    assert watch.stop() >= 0.1
    assert os.getpid() in process_tree(os.getppid())
