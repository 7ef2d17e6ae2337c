#!/usr/bin/env python3
"""How fast ``vaultlint server`` answers an editor, on a generated vault (a script, not a test).

    python bench/server_latency.py                  # the 10k-note vault, 100 edits
    python bench/server_latency.py --notes 1000 --edits 50
    python bench/server_latency.py --vault PATH     # any vault (it is only read)

It warms the cache with ``vaultlint scan`` (as a user who ran it once has), starts the server
as an editor does (stdin/stdout, a plain JSON-RPC client here), opens a note and measures:

- **start**: from starting the process to the first diagnostics of the opened note (warm);
- **edit**: from sending a change to receiving the diagnostics for that version, median over
  the edits (half of them add a broken link, half remove it: every edit changes the findings),
  then the same for edits that add a heading (which changes what other notes can link to);
- **memory**: the server's resident set size (VmRSS, and its peak VmHWM) after the edits.

The targets (issue 11) are printed beside the figures, never asserted. The vault comes from
``bench/make_vault.py OUT N 1`` (out folder, notes, seed) and is kept in ``bench/out/``
(git-ignored) between runs.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from run_bench import make_vault  # the same generated vaults, kept in bench/out/

TARGETS = {"edit_ms": 50.0, "start_s": 2.0, "rss_mb": 300.0}


class Client:
    """A minimal LSP client over a subprocess's pipes; a thread stamps each message on arrival."""

    def __init__(self, cmd: list[str], cwd: Path) -> None:
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            cmd, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=sys.stderr
        )
        self.inbox: queue.Queue[tuple[float, dict[str, Any]]] = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = 0
            while True:
                line = out.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            message = json.loads(out.read(length))
            self.inbox.put((time.perf_counter(), message))

    def send(self, message: dict[str, Any]) -> float:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.proc.stdin is not None
        at = time.perf_counter()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()
        return at

    def request(self, method: str, params: Any) -> dict[str, Any]:
        self.next_id += 1
        wanted = self.next_id
        self.send({"id": wanted, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == wanted and "method" not in m)[1]

    def notify(self, method: str, params: Any) -> float:
        return self.send({"method": method, "params": params})

    def wait(self, match, timeout: float = 60.0) -> tuple[float, dict[str, Any]]:
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise SystemExit("the server did not answer in time")
            at, message = self.inbox.get(timeout=left)
            if "method" in message and "id" in message:  # a request from the server
                self.send({"id": message["id"], "result": None})
            if match(message):
                return at, message

    def diagnostics(self, uri: str, version: int) -> tuple[float, list]:
        at, message = self.wait(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == uri
                and m["params"].get("version") == version
            )
        )
        return at, message["params"]["diagnostics"]


def rss_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MB (Linux)."""
    fields = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            name, _, value = line.partition(":")
            fields[name] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def cpu_s(pid: int) -> float:
    """User + system CPU seconds a process has used (Linux)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pick_note(vault: Path) -> Path:
    """A note in the middle of the vault (sorted), as a user would open any."""
    notes = sorted(p for p in vault.rglob("*.md") if not any(s.startswith(".") for s in p.parts))
    return notes[len(notes) // 2]


def measure(vault: Path, edits: int, debounce_ms: float | None) -> dict[str, float]:
    vault = vault.resolve()
    note = pick_note(vault)
    uri = note.as_uri()
    text = note.read_text(encoding="utf-8")
    cmd = [sys.executable, "-m", "vaultlint", "server"]
    client = Client(cmd, vault)
    options = {} if debounce_ms is None else {"debounce_ms": debounce_ms}
    client.request(
        "initialize",
        {
            "processId": os.getpid(),
            "rootUri": vault.as_uri(),
            "workspaceFolders": [{"uri": vault.as_uri(), "name": vault.name}],
            "capabilities": {},
            "initializationOptions": options,
        },
    )
    client.notify("initialized", {})
    item = {"uri": uri, "languageId": "markdown", "version": 1, "text": text}
    client.notify("textDocument/didOpen", {"textDocument": item})
    first, _ = client.diagnostics(uri, 1)
    start_s = first - client.started
    start_cpu = cpu_s(client.proc.pid)

    lines = text.split("\n")
    end = {"line": len(lines) - 1, "character": len(lines[-1])}
    version = 1

    def change(new_text: str, rng: dict[str, Any], broken: bool) -> float:
        nonlocal version
        version += 1
        sent = client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": rng, "text": new_text}],
            },
        )
        at, found = client.diagnostics(uri, version)
        reported = any("No such note zz" in d["message"] for d in found)
        if reported != broken:
            raise SystemExit(f"edit {version}: the broken link is {'not ' * broken}reported")
        time.sleep(0.05)  # a typist's pause: each edit is checked on its own
        return (at - sent) * 1000

    body: list[float] = []
    added = "\n[[No such note zz]]"
    for i in range(edits):
        if i % 2 == 0:  # append a broken link at the end
            body.append(change(added, {"start": end, "end": end}, True))
        else:  # and take it away again
            stop = {"line": end["line"] + 1, "character": len(added) - 1}
            body.append(change("", {"start": end, "end": stop}, False))
    # after an odd number of edits the last broken link is still there (below the headings)
    linked = edits % 2 == 1
    heading: list[float] = []
    for i in range(max(edits // 4, 1)):
        if i % 2 == 0:
            heading.append(change("\n## Bench heading", {"start": end, "end": end}, linked))
        else:
            stop = {"line": end["line"] + 1, "character": len("## Bench heading")}
            heading.append(change("", {"start": end, "end": stop}, linked))
    rss, peak = rss_mb(client.proc.pid)
    client.request("shutdown", None)
    client.notify("exit", None)
    code = client.proc.wait(timeout=30)
    return {
        "notes": sum(1 for _ in vault.rglob("*.md")),
        "start_s": start_s,
        "start_cpu_s": start_cpu,
        "edit_ms": statistics.median(body),
        "edit_p90_ms": statistics.quantiles(body, n=10)[-1] if len(body) >= 10 else max(body),
        "heading_ms": statistics.median(heading),
        "rss_mb": rss,
        "peak_mb": peak,
        "exit": code,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--notes", type=int, default=10000, help="size of the generated vault")
    ap.add_argument("--vault", type=Path, help="measure on this vault instead")
    ap.add_argument("--edits", type=int, default=100, help="edits to time (default 100)")
    ap.add_argument("--debounce-ms", type=float, help="the server's debounce (default: its own)")
    ap.add_argument("--runs", type=int, default=1, help="whole sessions; the median is shown")
    ap.add_argument(
        "--no-warm", action="store_true", help="skip the `vaultlint scan` that warms the cache"
    )
    args = ap.parse_args()
    vault = args.vault or make_vault(args.notes)
    # warm the cache as a user who ran `vaultlint scan` once has
    if not args.no_warm:
        subprocess.run(
            [sys.executable, "-m", "vaultlint", "scan", str(vault)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
    runs = [measure(vault, args.edits, args.debounce_ms) for _ in range(args.runs)]
    fig = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(f"vault: {vault} ({fig['notes']:.0f} notes), {args.edits} edits, {args.runs} run(s)")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    rows = [
        ("start to first diagnostics (warm)", f"{fig['start_s']:.2f} s", "<= 2 s", "start_s"),
        ("  CPU time of the server until then", f"{fig['start_cpu_s']:.2f} s", "", ""),
        ("edit to diagnostics, median", f"{fig['edit_ms']:.1f} ms", "<= 50 ms", "edit_ms"),
        ("edit to diagnostics, 90th percentile", f"{fig['edit_p90_ms']:.1f} ms", "", ""),
        ("heading edit to diagnostics, median", f"{fig['heading_ms']:.1f} ms", "", ""),
        ("server memory (RSS) after the edits", f"{fig['rss_mb']:.0f} MB", "<= 300 MB", "rss_mb"),
        ("server memory, peak (VmHWM)", f"{fig['peak_mb']:.0f} MB", "", ""),
    ]
    for label, value, target, key in rows:
        verdict = ""
        if key:
            verdict = "ok" if fig[key] <= TARGETS[key] else "MISSED"
        print(f"  {label:<38} {value:>10}  {target:<10} {verdict}")
    print(f"  exit status after shutdown/exit: {fig['exit']:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
