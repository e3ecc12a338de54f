"""Hot folder: upload every file dropped into a folder to a project, several at a time, with
a tqdm progress bar over the total bytes; uploaded files move to ``done/``, failed ones to
``failed/`` (with the reason printed).

    python examples/python/hot_folder.py [FOLDER] [--project NAME] [--concurrency N] [--watch SECONDS]

Without FOLDER, a demo folder with a few sample PDFs is made. With --watch, the folder is
polled again every SECONDS until Ctrl-C. Talks to APPROVALSTUDIO_URL (+ _USERNAME,
_PASSWORD) when set, else to an emulator started in this process.
"""

from __future__ import annotations

import argparse
import pathlib
import shutil
import sys
import tempfile
import time
from typing import List

from tqdm import tqdm

import approvalstudio

from _sample import SAMPLE_PDF, connect


def pending_files(folder: pathlib.Path) -> List[pathlib.Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def process(client: approvalstudio.Client, project_uid: str, folder: pathlib.Path, concurrency: int) -> int:
    files = pending_files(folder)
    if not files:
        return 0
    total = sum(p.stat().st_size for p in files)
    with tqdm(total=total, unit="B", unit_scale=True, desc=f"{len(files)} file(s)") as bar:

        def progress(p: approvalstudio.Progress) -> None:
            bar.update(p.done - bar.n)
            if p.path:
                bar.set_postfix_str(pathlib.Path(p.path).name)

        results = client.assets.upload_many(project_uid, files, concurrency=concurrency, progress=progress)
    failed = 0
    for r in results:
        src = pathlib.Path(r.path)
        dest = folder / ("done" if r.ok else "failed")
        dest.mkdir(exist_ok=True)
        shutil.move(str(src), str(dest / src.name))
        if r.ok:
            print(f"  {src.name} -> asset {r.asset_uid}")
        else:
            failed += 1
            print(f"  {src.name} FAILED: {r.error}")
    return failed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", nargs="?", type=pathlib.Path)
    ap.add_argument("--project", default="Hot folder", help="project name (created when missing)")
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--watch", type=float, help="poll the folder every SECONDS until Ctrl-C")
    args = ap.parse_args()
    folder = args.folder
    if folder is None:
        folder = pathlib.Path(tempfile.mkdtemp(prefix="approvalstudio-hot-folder-"))
        for i in range(6):
            (folder / f"label-{i + 1:02d}.pdf").write_bytes(SAMPLE_PDF + b"%" + b"x" * (200_000 * (i + 1)) + b"\n")
        print(f"demo folder with 6 PDFs: {folder}")

    with connect() as client:
        me = client.users.logged_in()
        existing = [p for p in client.projects.list(query=args.project) if p.name == args.project]
        project = existing[0] if existing else client.projects.create(args.project, [me.user_uid])
        print(f"uploading to project {project.name!r} ({project.project_uid})")
        failed = process(client, project.project_uid, folder, args.concurrency)
        while args.watch:
            try:
                time.sleep(args.watch)
            except KeyboardInterrupt:
                break
            failed += process(client, project.project_uid, folder, args.concurrency)
        assets = client.projects.get(project.project_uid, load_assets=True).assets
        print(f"project now has {len(assets)} asset(s); {failed} file(s) failed")
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except approvalstudio.ApprovalStudioError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(1)
