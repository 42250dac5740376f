"""The real Maestro platform for the SDK's tests, started the way a user starts it: the built AppHost
under ``dotnet`` (``--port --dashboard-port --data-dir --workers``, ``MAESTRO_DEV_API_KEY``), on free
ports with a fresh data directory, ready once it prints ``Maestro is ready``; stopped with SIGTERM."""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import List

REPO = Path(__file__).resolve().parents[3]
SAMPLES = REPO / "samples" / "models"
READY_TIMEOUT_SECONDS = 240


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def apphost_assembly() -> Path:
    configuration = os.environ.get("CONFIGURATION", "Release")
    return REPO / "src" / "AppHost" / "bin" / configuration / "net10.0" / "Maestro.AppHost.dll"


class Platform:
    def __init__(self) -> None:
        assembly = apphost_assembly()
        if not assembly.is_file():
            raise RuntimeError(f"{assembly} is not built: run `dotnet build Maestro.Aspire.sln -c Release` first")
        self.port = free_port()
        self.dashboard_port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.api_key = "sdk-py-" + uuid.uuid4().hex
        self.data_dir = tempfile.mkdtemp(prefix="maestro-sdk-py-")
        self._lines: List[str] = []
        env = dict(os.environ, MAESTRO_DEV_API_KEY=self.api_key)
        self._process = subprocess.Popen(
            ["dotnet", str(assembly), "--port", str(self.port), "--dashboard-port", str(self.dashboard_port),
             "--data-dir", self.data_dir, "--workers", "1"],
            cwd=self.data_dir, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, errors="replace")
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise

    @property
    def output(self) -> str:
        return "".join(self._lines)

    def _read(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self._lines.append(line)

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while not any("Maestro is ready" in line for line in self._lines):
            if self._process.poll() is not None:
                raise RuntimeError(f"the AppHost exited with {self._process.returncode} before it was ready:\n{self.output}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the AppHost was not ready after {READY_TIMEOUT_SECONDS} s:\n{self.output}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._reader.join(timeout=5)
        shutil.rmtree(self.data_dir, ignore_errors=True)
