"""approvalstudio.testing: the Emulator class, its control API, and the pytest plugin."""

from __future__ import annotations

import logging

import pytest

import approvalstudio
from approvalstudio.testing import Emulator

pytestmark = pytest.mark.timeout(60)


def test_fixture_is_reset_between_tests_1(approvalstudio_emulator: Emulator) -> None:
    with approvalstudio_emulator.client() as c:
        me = c.users.logged_in()
        c.projects.create("Only in test 1", [me.user_uid])
        assert [p.name for p in c.projects.list()] == ["Only in test 1"]
    approvalstudio_emulator.faults("/api/v1/users", status=500)


def test_fixture_is_reset_between_tests_2(approvalstudio_emulator: Emulator) -> None:
    assert approvalstudio_emulator.list_faults() == []
    with approvalstudio_emulator.client() as c:
        assert c.projects.list() == []
        assert c.users.list()


def test_context_manager_and_close() -> None:
    with Emulator(processing_delay_ms=10) as emu:
        assert emu.url.startswith("http://127.0.0.1:")
        assert emu.config()["processingDelayMs"] == 10
        with emu.client() as c:
            assert c.users.logged_in().email == emu.username == "admin@example.com"
        url = emu.url
    assert "closed" in repr(emu)
    with approvalstudio.Client(url, token="x", max_retries=1) as c:
        with pytest.raises(approvalstudio.TransportError):
            c.users.logged_in()
    with pytest.raises(RuntimeError, match="closed"):
        emu.reset()


def test_faults_requests_config_clock(approvalstudio_emulator: Emulator) -> None:
    emu = approvalstudio_emulator
    with emu.client() as c:
        c.login()
        fid = emu.faults("/api/v1/user/loggedin", status=503, times=1)
        assert [f["faultId"] for f in emu.list_faults()] == [fid]
        # One 503, then the retry succeeds.
        assert c.users.logged_in().email == emu.username
        statuses = [r["status"] for r in emu.requests(path="/api/v1/user/loggedin")]
        assert statuses == [503, 200]
        emu.clear_faults(fid)
        assert emu.list_faults() == []
        emu.clear_requests()
        assert emu.requests() == []
        cfg = emu.config(token_ttl=30)
        assert cfg["tokenTtlSeconds"] == 30
        assert emu.config(token_ttl=None)["tokenTtlSeconds"] is None
        assert emu.advance_clock(60)


def test_logs_go_to_the_approvalstudio_logger(approvalstudio_emulator: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    root_handlers = list(logging.getLogger().handlers)
    with caplog.at_level(logging.DEBUG, logger="approvalstudio"):
        with approvalstudio_emulator.client() as c:
            approvalstudio_emulator.faults("/api/v1/user/loggedin", status=503, times=1)
            c.users.logged_in()
    ours = [r for r in caplog.records if r.name.startswith("approvalstudio")]
    assert ours, "no library log records"
    assert any(r.levelno >= logging.WARNING for r in ours)  # the retry
    assert all("admin-password" not in r.getMessage() for r in caplog.records)
    assert logging.getLogger().handlers == root_handlers


def test_custom_users() -> None:
    with Emulator(users=[("buyer@example.com", "pw1"), ("cheap@example.com", "pw2", True)]) as emu:
        assert (emu.username, emu.password) == ("buyer@example.com", "pw1")
        with emu.client() as c:
            assert c.users.logged_in().email == "buyer@example.com"
        with emu.client(username="cheap@example.com", password="pw2") as c:
            with pytest.raises(approvalstudio.ForbiddenError):
                c.users.logged_in()
