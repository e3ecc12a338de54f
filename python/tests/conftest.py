"""Shared fixtures. The `approvalstudio_emulator` fixture comes from the package's pytest
plugin (entry point `pytest11`), which these tests exercise as a user would."""

from __future__ import annotations

import pathlib
from typing import Iterator

import pytest

import approvalstudio
from approvalstudio.testing import Emulator

# A minimal valid one-page PDF 1.4.
PDF_BYTES = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
    b"0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)


@pytest.fixture
def emu(approvalstudio_emulator: Emulator) -> Emulator:
    return approvalstudio_emulator


@pytest.fixture
def client(emu: Emulator) -> Iterator[approvalstudio.Client]:
    with emu.client() as c:
        yield c


@pytest.fixture
def owner_uid(client: approvalstudio.Client) -> str:
    return client.users.logged_in().user_uid


@pytest.fixture
def project(client: approvalstudio.Client, owner_uid: str) -> approvalstudio.Project:
    return client.projects.create("Carton 330ml", [owner_uid], customer="ACME")


@pytest.fixture
def pdf(tmp_path: pathlib.Path) -> pathlib.Path:
    p = tmp_path / "label.pdf"
    p.write_bytes(PDF_BYTES)
    return p
