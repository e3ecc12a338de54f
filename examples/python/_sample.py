"""Shared by the examples: a connection from the environment or the embedded emulator, and a
small sample PDF."""

from __future__ import annotations

import contextlib
import os
from typing import Iterator

import approvalstudio

# A minimal valid one-page PDF 1.4 (the examples' stand-in for real artwork).
SAMPLE_PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
    b"0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)


@contextlib.contextmanager
def connect() -> Iterator[approvalstudio.Client]:
    """A client for APPROVALSTUDIO_URL / _USERNAME / _PASSWORD when set, else for an
    emulator started in this process."""
    url = os.environ.get("APPROVALSTUDIO_URL")
    if url:
        with approvalstudio.Client(
            url,
            username=os.environ["APPROVALSTUDIO_USERNAME"],
            password=os.environ["APPROVALSTUDIO_PASSWORD"],
        ) as client:
            yield client
        return
    from approvalstudio.testing import Emulator

    with Emulator() as emu:
        print(f"(no APPROVALSTUDIO_URL: using the embedded emulator at {emu.url})")
        with emu.client() as client:
            yield client
