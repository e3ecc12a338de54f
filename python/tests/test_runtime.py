"""GIL release (threads), Ctrl-C, fork, progress callbacks (thread, throttling, exceptions,
re-entry)."""

from __future__ import annotations

import os
import pathlib
import signal
import sys
import threading
import time
from typing import Iterator, List

import pytest

import approvalstudio
from approvalstudio.testing import Emulator

from conftest import PDF_BYTES

pytestmark = pytest.mark.timeout(90)


def test_eight_threads_run_in_parallel(client: approvalstudio.Client, emu: Emulator) -> None:
    client.login()
    emu.faults("/api/v1/user/loggedin", latency_ms=300)
    n = 8

    t0 = time.monotonic()
    for _ in range(n):
        client.users.logged_in()
    sequential = time.monotonic() - t0

    errors: List[BaseException] = []

    def work() -> None:
        try:
            client.users.logged_in()
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    # A pure-Python counter keeps running while the calls wait: it needs the GIL.
    ticks = 0
    stop = threading.Event()

    def spin() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1

    spinner = threading.Thread(target=spin)
    spinner.start()
    threads = [threading.Thread(target=work) for _ in range(n)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    parallel = time.monotonic() - t0
    stop.set()
    spinner.join()

    assert not errors, errors
    print(f"sequential {sequential:.2f} s, 8 threads {parallel:.2f} s")
    assert sequential >= n * 0.3
    assert parallel < sequential / 3, (sequential, parallel)
    assert ticks > 1000


@pytest.fixture
def sigint_raises() -> Iterator[None]:
    """Python's own SIGINT handler for the test: a shell starts background jobs with SIGINT
    ignored, and Python then keeps it ignored, so a Ctrl-C test run from such a job would
    test nothing."""
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_interrupts_a_slow_call(
    client: approvalstudio.Client, emu: Emulator, sigint_raises: None
) -> None:
    client.login()
    emu.faults("/api/v1/user/loggedin", latency_ms=10_000)
    sent_at: List[float] = []

    def interrupt() -> None:
        sent_at.append(time.monotonic())
        os.kill(os.getpid(), signal.SIGINT)

    timer = threading.Timer(0.3, interrupt)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            client.users.logged_in()
        latency = time.monotonic() - sent_at[0]
    finally:
        timer.cancel()
    print(f"KeyboardInterrupt {latency * 1000:.0f} ms after SIGINT")
    assert latency < 0.5
    # The client still works afterwards.
    emu.clear_faults()
    assert client.users.logged_in().email == emu.username


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_client_works_after_fork(client: approvalstudio.Client, emu: Emulator) -> None:
    me = client.users.logged_in()  # the parent's runtime and connections exist
    pid = os.fork()
    if pid == 0:  # child
        code = 10
        try:
            if client.users.logged_in().user_uid != me.user_uid:
                code = 11
            else:
                with emu.client() as fresh:
                    code = 0 if fresh.users.list() else 12
        except BaseException:
            code = 13
        finally:
            os._exit(code)
    deadline = time.monotonic() + 60
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("the forked child hung")
        time.sleep(0.05)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
    # And the parent still works.
    assert client.users.logged_in().user_uid == me.user_uid


def _big_file(tmp_path: pathlib.Path, mb: int) -> pathlib.Path:
    p = tmp_path / "big.pdf"
    with open(p, "wb") as f:
        f.write(PDF_BYTES)
        chunk = b"%" + b"0" * (1024 * 1024 - 2) + b"\n"
        for _ in range(mb):
            f.write(chunk)
    return p


def test_progress_on_calling_thread_and_throttled(
    client: approvalstudio.Client, project: approvalstudio.Project, tmp_path: pathlib.Path
) -> None:
    path = _big_file(tmp_path, 20)
    calls: List[approvalstudio.Progress] = []
    threads = set()

    def progress(p: approvalstudio.Progress) -> None:
        calls.append(p)
        threads.add(threading.get_ident())

    t0 = time.monotonic()
    uid = client.assets.upload(project.project_uid, path, progress=progress)
    elapsed = time.monotonic() - t0
    assert uid
    assert calls, "no progress reported"
    # Throttled: at most one call per ~100 ms, plus the final one.
    assert len(calls) <= elapsed / 0.1 + 2, (len(calls), elapsed)
    assert threads == {threading.get_ident()}
    size = path.stat().st_size
    assert calls[-1].done == size
    assert calls[-1].total in (None, size)
    dones = [c.done for c in calls]
    assert dones == sorted(dones)


class Boom(Exception):
    pass


def test_exception_in_callback_cancels_and_propagates(
    client: approvalstudio.Client,
    emu: Emulator,
    project: approvalstudio.Project,
    tmp_path: pathlib.Path,
) -> None:
    path = _big_file(tmp_path, 20)
    boom = Boom("stop it")
    # The server reads slowly, so the transfer is still running at the first report.
    emu.faults("/api/v1/asset/upload", latency_ms=2000)

    def progress(p: approvalstudio.Progress) -> None:
        raise boom

    t0 = time.monotonic()
    with pytest.raises(Boom) as ei:
        client.assets.upload(project.project_uid, path, progress=progress)
    assert ei.value is boom  # re-raised unchanged
    assert time.monotonic() - t0 < 2.0  # cancelled, not waited out
    emu.clear_faults()
    p = client.projects.get(project.project_uid, load_assets=True)
    assert p.assets == []


def test_callback_calling_the_client_gets_a_clear_error(
    client: approvalstudio.Client, project: approvalstudio.Project, pdf: pathlib.Path
) -> None:
    def progress(p: approvalstudio.Progress) -> None:
        client.users.logged_in()

    with pytest.raises(RuntimeError, match="callback"):
        client.assets.upload(project.project_uid, pdf, progress=progress)
    # Not deadlocked, and usable afterwards.
    assert client.users.logged_in().user_uid


def test_closed_client_raises(emu: Emulator) -> None:
    c = emu.client()
    c.close()
    with pytest.raises(RuntimeError, match="closed"):
        c.users.logged_in()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_during_a_log_handler_is_not_lost(
    client: approvalstudio.Client, emu: Emulator, sigint_raises: None
) -> None:
    """The SDK's log records are emitted by the calling thread while it waits; Python runs a
    pending SIGINT handler inside that logging code, and the KeyboardInterrupt must reach the
    caller (it used to be swallowed, so the call ran on to its end)."""
    import logging

    class Slow(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            time.sleep(0.6)  # SIGINT arrives in here

    logger = logging.getLogger("approvalstudio")
    handler = Slow(level=logging.WARNING)
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    client.login()
    emu.faults("/api/v1/user/loggedin", status=503, times=1)  # a retry: a WARNING record
    emu.faults("/api/v1/user/loggedin", latency_ms=10_000)
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    started = time.monotonic()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            client.users.logged_in()
    finally:
        timer.cancel()
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    assert time.monotonic() - started < 5, "the call was not interrupted"
    emu.clear_faults()
