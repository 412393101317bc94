"""Real processes for the fault tests: Celery workers, a web server, a private Redis and a
private PostgreSQL cluster. Each runs in a session of its own and is stopped through its
own process group id, never by name (other people run the same programs here)."""

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from glob import glob
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def free_port(preferred: int | None = None) -> int:
    """`preferred` when nobody listens there, otherwise any free port."""
    if preferred:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", preferred)) != 0:
                return preferred
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, *, timeout: float, what: str, interval: float = 0.1):
    """Poll `predicate` until it returns something true; fail naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def database_url(settings_dict: dict, *, name=None) -> str:
    """A DATABASE_URL for a connection's settings (its database, or `name` on its server)."""
    user = settings_dict.get("USER") or ""
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{name or settings_dict['NAME']}"


class Process:
    """A child process in its own session: a signal to it reaches its children too."""

    def __init__(self, args: list[str], *, env: dict, log: Path):
        self.log = log
        with open(log, "ab") as out:
            self.popen = subprocess.Popen(  # noqa: S603 - fixed argument lists
                args, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self, sig=signal.SIGKILL):
        """Send `sig` to the whole process group (e.g. a Celery worker and its pool)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, sig)

    def stop(self, timeout: float = 15):
        if self.alive():
            self.kill(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill(signal.SIGKILL)
                self.popen.wait(5)
        # Pool processes left behind by a killed parent go with their group.
        self.kill(signal.SIGKILL)

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def base_env(**overrides) -> dict:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.update({key: str(value) for key, value in overrides.items()})
    return env


def start_worker(*, env: dict, queue: str, log: Path, step_delay: float = 0.0) -> Process:
    """A real worker (prefork, one process) consuming `queue`; each summary step slowed by
    `step_delay` seconds, so that a test can catch the task half-way."""
    args = [
        sys.executable,
        "-m",
        "tests.faults.slow_worker",
        "--queues",
        queue,
        "--pool",
        "prefork",
        "--concurrency",
        "1",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel",
        "INFO",
    ]
    return Process(args, env={**env, "FAULT_STEP_DELAY": str(step_delay)}, log=log)


# --- a private Redis ------------------------------------------------------------------------


class PrivateRedis:
    """redis-server on a port of its own with append-only-file persistence (fsync on every
    write) and no snapshots: what survives a restart is what the AOF kept."""

    def __init__(self, directory: Path, port: int):
        self.directory = directory
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: Process | None = None

    def start(self):
        args = [
            shutil.which("redis-server") or "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(self.directory),
            "--appendonly",
            "yes",
            "--appendfsync",
            "always",
            "--save",
            "",
        ]
        self.process = Process(args, env=base_env(), log=self.directory / "redis.log")
        wait_until(self.ping, timeout=10, what=f"redis-server on port {self.port}")

    def ping(self) -> bool:
        import redis

        try:
            return redis.Redis.from_url(self.url, socket_timeout=1).ping()
        except redis.RedisError:
            return False

    def client(self):
        import redis

        return redis.Redis.from_url(self.url)

    def crash(self):
        """SIGKILL: no shutdown save, the hardest way for Redis to go."""
        self.process.kill(signal.SIGKILL)
        self.process.popen.wait(5)

    def stop(self):
        if self.process is not None:
            self.process.stop()


# --- a private PostgreSQL cluster -----------------------------------------------------------


def postgres_bin_dir() -> Path | None:
    found = sorted(glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class PrivatePostgres:
    """A throwaway PostgreSQL cluster in a temporary folder, on a port of its own. As root,
    initdb refuses to run: the cluster then belongs to the `postgres` system user."""

    def __init__(self, port: int):
        self.port = port
        self.bin = postgres_bin_dir()
        self.owner = "postgres" if os.geteuid() == 0 else None
        self.directory: Path | None = None

    @property
    def data(self) -> Path:
        return self.directory / "data"

    def problem(self) -> str | None:
        """Why no private cluster can be made here, or None."""
        if self.bin is None:
            return "PostgreSQL server binaries (initdb, pg_ctl) are not installed"
        if self.owner and not shutil.which("runuser"):
            return "running as root without runuser, so initdb cannot run as the postgres user"
        if self.owner:
            try:
                pwd.getpwnam(self.owner)
            except KeyError:
                return "running as root and there is no postgres user to run initdb as"
        return None

    def _run(self, *args: str, check=True, timeout: float = 60) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.owner:
            command = ["runuser", "-u", self.owner, "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=timeout)  # noqa: S603

    def init(self):
        self.directory = Path(tempfile.mkdtemp(prefix="dairy-faults-pg-"))
        if self.owner:
            shutil.chown(self.directory, user=self.owner)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "-N")

    def start(self):
        # No fsync: a stop of the server (even `immediate`) loses nothing the operating
        # system has been handed, and the throwaway cluster never outlives the machine.
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.directory / "server.log"), "-w", "-o", options, "start"
        )

    def stop(self, mode: str = "immediate"):
        """`immediate`: the server quits at once, as in a crash; open transactions are lost."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def psql(self, name: str, sql: str) -> str:
        result = subprocess.run(  # noqa: S603
            ["psql", "-X", "-v", "ON_ERROR_STOP=1", "-tA", "-d", self.url(name), "-c", sql],
            check=True,
            capture_output=True,
            text=True,
            timeout=30,
        )
        return result.stdout.strip()

    def destroy(self):
        if self.directory is not None:
            self.stop()
            shutil.rmtree(self.directory, ignore_errors=True)


# --- HTTP -----------------------------------------------------------------------------------


def http(method: str, url: str, *, headers: dict | None = None, body: bytes | None = None, timeout: float = 40):
    """(status, headers, text) of one request, redirects not followed."""
    parsed = urlsplit(url)
    connection = HTTPConnection(parsed.hostname, parsed.port, timeout=timeout)
    try:
        path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode()
    finally:
        connection.close()
