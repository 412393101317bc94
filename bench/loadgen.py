"""A gunicorn under test and a load generator on loopback, for the load benchmarks.

The generator is the standard library's `http.client` in threads: each client keeps one
keep-alive connection (re-opened by http.client when a sync worker closes it) and either
sends its next request as soon as the last answer is read (a closed loop, like `wrk -c` or
`hey -c`), or sends requests when they are due at a fixed rate in all (like `wrk2 -R`). Threads are
enough here: a client spends its time waiting on the socket, and the few hundred requests
per second this machine serves cost the generator little CPU. No third-party client is
needed for that, so none is added.
"""

import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"
HEALTH_PATH = "/healthz"


@dataclass(frozen=True)
class Request:
    """One request of the load: `expect` is a fragment a good answer's body must hold."""

    method: str
    path: str
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    expect: bytes = b""


@dataclass(frozen=True)
class Sample:
    started: float  # time.perf_counter() when the request was sent
    finished: float
    status: int  # 0 when no HTTP answer came back
    ok: bool
    detail: str = ""  # for a failure: the start of the answer or the exception


@dataclass(frozen=True)
class LoadReport:
    """What a run measured. Throughput and latency cover the measuring window (after the
    warm-up); failures are counted over the whole run, warm-up included."""

    clients: int
    warmup: float
    window: float  # seconds measured: the requested duration, or less if the requests ran out
    measured: list[float]  # latencies in ms of the requests finished within the window
    succeeded: int  # good answers finished within the window
    sent: int  # requests sent over the whole run
    failures: list[Sample]
    ran_out: bool  # the supply of requests ended before the duration
    rate: float | None = None  # requests due a second in all; None for a closed loop

    @property
    def per_second(self) -> float:
        return self.succeeded / self.window if self.window > 0 else 0.0


def free_port() -> int:
    """A loopback port nobody listens on now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _gunicorn_executable() -> str:
    """The gunicorn of the environment running this Python (the project's .venv)."""
    beside = Path(sys.executable).with_name("gunicorn")
    return str(beside) if beside.exists() else "gunicorn"


@dataclass(frozen=True)
class Server:
    base_url: str
    port: int
    pid: int
    command: list[str]


@contextmanager
def gunicorn(
    *, workers: int, threads: int = 1, env: dict | None = None, startup_timeout: float = 60
) -> Iterator[Server]:
    """Start `gunicorn dairy_campaign.wsgi` on a free loopback port with this process's
    environment, wait until /healthz answers 200, and stop it (by its PID) on the way out.
    Its log goes to a temporary file, shown if it fails to start."""
    port = free_port()
    command = [
        _gunicorn_executable(),
        "dairy_campaign.wsgi",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread" if threads > 1 else "sync",
        # A 32-client load must queue in the kernel, not be refused.
        "--backlog",
        "256",
        "--timeout",
        "60",
        "--graceful-timeout",
        "10",
    ]
    with tempfile.NamedTemporaryFile("w+", prefix="bench-gunicorn-", suffix=".log") as log:
        process = subprocess.Popen(  # noqa: S603 - a fixed argument list, no shell
            command,
            env={**os.environ, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=Path(__file__).resolve().parent.parent,
        )
        try:
            base_url = f"http://{HOST}:{port}"
            _wait_healthy(port, process, startup_timeout, log)
            yield Server(base_url=base_url, port=port, pid=process.pid, command=command)
        finally:
            _stop(process)


def _wait_healthy(port: int, process: subprocess.Popen, timeout: float, log) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{_tail(log)}")
        if _health_status(port) == 200:
            return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {HEALTH_PATH} within {timeout:.0f} s:\n{_tail(log)}")


def _health_status(port: int) -> int:
    """The status /healthz answers with, 0 while nothing listens yet."""
    connection = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        connection.request("GET", HEALTH_PATH)
        return connection.getresponse().status
    except (OSError, http.client.HTTPException):
        return 0
    finally:
        connection.close()


def _tail(log, lines: int = 30) -> str:
    log.flush()
    log.seek(0)
    return "".join(log.readlines()[-lines:])


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the master (it stops its workers gracefully), SIGKILL if it hangs."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _stat_fields(pid: int | str) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None  # it ended meanwhile


def _cpu_of(pid: int) -> float | None:
    fields = _stat_fields(pid)
    if fields is None:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def process_tree(pid: int) -> list[int]:
    """The process and its children (a gunicorn master and its workers)."""
    children = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and _is_child(p.name, pid)]
    return [pid, *children]


def _is_child(candidate: str, parent: int) -> bool:
    fields = _stat_fields(candidate)
    return fields is not None and int(fields[1]) == parent


def postgres_backends(database: str) -> list[int]:
    """The local PostgreSQL server processes serving sessions on `database`."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if title.startswith(b"postgres: ") and f" {database} ".encode() in title:
            pids.append(int(entry.name))
    return pids


class CpuWatch:
    """CPU used from now on by a set of processes that may change (database backends come
    and go as connections are recycled): sampled every `interval` seconds in a thread, so a
    process that ends loses at most its last interval, and one that starts counts whole."""

    def __init__(self, find_pids: Callable[[], list[int]], interval: float = 0.5):
        self._find, self._interval = find_pids, interval
        self._first = {pid: cpu for pid in find_pids() if (cpu := _cpu_of(pid)) is not None}
        self._last = dict(self._first)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        for pid in self._find():
            cpu = _cpu_of(pid)
            if cpu is not None:
                self._first.setdefault(pid, 0.0)
                self._last[pid] = cpu

    def _watch(self) -> None:
        while not self._stop.wait(self._interval):
            self._sample()

    def stop(self) -> float:
        """CPU seconds used since the start."""
        self._stop.set()
        self._thread.join()
        self._sample()
        return sum(self._last[pid] - self._first[pid] for pid in self._last)


class _Supply:
    """Hands out the requests one at a time to the client threads. Paced (`rate` a second),
    each request also gets the moment it is due: the k-th at `start + k / rate`."""

    def __init__(self, requests: Iterable[Request], start: float, rate: float | None):
        self._requests = iter(requests)
        self._lock = threading.Lock()
        self._start, self._rate, self._handed = start, rate, 0
        self.ran_out = False

    def next(self) -> tuple[Request | None, float | None]:
        with self._lock:
            request = next(self._requests, None)
            if request is None:
                self.ran_out = True
                return None, None
            due = self._start + self._handed / self._rate if self._rate else None
            self._handed += 1
            return request, due


def _send(connection: http.client.HTTPConnection, request: Request, due: float | None) -> Sample:
    # A paced request's time runs from when it was due: a client still busy with the one
    # before makes it late, and that wait is part of what a user would see.
    started = time.perf_counter() if due is None else due
    try:
        connection.request(request.method, request.path, body=request.body, headers=request.headers)
        answer = connection.getresponse()
        body = answer.read()
    except (OSError, http.client.HTTPException) as error:
        connection.close()  # the next request opens a new connection
        return Sample(started, time.perf_counter(), 0, False, f"{type(error).__name__}: {error}")
    finished = time.perf_counter()
    ok = 200 <= answer.status < 300 and request.expect in body
    return Sample(started, finished, answer.status, ok, "" if ok else body[:300].decode(errors="replace"))


def _client(port: int, supply: _Supply, stop_at: float, samples: list[Sample]) -> None:
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        while time.perf_counter() < stop_at:
            request, due = supply.next()
            if request is None or (due is not None and due >= stop_at):
                return
            if due is not None and due > time.perf_counter():
                time.sleep(due - time.perf_counter())
            samples.append(_send(connection, request, due))
    finally:
        connection.close()


def run_load(
    *, port: int, requests: Iterable[Request], clients: int, duration: float, warmup: float, rate: float | None = None
) -> LoadReport:
    """`clients` threads send `requests` for `warmup + duration` seconds, or until the
    requests run out. Without a `rate` each client sends its next request as soon as it
    has the answer (a closed loop: the most the server can do); with one, the requests are
    due at that many a second in all, and a request's time counts from when it was due.
    Answers finished during the warm-up are not measured."""
    start = time.perf_counter()
    supply = _Supply(requests, start, rate)
    per_client: list[list[Sample]] = [[] for _ in range(clients)]
    window_start, stop_at = start + warmup, start + warmup + duration
    threads = [
        threading.Thread(target=_client, args=(port, supply, stop_at, samples), daemon=True) for samples in per_client
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    samples = [sample for client in per_client for sample in client]
    in_window = [s for s in samples if window_start <= s.finished <= stop_at]
    window_end = stop_at
    if supply.ran_out:
        window_end = min(stop_at, max((s.finished for s in samples), default=window_start))
    return LoadReport(
        clients=clients,
        warmup=warmup,
        window=max(window_end - window_start, 0.0),
        measured=[(s.finished - s.started) * 1000 for s in in_window],
        succeeded=sum(1 for s in in_window if s.ok),
        sent=len(samples),
        failures=[s for s in samples if not s.ok],
        ran_out=supply.ran_out,
        rate=rate,
    )
