"""Bad inputs: each raises the documented exception with a message naming the argument.

- wrong types and None where a value is required: ``ArgumentTypeError``, an
  ``InvalidInputError`` that is also a ``TypeError`` (raised before any call);
- values breaking a documented limit (lengths, counts, UID shape), missing files,
  directories, file names that are not UTF-8: ``InvalidInputError`` (a ``ValueError``),
  nothing sent.
"""

from __future__ import annotations

import datetime as dt
import os
import pathlib
import sys
from typing import Any

import pytest

import approvalstudio
from approvalstudio import InvalidInputError
from approvalstudio.testing import Emulator

from conftest import PDF_BYTES

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize(
    "call, arg",
    [
        (lambda c, o: c.projects.create(123, [o]), "name"),
        (lambda c, o: c.projects.create(None, [o]), "name"),
        (lambda c, o: c.projects.create("P", o), "owner_uids"),  # a str, not a list
        (lambda c, o: c.projects.create("P", [o, 5]), "owner_uids[1]"),
        (lambda c, o: c.projects.create("P", [o], tags="a,b"), "tags"),
        (lambda c, o: c.projects.create("P", [o], due_date="2030-01-01"), "due_date"),
        (lambda c, o: c.projects.get(None), "project_uid"),
        (lambda c, o: c.projects.list(load_assets="yes"), "load_assets"),
        (lambda c, o: c.projects.set_state(o, 3), "state"),
        (lambda c, o: c.assets.upload(o, 42), "path"),
        (lambda c, o: c.assets.upload(o, b"/tmp/x.pdf"), "path"),
        (lambda c, o: c.assets.upload(o, None), "path"),
        (lambda c, o: c.assets.upload("A" * 32, "x.pdf", progress=5), "progress"),
        (lambda c, o: c.tasks.list(types="ReviewAssets"), "types"),
        (lambda c, o: c.annotations.create(o, "t", page="1"), "page"),
        (lambda c, o: c.annotations.create(o, "t", region=[1, 2]), "region"),
        (lambda c, o: c.webhooks.create(None), "url"),
        (lambda c, o: c.assets.wait_processed(o, timeout="soon"), "timeout"),
    ],
)
def test_wrong_types_raise_type_error(client: approvalstudio.Client, owner_uid: str, call: Any, arg: str) -> None:
    with pytest.raises(TypeError) as ei:
        call(client, owner_uid)
    assert arg in str(ei.value)


def test_client_constructor_types() -> None:
    with pytest.raises(TypeError, match="timeout"):
        approvalstudio.Client("http://127.0.0.1:1", token="t", timeout="5")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="base_url"):
        approvalstudio.Client(None, token="t")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="base_url"):
        approvalstudio.Client("ftp://example.com", token="t")


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"customer": "c" * 51}, "customer"),
        ({"project": "p" * 51}, "project"),
        ({"design": "d" * 51}, "design"),
        ({"revision": "r" * 51}, "revision"),
        ({"description": "d" * 201}, "description"),
        ({"tags": ["t"] * 21}, "tags"),
        ({"tags": ["t" * 26]}, "tags"),
        ({"folder_uid": "bad/uid"}, "folder"),
    ],
)
def test_oversize_fields(client: approvalstudio.Client, emu: Emulator, owner_uid: str, kwargs: Any, field: str) -> None:
    emu.clear_requests()
    with pytest.raises(InvalidInputError) as ei:
        client.projects.create("P", [owner_uid], **kwargs)
    assert field.lower() in str(ei.value).lower()
    assert ei.value.fields
    # Nothing was sent.
    assert emu.requests(method="POST", path="/api/v1/project") == []


def test_owner_count(client: approvalstudio.Client, owner_uid: str) -> None:
    with pytest.raises(InvalidInputError, match="owner_uids") as ei:
        client.projects.create("P", [])
    assert "owner_uids" in ei.value.fields  # named as the Python argument
    with pytest.raises(InvalidInputError, match="(?i)owner"):
        client.projects.create("P", [owner_uid] * 21)


def test_missing_file(client: approvalstudio.Client, project: approvalstudio.Project, tmp_path: pathlib.Path) -> None:
    with pytest.raises(InvalidInputError) as ei:
        client.assets.upload(project.project_uid, tmp_path / "nope.pdf")
    assert "nope.pdf" in str(ei.value)
    assert "path" in str(ei.value)


def test_directory_is_not_a_file(client: approvalstudio.Client, project: approvalstudio.Project, tmp_path: pathlib.Path) -> None:
    with pytest.raises(InvalidInputError, match="not a regular file"):
        client.assets.upload(project.project_uid, tmp_path)
    with pytest.raises(InvalidInputError, match="not a regular file"):
        client.refdocs.upload(project.project_uid, str(tmp_path))


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any bytes")
def test_non_utf8_file_name(client: approvalstudio.Client, project: approvalstudio.Project, tmp_path: pathlib.Path) -> None:
    raw = os.path.join(os.fsencode(tmp_path), b"label-\xff.pdf")
    with open(raw, "wb") as f:
        f.write(PDF_BYTES)
    path = os.fsdecode(raw)  # str with a surrogate escape, as os.listdir returns it
    assert path in [os.path.join(str(tmp_path), n) for n in os.listdir(tmp_path)]
    # The file name can't be the asset name: a clear error that says how to name it ...
    with pytest.raises(InvalidInputError, match="file name"):
        client.assets.upload(project.project_uid, path)
    # With an explicit name the file (read by its real bytes path) uploads.
    uid = client.assets.upload(project.project_uid, pathlib.Path(path), file_name="label.pdf")
    assert client.assets.get(uid).name == "label.pdf"


def test_name_must_not_be_a_path(client: approvalstudio.Client, project: approvalstudio.Project, pdf: pathlib.Path) -> None:
    with pytest.raises(InvalidInputError, match="file_name"):
        client.assets.upload(project.project_uid, pdf, file_name="../evil.pdf")


def test_bad_uids_and_urls(client: approvalstudio.Client, project: approvalstudio.Project) -> None:
    with pytest.raises(InvalidInputError, match="asset_uid:"):
        client.assets.get("../../etc/passwd")
    with pytest.raises(InvalidInputError, match="url"):
        client.assets.upload_url(project.project_uid, "file:///etc/passwd")
    with pytest.raises(InvalidInputError, match="state"):
        client.projects.set_state(project.project_uid, approvalstudio.ProjectState.IN_TRANSIT)


def test_download_target_directory_missing(client: approvalstudio.Client, project: approvalstudio.Project, tmp_path: pathlib.Path) -> None:
    target = tmp_path / "no" / "such" / "r.pdf"
    with pytest.raises(InvalidInputError, match="does not exist"):
        client.assets.download("A" * 32, target)
    # The proof report download reports the same problem, before anything is sent.
    with pytest.raises(InvalidInputError, match="does not exist"):
        client.projects.download_proof_report(project.project_uid, target)
    assert not target.parent.exists()


def test_naive_datetime_is_utc(client: approvalstudio.Client, owner_uid: str) -> None:
    due = dt.datetime(2030, 5, 17, 12, 30)
    p = client.projects.create("Dated", [owner_uid], due_date=due)
    assert p.due_date == due.replace(tzinfo=dt.timezone.utc)
    p2 = client.projects.create("Dated 2", [owner_uid], due_date=dt.date(2030, 5, 17))
    assert p2.due_date == dt.datetime(2030, 5, 17, tzinfo=dt.timezone.utc)
