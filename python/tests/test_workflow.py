"""The whole workflow against the emulator, touching every operation of the client."""

from __future__ import annotations

import datetime as dt
import pathlib
from typing import List

import pytest

import approvalstudio
from approvalstudio import (
    AssetStatus,
    NotFoundError,
    ProjectState,
    TaskStatus,
    TaskType,
)
from approvalstudio.testing import Emulator

from conftest import PDF_BYTES

pytestmark = pytest.mark.timeout(120)


def test_login_and_token(client: approvalstudio.Client) -> None:
    r = client.login()
    assert r.token and r.expiration_date is not None
    assert r.expiration_date.tzinfo is not None
    assert r.token not in repr(r)
    assert client.validate() is True
    assert "password" not in repr(client)


def test_users(client: approvalstudio.Client, emu: Emulator) -> None:
    me = client.users.logged_in()
    assert me.email == emu.username
    tenants = client.users.list()
    assert len(tenants) == 1
    t = tenants[0]
    assert t.name == "ACME Packaging"
    assert {u.email for u in t.users} >= {"admin@example.com", "reviewer@example.com"}
    assert [c.name for c in t.kanban_columns] == ["To do", "In progress", "Done"]
    assert {f.name for f in t.folders} == {"Inbox", "Archive"}
    assert t.templates and t.templates[0].name == "Default template"


def test_full_workflow(client: approvalstudio.Client, emu: Emulator, tmp_path: pathlib.Path) -> None:
    me = client.users.logged_in()
    tenant = client.users.list()[0]
    reviewer = next(u for u in tenant.users if u.email == "reviewer@example.com")

    # Projects: create, read, list, search, update, metadata, column/folder.
    due = dt.datetime(2030, 1, 31, 17, 0, tzinfo=dt.timezone.utc)
    p = client.projects.create(
        "Carton 330ml",
        [me.user_uid],
        customer="ACME",
        project="Lemonade",
        design="Summer",
        revision="A",
        description="Front label",
        tags=["label", "summer"],
        due_date=due,
        template_uid=tenant.templates[0].template_uid,
    )
    uid = p.project_uid
    assert p.name == "Carton 330ml" and p.state is ProjectState.ACTIVE and p.state == "Active"
    assert p.tags == ["label", "summer"] and p.due_date == due
    assert isinstance(p.created, dt.datetime) and p.created.tzinfo is not None
    assert p.raw["projectUID"] == uid
    assert p.to_dict()["projectUID"] == uid
    assert client.projects.get(uid).name == "Carton 330ml"
    assert uid in [x.project_uid for x in client.projects.list()]
    assert [x.project_uid for x in client.projects.list(query="Lemonade")] == [uid]
    assert client.projects.list(query="lemonade") == []  # case-sensitive
    assert client.projects.list(states=[ProjectState.ON_HOLD]) == []
    p = client.projects.update(uid, name="Carton 330ml", owner_uids=[me.user_uid], customer="ACME Corp", tags=["label"])
    assert p.customer == "ACME Corp" and p.tags == ["label"]
    client.projects.set_meta(uid, "sku", "LEM-330")
    client.projects.set_meta(uid, "sku", "LEM-331")
    assert [(m.key, m.value) for m in client.projects.meta(uid)] == [("sku", "LEM-331")]
    client.projects.delete_meta(uid, "sku")
    assert client.projects.meta(uid) == []
    client.projects.move_to_kanban_column(uid, tenant.kanban_columns[1].kanban_column_uid)
    client.projects.move_to_folder(uid, tenant.folders[0].folder_uid)
    client.projects.set_state(uid, ProjectState.ON_HOLD)
    client.projects.set_state(uid, "Active")

    # Assets: upload with progress, wait, get, download, proof report.
    pdf = tmp_path / "label.pdf"
    pdf.write_bytes(PDF_BYTES)
    seen: List[approvalstudio.Progress] = []
    asset_uid = client.assets.upload(uid, pdf, progress=seen.append)
    assert seen and seen[-1].done == len(PDF_BYTES) and seen[-1].fraction == 1.0
    asset = client.assets.wait_processed(asset_uid, timeout=30)
    assert asset.status is AssetStatus.PROCESSED and asset.is_settled
    assert asset.name == "label.pdf" and asset.pages_count == 1 and asset.version == 1
    assert client.assets.get(asset_uid).asset_uid == asset_uid
    out = client.assets.download(asset_uid, tmp_path / "copy.pdf")
    assert out == tmp_path / "copy.pdf" and out.read_bytes() == PDF_BYTES
    into_dir = tmp_path / "dl"
    into_dir.mkdir()
    out2 = client.assets.download(asset_uid, str(into_dir))
    assert out2.parent == into_dir and out2.read_bytes() == PDF_BYTES
    assert client.assets.proof_report_url(asset_uid).startswith("http")
    rep = client.assets.download_proof_report(asset_uid, tmp_path / "asset-report.pdf")
    assert rep.read_bytes().startswith(b"%PDF-")
    assert client.projects.proof_report_url(uid).startswith("http")
    rep2 = client.projects.download_proof_report(uid, tmp_path / "report.pdf")
    assert rep2.read_bytes().startswith(b"%PDF-1.4")
    # A second asset, uploaded under another name.
    v2 = client.assets.wait_processed(client.assets.upload(uid, pdf, file_name="back.pdf"), timeout=30)
    assert v2.name == "back.pdf" and v2.asset_uid != asset_uid

    # Reference documents.
    rd = client.refdocs.upload(uid, pdf, file_name="spec.pdf")
    assert client.refdocs.get(rd).name == "spec.pdf"
    link_rd = client.refdocs.add_url(uid, "https://example.com/brand-guide", name="Brand guide")
    assert client.refdocs.get(link_rd).url == "https://example.com/brand-guide"
    client.refdocs.delete(link_rd)
    with pytest.raises(NotFoundError):
        client.refdocs.get(link_rd)

    # Annotations.
    a = client.annotations.create(asset_uid, "Logo too small", page=0, region=(10, 20, 30, 40))
    assert a.text == "Logo too small" and a.page == 0
    assert a.region is not None and a.region.width == 30
    reply = client.annotations.create(asset_uid, "Agreed", parent_uid=a.annotation_uid)
    assert reply.parent_uid == a.annotation_uid
    client.annotations.complete(a.annotation_uid)
    client.annotations.uncomplete(a.annotation_uid)
    client.annotations.hide(reply.annotation_uid)
    uids = {x.annotation_uid for x in client.annotations.list(asset_uid)}
    assert a.annotation_uid in uids
    client.annotations.delete(reply.annotation_uid)

    # Tasks.
    up = client.tasks.asset_upload(uid, me.user_uid, comment="please upload", due_date=dt.date(2030, 2, 1))
    assert up.task_type is TaskType.UPLOAD_ASSETS and up.status is TaskStatus.PENDING
    rdt = client.tasks.refdoc_upload(uid, me.user_uid)
    rev = client.tasks.review_asset(uid, reviewer.user_uid, [asset_uid], comment="check")
    assert rev.task_type == "ReviewAssets"
    ext = client.tasks.review_asset_ext(
        uid,
        "buyer@example.com",
        [asset_uid],
        email_subject="Please review",
        email_language=approvalstudio.EmailLanguage.GERMAN,
        allow_download_assets=True,
        read_only=False,
    )
    assert ext.review_url and ext.review_url.startswith("http")
    assert client.tasks.get(ext.task_uid).task_uid == ext.task_uid
    mine = client.tasks.list(types=[TaskType.UPLOAD_ASSETS, TaskType.UPLOAD_REF_DOCS])
    assert {up.task_uid, rdt.task_uid} <= {t.task_uid for t in mine}
    client.tasks.complete(up.task_uid)
    assert client.tasks.get(up.task_uid).status == TaskStatus.CLOSED
    client.tasks.complete(rev.task_uid, status=TaskStatus.APPROVED, comment="ok")
    assert client.tasks.get(rev.task_uid).status is TaskStatus.APPROVED
    with pytest.raises(approvalstudio.StateConflictError):
        client.tasks.complete(ext.task_uid, status=TaskStatus.APPROVED)
    client.tasks.delete(rdt.task_uid)

    # Review links.
    link = client.review_links.create(uid, "Round 1", asset_uids=[asset_uid], allow_approvals=False)
    assert link.asset_uids == [asset_uid] and link.allow_approvals is False
    sent = client.review_links.send(uid, link.id, ["buyer@example.com", "boss@example.com"])
    assert len(sent) == 2 and all(r.short_url for r in sent)
    back = client.review_links.get(uid, link.id)
    assert back.short_url_for("boss@example.com") == sent[1].short_url
    assert [x.id for x in client.review_links.list(uid)] == [link.id]
    assert client.review_links.add_assets(uid, link.id, [v2.asset_uid]).asset_uids == [asset_uid, v2.asset_uid]
    client.review_links.delete(uid, link.id)
    assert client.review_links.list(uid) == []

    # Webhooks.
    hook = client.webhooks.create("http://127.0.0.1:9/hook")
    assert hook.secret and hook.secret not in repr(hook)
    assert hook.webhook_uid in [w.webhook_uid for w in client.webhooks.list()]
    client.webhooks.test(hook.webhook_uid)
    client.webhooks.delete(hook.webhook_uid)

    # Cleanup: assets, then the project (only once Completed).
    client.assets.delete(v2.asset_uid)
    with pytest.raises(NotFoundError):
        client.assets.get(v2.asset_uid)
    client.projects.set_state(uid, ProjectState.COMPLETED)
    client.projects.delete(uid)
    with pytest.raises(NotFoundError):
        client.projects.get(uid)


def test_upload_many(client: approvalstudio.Client, project: approvalstudio.Project, tmp_path: pathlib.Path) -> None:
    paths = []
    for i in range(5):
        p = tmp_path / f"label-{i}.pdf"
        p.write_bytes(PDF_BYTES)
        paths.append(p)
    missing = tmp_path / "missing.pdf"
    calls: List[approvalstudio.Progress] = []
    results = client.assets.upload_many(project.project_uid, [*paths, missing], concurrency=3, progress=calls.append)
    assert [r.path for r in results] == [str(p) for p in [*paths, missing]]
    assert all(r.ok for r in results[:5])
    assert not results[5].ok and isinstance(results[5].error, approvalstudio.InvalidInputError)
    assert calls and calls[-1].done == 5 * len(PDF_BYTES)
    assert calls[-1].path is not None
    got = client.projects.get(project.project_uid, load_assets=True)
    assert sorted(a.name or "" for a in got.assets) == sorted(p.name for p in paths)


def test_upload_url(client: approvalstudio.Client, emu: Emulator, project: approvalstudio.Project) -> None:
    # The emulator serves its own proof report: a public http URL it can fetch.
    url = client.projects.proof_report_url(project.project_uid)
    uid = client.assets.upload_url(project.project_uid, url, file_name="report.pdf")
    assert client.assets.wait_processed(uid, timeout=30).name == "report.pdf"
    rd = client.refdocs.upload_url(project.project_uid, url, file_name="ref.pdf")
    assert client.refdocs.get(rd).name == "ref.pdf"


def test_records_are_typed_and_safe(client: approvalstudio.Client, project: approvalstudio.Project) -> None:
    p = project
    assert isinstance(p, approvalstudio.Project)
    assert isinstance(p.state, str) and p.state == ProjectState.ACTIVE
    assert str(ProjectState.ACTIVE) == "Active"
    assert repr(p).startswith("Project(project_uid=")
    d = p.to_dict()
    assert d["name"] == "Carton 330ml" and isinstance(d, dict)
    assert p == client.projects.get(p.project_uid) or p.project_uid == client.projects.get(p.project_uid).project_uid
