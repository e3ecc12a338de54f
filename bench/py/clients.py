"""The Python clients of the benchmarks: the SDK and the hand-written peers a user would
otherwise write. Each invocation is one fresh process (started by harness.py, often under
/usr/bin/time) and prints one line of JSON. Connection settings come from the environment:
APST_BENCH_URL (the emulator), APST_BENCH_TOKEN (a bearer token: every client sends the same
`Authorization: Bearer` header, none logs in inside the timed part) and APST_BENCH_PROJECT.

  small    P1/P2: GET project by UID, CALLS calls over THREADS threads sharing one client
  upload   P3: one file, SDK
  download P4: one asset to a path, SDK
  many     P6: a directory of files, SDK upload_many or a sequential requests loop
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
from typing import Callable, List

URL = os.environ.get("APST_BENCH_URL", "")
TOKEN = os.environ.get("APST_BENCH_TOKEN", "")
PROJECT = os.environ.get("APST_BENCH_PROJECT", "")
API = URL + "/api/v1"


def out(**kw: object) -> None:
    print(json.dumps(kw), flush=True)


# -- P1/P2 ---------------------------------------------------------------------------------


def make_get(client: str, query: str) -> Callable[[], object]:
    """One `GET project?<query>` call returning the decoded project, for each client."""
    if client == "sdk":
        import approvalstudio

        c = approvalstudio.Client(URL, token=TOKEN)
        uid = PROJECT
        return lambda: c.projects.get(uid)
    url = f"{API}/project?{query}"
    headers = {"Authorization": f"Bearer {TOKEN}"}
    if client == "requests":
        import requests

        s = requests.Session()
        s.headers.update(headers)

        def get_requests() -> object:
            r = s.get(url)
            r.raise_for_status()
            return r.json()["result"][0]

        return get_requests
    if client == "httpx":
        import httpx

        # Pool of 10 like requests' default; HTTP/1.1 like the emulator's plain HTTP.
        hc = httpx.Client(headers=headers, limits=httpx.Limits(max_connections=10))

        def get_httpx() -> object:
            r = hc.get(url)
            r.raise_for_status()
            return r.json()["result"][0]

        return get_httpx
    raise SystemExit(f"unknown client {client}")


def small(a: argparse.Namespace) -> None:
    get = make_get(a.client, a.query)
    for _ in range(a.warmup):  # connections, imports, first-call costs
        get()
    per = a.calls // a.threads
    errors: List[BaseException] = []
    start = threading.Barrier(a.threads + 1)

    def worker() -> None:
        try:
            start.wait()
            for _ in range(per):
                p = get()
                assert p is not None
        except BaseException as e:  # noqa: BLE001 (reported below)
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(a.threads)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    dt = time.perf_counter() - t0
    if errors:
        raise SystemExit(f"{a.client}: {errors[0]!r}")
    out(seconds=dt, calls=per * a.threads, per_s=per * a.threads / dt)


# -- P3/P4 (SDK; the C program and curl are the other clients) --------------------------------


def upload(a: argparse.Namespace) -> None:
    import approvalstudio

    c = approvalstudio.Client(URL, token=TOKEN)
    t0 = time.perf_counter()
    uid = c.assets.upload(PROJECT, a.file)
    dt = time.perf_counter() - t0
    out(seconds=dt, asset=uid)


def download(a: argparse.Namespace) -> None:
    import approvalstudio

    c = approvalstudio.Client(URL, token=TOKEN)
    t0 = time.perf_counter()
    c.assets.download(a.asset, a.target)
    dt = time.perf_counter() - t0
    out(seconds=dt)


# -- P6 ------------------------------------------------------------------------------------


def many(a: argparse.Namespace) -> None:
    paths = sorted(os.path.join(a.dir, n) for n in os.listdir(a.dir))
    if a.client == "sdk":
        import approvalstudio

        c = approvalstudio.Client(URL, token=TOKEN)
        c.users.logged_in()  # connection + runtime up, as the peer's session is below
        t0 = time.perf_counter()
        results = c.assets.upload_many(PROJECT, paths, concurrency=a.concurrency)
        dt = time.perf_counter() - t0
        failed = [r for r in results if r.error is not None]
        if failed:
            raise SystemExit(f"upload_many: {len(failed)} failed: {failed[0].error!r}")
        uids = [r.asset_uid for r in results]
    elif a.client == "requests":
        import requests

        s = requests.Session()
        s.headers["Authorization"] = f"Bearer {TOKEN}"
        s.get(f"{API}/user/loggedin").raise_for_status()
        uids = []
        t0 = time.perf_counter()
        for p in paths:
            with open(p, "rb") as f:
                r = s.post(
                    f"{API}/asset/upload",
                    params={"ProjectUID": PROJECT},
                    files={"FileName": (os.path.basename(p), f, "application/octet-stream")},
                )
            r.raise_for_status()
            uids.append(r.json()["result"]["assetUID"])
        dt = time.perf_counter() - t0
    else:
        raise SystemExit(f"unknown client {a.client}")
    out(seconds=dt, files=len(paths), assets=uids)


def main() -> None:
    if not (URL and TOKEN):
        raise SystemExit("set APST_BENCH_URL and APST_BENCH_TOKEN")
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("small")
    s.add_argument("--client", required=True, choices=["sdk", "requests", "httpx"])
    s.add_argument("--threads", type=int, default=1)
    s.add_argument("--calls", type=int, required=True)
    s.add_argument("--warmup", type=int, default=200)
    s.add_argument("--query", required=True, help="the SDK's query string, for the peers")
    s.set_defaults(f=small)
    u = sub.add_parser("upload")
    u.add_argument("file")
    u.set_defaults(f=upload)
    d = sub.add_parser("download")
    d.add_argument("asset")
    d.add_argument("target")
    d.set_defaults(f=download)
    m = sub.add_parser("many")
    m.add_argument("--client", required=True, choices=["sdk", "requests"])
    m.add_argument("--dir", required=True)
    m.add_argument("--concurrency", type=int, default=8)
    m.set_defaults(f=many)
    a = p.parse_args()
    a.f(a)


if __name__ == "__main__":
    main()
