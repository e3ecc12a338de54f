"""Quickstart: log in, create a project, upload a PDF, wait until it is processed, create a
review link and send it, print the short URL, and download the project's proof report.

    python examples/python/quickstart.py [artwork.pdf] [--out DIR]

Talks to APPROVALSTUDIO_URL with APPROVALSTUDIO_USERNAME / APPROVALSTUDIO_PASSWORD when they
are set, else to an emulator started in this process.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import tempfile

import approvalstudio

from _sample import SAMPLE_PDF, connect


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("artwork", nargs="?", type=pathlib.Path, help="PDF to upload (default: a sample)")
    ap.add_argument("--out", type=pathlib.Path, help="where to save the proof report (default: a temp dir)")
    args = ap.parse_args()
    out = args.out or pathlib.Path(tempfile.mkdtemp(prefix="approvalstudio-quickstart-"))
    out.mkdir(parents=True, exist_ok=True)
    artwork = args.artwork
    if artwork is None:
        artwork = out / "artwork.pdf"
        artwork.write_bytes(SAMPLE_PDF)

    with connect() as client:
        login = client.login()
        print(f"logged in; token valid until {login.expiration_date}")
        me = client.users.logged_in()
        print(f"logged in as {me.full_name} <{me.email}>")

        project = client.projects.create(
            "Carton 330ml", [me.user_uid], customer="ACME", tags=["quickstart"]
        )
        print(f"created project {project.name!r} ({project.project_uid}), state {project.state}")

        def progress(p: approvalstudio.Progress) -> None:
            print(f"  upload: {p.done} of {p.total} bytes")

        asset_uid = client.assets.upload(project.project_uid, artwork, progress=progress)
        asset = client.assets.wait_processed(asset_uid, timeout=120)
        print(f"asset {asset.name!r} is {asset.status} ({asset.pages_count} page(s))")

        link = client.review_links.create(project.project_uid, "Round 1", asset_uids=[asset_uid])
        [sent] = client.review_links.send(project.project_uid, link.id, ["buyer@example.com"])
        print(f"review link {link.name!r} sent to {sent.email}: {sent.short_url}")

        report = client.projects.download_proof_report(project.project_uid, out / "proof-report.pdf")
        print(f"proof report saved to {report} ({report.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except approvalstudio.ApprovalStudioError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(1)
