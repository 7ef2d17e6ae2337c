"""Run by test_reporters_stream: build N findings, then write every format under a memory cap.

``python report_child.py N HEADROOM_MB``: after the findings exist, the address space is capped
at what the process uses then plus HEADROOM_MB (``RLIMIT_AS``), and each reporter writes the
whole report to /dev/null. Exit 0 when every format fits; a reporter that builds its report in
memory dies of MemoryError (exit 1, naming the format).
"""

from __future__ import annotations

import resource
import sys


def vm_size_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmSize:"):
                return int(line.split()[1])
    raise SystemExit("no /proc/self/status")


def main() -> int:
    count, headroom = int(sys.argv[1]), int(sys.argv[2])
    from vaultlint.diagnostic import Diagnostic, LineTable
    from vaultlint.model import Span
    from vaultlint.report import FORMATS, RuleInfo, ScanResult, get_reporter

    per_note = 1000
    lines = LineTable(tuple(range(0, 40 * per_note, 40)))  # 1000 lines of 40 characters
    diagnostics = [
        Diagnostic(
            f"folder/Note {i // per_note}.md",
            Span(i % per_note * 40 + 4, i % per_note * 40 + 16),
            "broken-link",
            "links",
            "error" if i % 3 else "info",
            f"link target 'Missing {i}' does not exist",
            lines,
        )
        for i in range(count)
    ]
    result = ScanResult(
        vault="/vault",
        diagnostics=diagnostics,
        notes=tuple(f"folder/Note {i}.md" for i in range(count // per_note)),
        rules=(RuleInfo("broken-link", "links", "error", "Links must resolve."),),
        version="0",
    )
    del diagnostics
    limit = (vm_size_kb() << 10) + (headroom << 20)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    for name in FORMATS:
        try:
            with open("/dev/null", "w", encoding="utf-8") as sink:
                get_reporter(name).write(result, sink)
        except MemoryError:
            print(f"{name}: MemoryError", flush=True)
            return 1
    print("ok")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
