"""Runs the benchmarks of issue 6 against a release emulator and prints one table.

Started by bench/run (which builds everything first) with the bench venv's Python. Every
client runs in a fresh process; runs of the SDK and its peers are interleaved (the order
rotates each run) so that a change of machine load hits all of them alike; each row shows
the median of the runs. Everything lives under one directory on /dev/shm that is removed at
the end, and every loop is bounded by a count.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
CLIENTS = os.path.join(HERE, "clients.py")
GIB = 1 << 30
MIB = 1 << 20


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def median(xs: Sequence[float]) -> float:
    return statistics.median(xs)


def mem_available() -> int:
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    return 0


def loadavg() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


@dataclass
class Env:
    emulator: str
    cbench: str
    rbench: str
    python: str
    wrk: str
    time_bin: str
    work: str
    runs: int
    quick: bool
    url: str = ""
    token: str = ""
    project: str = ""
    query: str = ""
    emu: Optional["Emulator"] = None
    notes: List[str] = field(default_factory=list)

    def env(self) -> Dict[str, str]:
        e = dict(os.environ)
        e.update(
            APST_BENCH_URL=self.url,
            APST_BENCH_TOKEN=self.token,
            APST_BENCH_PROJECT=self.project,
        )
        return e


def run_json(cmd: List[str], env: Dict[str, str], rss: bool = False, timeout: float = 300) -> Dict[str, Any]:
    """Runs `cmd`, parses the last line of its stdout as JSON; with `rss`, under
    /usr/bin/time, adding the peak RSS of the process in bytes as `rss` and its CPU time
    (user + system, seconds) as `cpu`."""
    rss_file = None
    if rss:
        rss_file = os.path.join(os.environ.get("APST_BENCH_WORK", "/tmp"), "rss.txt")
        cmd = [ENV.time_bin, "-f", "%M %U %S", "-o", rss_file] + cmd
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()[-2000:]}")
    lines = [ln for ln in p.stdout.splitlines() if ln.strip()]
    try:
        res = json.loads(lines[-1])
    except (IndexError, ValueError):
        raise RuntimeError(f"{' '.join(cmd)}: no JSON in output: {p.stdout[-500:]!r} {p.stderr[-500:]!r}")
    if rss_file:
        with open(rss_file) as f:
            kb, user, system = f.read().strip().splitlines()[-1].split()
        res["rss"] = int(kb) * 1024
        res["cpu"] = float(user) + float(system)
        cmd = cmd[5:]
    shown = [os.path.basename(cmd[0])] + [c for c in cmd[1:] if len(c) < 40 and "Bearer" not in c]
    RAW.append({"at": round(time.time(), 3), "cmd": shown,
                "result": {k: v for k, v in res.items() if k != "assets"}})
    return res


ENV: Env  # set in main
RAW: List[Dict[str, Any]] = []  # every run's result, written next to the table (--raw)


# -- emulator and API helpers ------------------------------------------------------------------


class Emulator:
    def __init__(self, binary: str, data_dir: str) -> None:
        os.makedirs(data_dir, exist_ok=True)
        self.proc = subprocess.Popen(
            [binary, "serve", "--port", "0", "--data-dir", data_dir],
            stdout=subprocess.PIPE,
            stderr=sys.stderr,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        if not m:
            self.stop()
            raise RuntimeError(f"emulator did not start: {line!r}")
        self.url = m.group(1)

    def cpu(self) -> float:
        """CPU time (user + system) used so far, seconds."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss(self) -> int:
        try:
            with open(f"/proc/{self.proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Api:
    """A tiny requests client for set-up and clean-up (never timed)."""

    def __init__(self, url: str) -> None:
        self.base = url + "/api/v1"
        self.url = url
        self.s = requests.Session()

    def login(self) -> str:
        r = self.s.post(
            f"{self.base}/token/login",
            json={"userName": "admin@example.com", "password": "admin-password"},
        )
        r.raise_for_status()
        tok = r.json()["result"]["token"]
        self.s.headers["Authorization"] = f"Bearer {tok}"
        return tok

    def me(self) -> str:
        r = self.s.get(f"{self.base}/user/loggedin")
        r.raise_for_status()
        return r.json()["result"]["userUID"]

    def create_project(self, owner: str) -> str:
        r = self.s.post(
            f"{self.base}/project",
            json={
                "projectName": "Carton 330ml",
                "customer": "ACME",
                "project": "Summer",
                "design": "Lemon",
                "revision": "3",
                "description": "Benchmark project",
                "tags": ["bench", "carton"],
                "projectOwnersUIDS": [owner],
            },
        )
        r.raise_for_status()
        return r.json()["result"]["projectUID"]

    def delete_asset(self, uid: str) -> None:
        r = self.s.delete(f"{self.base}/asset", params={"AssetUID": uid})
        r.raise_for_status()

    def add_delay(self, method: str, path: str, ms: int) -> str:
        r = self.s.post(f"{self.url}/_emulator/faults",
                        json={"method": method, "path": path, "action": "delay", "latencyMs": ms})
        r.raise_for_status()
        return r.json()["faultId"]

    def remove_fault(self, fid: str) -> None:
        self.s.delete(f"{self.url}/_emulator/faults/{fid}").raise_for_status()

    def last_query(self, path: str) -> str:
        r = self.s.get(f"{self.url}/_emulator/requests", params={"method": "GET", "path": path})
        r.raise_for_status()
        return r.json()[-1]["query"] or ""


# -- measurements ------------------------------------------------------------------------------


@dataclass
class Row:
    id: str
    what: str
    unit: str
    sdk_name: str
    sdk: float
    peers: List[Tuple[str, float]]
    higher_better: bool
    target: str
    target_peer: Optional[str]
    target_ratio: Optional[float]  # sdk/peer (higher_better) or sdk/peer time (lower)
    extra: str = ""
    met: Optional[bool] = None

    def ratio(self, peer_value: float) -> float:
        return self.sdk / peer_value if peer_value else float("inf")


def rotate(items: List[Any], i: int) -> List[Any]:
    k = i % len(items)
    return items[k:] + items[:k]


def physical(e: Env) -> Tuple[float, float, float]:
    """Loopback TCP, tmpfs write and raw file → TCP → file copy bandwidth, bytes/s."""
    size = 512 * MIB if e.quick else 2 * GIB
    fsize = min(size, GIB)
    src = os.path.join(e.work, "copy-src.bin")
    make_file(e, src, fsize)
    tcp, shm, cp = [], [], []
    for _ in range(e.runs):
        r = run_json([e.rbench, "tcp", str(size)], e.env())
        tcp.append(size / r["seconds"])
        r = run_json([e.rbench, "tmpfs", os.path.join(e.work, "tmpfs-probe.bin"), str(fsize)], e.env())
        shm.append(fsize / r["seconds"])
        r = run_json([e.rbench, "copy", src, os.path.join(e.work, "copy-dst.bin")], e.env())
        cp.append(fsize / r["seconds"])
    os.remove(src)
    return median(tcp), median(shm), median(cp)


def wrk(e: Env) -> Tuple[float, int]:
    secs = 2 if e.quick else 4
    rates, non2xx = [], 0
    for _ in range(e.runs):
        p = subprocess.run(
            [e.wrk, "-t2", "-c32", f"-d{secs}s", "--timeout", "5s",
             "-H", f"Authorization: Bearer {e.token}", f"{e.url}/api/v1/project?{e.query}"],
            capture_output=True, text=True, timeout=secs + 30,
        )
        if p.returncode != 0:
            raise RuntimeError(f"wrk failed: {p.stderr}")
        m = re.search(r"Requests/sec:\s*([\d.]+)", p.stdout)
        if not m:
            raise RuntimeError(f"wrk output: {p.stdout}")
        rates.append(float(m.group(1)))
        m = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", p.stdout)
        if m:
            non2xx += int(m.group(1))
    return median(rates), non2xx


def small(e: Env, threads: int) -> Dict[str, float]:
    calls = (1000 if e.quick else 3000) * (2 if threads > 1 else 1)
    clients = ["sdk", "requests", "httpx"]
    res: Dict[str, List[float]] = {c: [] for c in clients}
    for i in range(e.runs):
        for c in rotate(clients, i):
            r = run_json(
                [e.python, CLIENTS, "small", "--client", c, "--threads", str(threads),
                 "--calls", str(calls), "--warmup", "200", "--query", e.query],
                e.env(),
            )
            res[c].append(r["per_s"])
    return {c: median(v) for c, v in res.items()}


def c_abi(e: Env) -> Tuple[float, float, float, float]:
    """Median wall seconds per call of C and Rust, and their median CPU seconds per call
    (whole process, warm-up included in the division)."""
    calls, warmup = (1000, 200) if e.quick else (5000, 300)
    wall: Dict[str, List[float]] = {"c": [], "rust": []}
    cpu: Dict[str, List[float]] = {"c": [], "rust": []}
    for i in range(e.runs):
        for who in rotate(["c", "rust"], i):
            if who == "c":
                cmd = [e.cbench, "get", e.project, str(calls), str(warmup)]
            else:
                cmd = [e.rbench, "get", e.url, e.token, e.project, str(calls), str(warmup)]
            r = run_json(cmd, e.env(), rss=True)
            wall[who].append(r["seconds"] / calls)
            cpu[who].append(r["cpu"] / (calls + warmup))
    return median(wall["c"]), median(wall["rust"]), median(cpu["c"]), median(cpu["rust"])


def instructions(e: Env, cmd: List[str]) -> int:
    """Instructions the process executed (all threads), counted by callgrind: the same for
    the same binary and inputs whatever else the machine is doing."""
    out = os.path.join(e.work, "callgrind.out")
    p = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"] + cmd,
                       env=e.env(), capture_output=True, text=True, timeout=600)
    os.remove(out)
    m = re.search(r"Collected : (\d+)", p.stderr)
    if p.returncode != 0 or not m:
        raise RuntimeError(f"callgrind {' '.join(cmd)}: {p.stderr[-1000:]}")
    return int(m.group(1))


def c_abi_instructions(e: Env) -> Tuple[float, float]:
    """Instructions per call of the C and the Rust loop: (count at 400 calls - count at 100
    calls) / 300, which removes start-up, login-free client building and warm-up."""
    per = {}
    for who in ("c", "rust"):
        counts = []
        for calls in (100, 400):
            if who == "c":
                cmd = [e.cbench, "get", e.project, str(calls), "20"]
            else:
                cmd = [e.rbench, "get", e.url, e.token, e.project, str(calls), "20"]
            counts.append(instructions(e, cmd))
        per[who] = (counts[1] - counts[0]) / 300
    return per["c"], per["rust"]


def make_file(e: Env, path: str, size: int) -> None:
    run_json([e.rbench, "mkfile", path, str(size)], e.env())


def transfers(e: Env, api: Api, size: int) -> Dict[str, Dict[str, Tuple[float, int, float]]]:
    """P3 and P4 at one size: {"up"/"down": {client: (median seconds, max peak RSS,
    median CPU seconds of the client process)}}."""
    src = os.path.join(e.work, f"file-{size >> 20}M.bin")
    make_file(e, src, size)
    up_url = f"{e.url}/api/v1/asset/upload?ProjectUID={e.project}"
    auth = f"Authorization: Bearer {e.token}"
    clients = ["python-sdk", "c", "curl"]
    up: Dict[str, List[Tuple[float, int, float]]] = {c: [] for c in clients}
    keep = None
    runs = e.runs if size <= GIB else min(e.runs, 5)  # 4 GiB runs are long: at most 5
    for i in range(runs):
        for c in rotate(clients, i):
            if c == "python-sdk":
                r = run_json([e.python, CLIENTS, "upload", src], e.env(), rss=True)
                secs, asset = r["seconds"], r["asset"]
            elif c == "c":
                r = run_json([e.cbench, "upload", e.project, src], e.env(), rss=True)
                secs, asset = r["seconds"], r["asset"]
            else:
                body = os.path.join(e.work, "curl-body.json")
                r = run_json(
                    ["sh", "-c", 'curl -sS --fail -o "$1" -w \'{"seconds": %{time_total}}\\n\' -H "$2" '
                     '-F "FileName=@$3;type=application/octet-stream" "$4"',
                     "sh", body, auth, src, up_url],
                    e.env(), rss=True, timeout=600,
                )
                with open(body) as f:
                    asset = json.load(f)["result"]["assetUID"]
                secs = r["seconds"]
            up[c].append((secs, r["rss"], r["cpu"]))
            if keep is None and c == "curl":
                keep = asset  # downloaded below
            else:
                api.delete_asset(asset)
    os.remove(src)  # P4 needs only the server's copy
    assert keep is not None
    down: Dict[str, List[Tuple[float, int, float]]] = {c: [] for c in clients}
    for i in range(runs):
        for c in rotate(clients, i):
            target = os.path.join(e.work, f"download-{c}.bin")
            if c == "python-sdk":
                r = run_json([e.python, CLIENTS, "download", keep, target], e.env(), rss=True)
            elif c == "c":
                r = run_json([e.cbench, "download", keep, target], e.env(), rss=True)
            else:
                r = run_json(
                    ["sh", "-c", 'curl -sS --fail -o "$1" -w \'{"seconds": %{time_total}}\\n\' -H "$2" "$3"',
                     "sh", target, auth, f"{e.url}/api/v1/asset/download?AssetUID={keep}"],
                    e.env(), rss=True, timeout=600,
                )
            got = os.path.getsize(target)
            os.remove(target)
            if got != size:
                raise RuntimeError(f"{c} downloaded {got} of {size} bytes")
            down[c].append((r["seconds"], r["rss"], r["cpu"]))
    api.delete_asset(keep)

    def summary(d: Dict[str, List[Tuple[float, int, float]]]) -> Dict[str, Tuple[float, int, float]]:
        return {c: (median([x[0] for x in v]), max(x[1] for x in v), median([x[2] for x in v]))
                for c, v in d.items()}

    return {"up": summary(up), "down": summary(down)}


def upload_many(e: Env, api: Api, d: str, n: int) -> Tuple[float, float, Dict[str, Tuple[float, float]]]:
    """Median seconds of the SDK and of the requests loop uploading the n files of d, and
    per client the median CPU seconds of (the client process, the emulator) during a run."""
    res: Dict[str, List[float]] = {"sdk": [], "requests": []}
    cpu: Dict[str, List[Tuple[float, float]]] = {"sdk": [], "requests": []}
    for i in range(e.runs):
        for c in rotate(["sdk", "requests"], i):
            assert e.emu is not None
            before = e.emu.cpu()
            r = run_json([e.python, CLIENTS, "many", "--client", c, "--dir", d, "--concurrency", "8"],
                         e.env(), rss=True)
            cpu[c].append((r["cpu"], e.emu.cpu() - before))
            if len(r["assets"]) != n:
                raise RuntimeError(f"{c}: {len(r['assets'])} of {n} uploaded")
            res[c].append(r["seconds"])
            for a in r["assets"]:
                api.delete_asset(a)
    cpus = {c: (median([x for x, _ in v]), median([y for _, y in v])) for c, v in cpu.items()}
    return median(res["sdk"]), median(res["requests"]), cpus


# -- table ---------------------------------------------------------------------------------------


def fmt(v: float, unit: str) -> str:
    if unit == "calls/s" or unit == "req/s":
        return f"{v:,.0f} {unit}"
    if unit == "s":
        return f"{v:.3f} s"
    if unit == "instr/call":
        return f"{v:,.0f} instr/call"
    if unit == "µs/call":
        return f"{v * 1e6:.1f} µs/call"
    if unit == "MiB/s":
        return f"{v / MIB:,.0f} MiB/s"
    return f"{v:g} {unit}"


def table(rows: List[Row]) -> str:
    out = ["| row | measurement | SDK | peer | peer value | ratio (SDK vs peer) | target | met |",
           "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        first = True
        peers = r.peers or [("", 0.0)]
        for name, pv in peers:
            ratio = ""
            if name:
                ratio = f"{r.ratio(pv):.2f}×"
            is_target = name == r.target_peer
            met = ""
            if is_target or (first and r.target_peer is None):
                met = {True: "yes", False: "**no**", None: ""}[r.met]
            out.append(
                "| {} | {} | {} | {} | {} | {} | {} | {} |".format(
                    r.id if first else "",
                    (r.what + (f" ({r.extra})" if r.extra else "")) if first else "",
                    f"{r.sdk_name}: {fmt(r.sdk, r.unit)}" if first else "",
                    name,
                    fmt(pv, r.unit) if name else "",
                    ratio,
                    (r.target if first else ""),
                    met,
                )
            )
            first = False
    return "\n".join(out)


def main() -> int:
    global ENV
    p = argparse.ArgumentParser()
    p.add_argument("--emulator", required=True)
    p.add_argument("--cbench", required=True)
    p.add_argument("--rbench", required=True)
    p.add_argument("--wrk", default=shutil.which("wrk") or "wrk")
    p.add_argument("--runs", type=int, default=5, help="runs per measurement (4 GiB transfers: at most 5)")
    p.add_argument("--quick", action="store_true", help="smaller sizes, for trying the harness")
    p.add_argument("--sizes", default="1,4", help="P3/P4 sizes in GiB")
    p.add_argument("--raw", default="", help="write every run's result to this JSON file")
    p.add_argument("--only", default="", help="comma-separated subset: phys,p7,p1,p2,p5,p6,p3")
    a = p.parse_args()

    work = f"/dev/shm/apst-bench-{os.getpid()}"
    os.makedirs(work)
    os.environ["APST_BENCH_WORK"] = work
    ENV = e = Env(
        emulator=a.emulator, cbench=a.cbench, rbench=a.rbench, python=sys.executable,
        wrk=a.wrk, time_bin="/usr/bin/time", work=work, runs=a.runs, quick=a.quick,
    )
    only = set(filter(None, a.only.split(",")))
    want = lambda k: not only or k in only  # noqa: E731
    started = time.time()
    load_before = loadavg()
    emu = None
    rows: List[Row] = []
    try:
        emu = Emulator(a.emulator, os.path.join(work, "data"))
        e.emu = emu
        e.url = emu.url
        api = Api(e.url)
        e.token = api.login()
        e.project = api.create_project(api.me())
        # Warm the emulator up and learn the exact query the SDK sends for GET project.
        run_json([e.python, CLIENTS, "small", "--client", "sdk", "--calls", "500",
                  "--warmup", "10", "--query", ""], e.env())
        e.query = api.last_query("/api/v1/project")
        run_json([e.python, CLIENTS, "small", "--client", "requests", "--calls", "500",
                  "--warmup", "10", "--query", e.query], e.env())
        log(f"emulator {e.url}, project {e.project}, SDK query: ?{e.query}")

        phys = raw = None
        if want("phys"):
            log(f"physical reference: loopback TCP and tmpfs write bandwidth (load average {loadavg()})")
            tcp, shm, raw = physical(e)
            phys = min(tcp, shm)
            rows.append(Row("ref", "loopback TCP bandwidth (1 connection, 1 MiB writes)", "MiB/s",
                            "measured", tcp, [], True, "", None, None))
            rows.append(Row("ref", "tmpfs write bandwidth (/dev/shm, 1 MiB writes + fsync)", "MiB/s",
                            "measured", shm, [], True, "", None, None))
            rows.append(Row("ref", "raw copy file → loopback TCP → file (1 MiB reads/writes, no HTTP)",
                            "MiB/s", "measured", raw, [], True, "", None, None))
        if want("p7"):
            log(f"P7: wrk against the emulator (load average {loadavg()})")
            rate, non2xx = wrk(e)
            r = Row("P7", "emulator under wrk -t2 -c32, GET project", "req/s", "emulator", rate, [],
                    True, "≥ 10,000 req/s", None, None)
            r.met = rate >= 10_000
            if non2xx:
                r.extra = f"{non2xx} non-2xx responses!"
            rows.append(r)
        p7 = rows[-1].sdk if rows and rows[-1].id == "P7" else None
        if want("p1"):
            log(f"P1: sequential GET project (load average {loadavg()})")
            m = small(e, 1)
            r = Row("P1", "GET project by UID, 1 thread", "calls/s", "Python SDK", m["sdk"],
                    [("requests.Session", m["requests"]), ("httpx.Client", m["httpx"])],
                    True, "≥ 2.0× requests", "requests.Session", 2.0)
            r.met = r.ratio(m["requests"]) >= 2.0
            rows.append(r)
        if want("p2"):
            log(f"P2: GET project, 8 threads sharing one client (load average {loadavg()})")
            m = small(e, 8)
            r = Row("P2", "GET project by UID, 8 threads, one shared client", "calls/s", "Python SDK",
                    m["sdk"], [("requests.Session", m["requests"]), ("httpx.Client", m["httpx"])],
                    True, "≥ 4.0× requests", "requests.Session", 4.0)
            r.met = r.ratio(m["requests"]) >= 4.0
            rows.append(r)
        if want("p5"):
            log(f"P5: C ABI vs Rust blocking client (load average {loadavg()})")
            c, rust, c_cpu, rust_cpu = c_abi(e)
            r = Row("P5", "apst_project_get loop vs Rust blocking get_with (same query)", "µs/call",
                    "C ABI", c, [("Rust blocking", rust)], False, "≤ 1.05×", "Rust blocking", 1.05)
            r.met = c / rust <= 1.05
            r.extra = f"client CPU per call: C {c_cpu * 1e6:.1f} µs, Rust {rust_cpu * 1e6:.1f} µs"
            rows.append(r)
            if shutil.which("valgrind"):
                log("P5: instructions per call (callgrind)")
                ci, ri = c_abi_instructions(e)
                r = Row("P5", "the same, client instructions per call (callgrind, all threads; "
                        "independent of machine load)", "instr/call", "C ABI", ci,
                        [("Rust blocking", ri)], False, "≤ 1.05×", "Rust blocking", 1.05)
                r.met = ci / ri <= 1.05
                rows.append(r)
        if want("p6"):
            log(f"P6: upload_many vs sequential requests (load average {loadavg()})")
            many_dir = os.path.join(e.work, "many")
            os.makedirs(many_dir)
            n = 50 if e.quick else 200
            for i in range(n):
                make_file(e, os.path.join(many_dir, f"art-{i:03d}.bin"), MIB)
            for delay in (0, 10):
                fid = api.add_delay("POST", "/api/v1/asset/upload", delay) if delay else None
                try:
                    sdk, seq, cpus = upload_many(e, api, many_dir, n)
                finally:
                    if fid:
                        api.remove_fault(fid)
                what = f"upload {n} × 1 MiB"
                if delay:
                    what += f", emulator answers {delay} ms later (delay fault: a server that is not on the client's cores)"
                r = Row("P6" if not delay else "P6'", what, "s", "Python SDK upload_many(concurrency=8)", sdk,
                        [("sequential requests loop", seq)], False, "≥ 3× faster (ratio ≤ 0.33×)",
                        "sequential requests loop", None)
                r.met = seq / sdk >= 3.0
                r.extra = (f"speed-up {seq / sdk:.2f}×; CPU s per run, client/emulator: SDK "
                           f"{cpus['sdk'][0]:.2f}/{cpus['sdk'][1]:.2f}, requests "
                           f"{cpus['requests'][0]:.2f}/{cpus['requests'][1]:.2f}")
                rows.append(r)
            shutil.rmtree(many_dir)
        if want("p3"):
            sizes = [float(x) for x in a.sizes.split(",") if x]
            for gib in sizes:
                size = int((gib / 16 if e.quick else gib) * GIB)
                label = f"{size / GIB:g} GiB"
                need = 2 * size + GIB  # the file and the server's copy on tmpfs, plus slack
                if mem_available() < need:
                    e.notes.append(f"P3/P4 at {label} skipped: {mem_available() / GIB:.1f} GiB of memory "
                                   f"available, {need / GIB:.1f} GiB needed")
                    continue
                log(f"P3/P4: {label} upload and download (load average {loadavg()})")
                t = transfers(e, api, size)
                for kind, pid, verb in (("up", "P3", "upload"), ("down", "P4", "download")):
                    d = t[kind]
                    curl_s, curl_rss, curl_cpu = d["curl"]
                    for who in ("python-sdk", "c"):
                        s, rss, cpu = d[who]
                        name = "Python SDK" if who == "python-sdk" else "C (libapprovalstudio)"
                        frac = (f", {size / s / phys:.0%} of min(TCP, tmpfs), {size / s / raw:.0%} of raw copy"
                                if phys and raw else "")
                        r = Row(pid, f"{verb} {label}: wall time", "s", name, s,
                                [(f"curl {'-F' if kind == 'up' else '-o'}", curl_s)], False,
                                "≤ 1.1× curl; RSS ≤ 64 MiB" if kind == "up" else "≤ 1.1× curl; RSS flat",
                                f"curl {'-F' if kind == 'up' else '-o'}", 1.1)
                        cfrac = (f", {size / curl_s / phys:.0%} / {size / curl_s / raw:.0%}"
                                 if phys and raw else "")
                        r.extra = (f"{size / s / MIB:,.0f} MiB/s{frac}; peak RSS {rss / MIB:.1f} MiB, "
                                   f"CPU {cpu:.2f} s; curl {size / curl_s / MIB:,.0f} MiB/s{cfrac}, "
                                   f"{curl_rss / MIB:.1f} MiB, CPU {curl_cpu:.2f} s")
                        r.met = s / curl_s <= 1.1 and (kind == "down" or rss <= 64 * MIB)
                        rows.append(r)
    finally:
        if emu is not None:
            emu_rss = emu.peak_rss()
            emu.stop()
            e.notes.append(f"emulator peak RSS {emu_rss / MIB:.0f} MiB")
        shutil.rmtree(work, ignore_errors=True)

    print()
    print(f"libapprovalstudio benchmarks, {time.strftime('%Y-%m-%d %H:%M %Z')}, "
          f"{os.cpu_count()} CPUs, {platform.machine()}, kernel {platform.release()}; "
          f"median of {e.runs} runs (4 GiB transfers: {min(e.runs, 5)}); load average before {load_before}, after {loadavg()}; "
          f"{time.time() - started:.0f} s")
    print()
    print(table(rows))
    print()
    print("Ratios are SDK ÷ peer: for calls/s and req/s higher is better; for seconds and µs lower is better.")
    for note in e.notes:
        print(f"- {note}")
    if a.raw:
        with open(a.raw, "w") as f:
            json.dump(RAW, f, indent=1)
        print(f"- every run: {a.raw}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
