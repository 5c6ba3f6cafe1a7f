"""``codegen audit tail|search|export``: read the audit log (one JSON line per request)."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "audit",
        help="read the audit log or export a fine-tuning dataset",
        description="The audit log: one line per request, and one per accepted candidate.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    tail = actions.add_parser("tail", help="the last records")
    tail.add_argument("-n", type=int, default=10, metavar="N", help="how many (default 10)")
    tail.add_argument("--json", action="store_true", help="print the JSON lines as stored")
    search = actions.add_parser("search", help="records whose description or code matches")
    search.add_argument("pattern", help="regular expression, case-insensitive")
    search.add_argument("--json", action="store_true", help="print the JSON lines as stored")
    export = actions.add_parser("export", help="write records (or a dataset) as JSONL")
    export.add_argument("--accepted", action="store_true", help="only accepted candidates")
    export.add_argument(
        "--format",
        choices=("jsonl", "sft"),
        default="jsonl",
        help="jsonl: the records; sft: chat-format fine-tuning examples (needs --accepted)",
    )
    export.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")


def run(args: argparse.Namespace) -> int:
    from codegen.cli.common import load_settings
    from codegen.store.audit import AuditLog

    log = AuditLog.from_settings(load_settings(args))
    if args.action == "tail":
        records = list(log.records())[-max(args.n, 0) :] if args.n > 0 else []
        _show(records, args.json)
    elif args.action == "search":
        _search(log, args)
    else:
        return _export(log, args)
    return 0


def _search(log: Any, args: argparse.Namespace) -> None:
    import re

    from codegen.errors import UsageError
    from codegen.store.export import search

    try:
        re.compile(args.pattern)
    except re.error as exc:
        message = f"audit search: invalid regular expression '{args.pattern}' ({exc})"
        raise UsageError(message) from None
    _show(list(search(log.records(), args.pattern)), args.json)


def _show(records: list[dict[str, Any]], as_json: bool) -> None:
    import json

    for record in records:
        if as_json:
            print(json.dumps(record, ensure_ascii=False))
            continue
        if record.get("type") == "accept":
            print(
                f"{record.get('time')}  {record.get('id')}  accept {record.get('candidate')}"
                f"  [{record.get('interface')}]"
            )
            continue
        cands = record.get("candidates", [])
        valid = sum(1 for c in cands if c.get("valid"))
        flags = " refused:" + str(record["refused"]) if record.get("refused") else ""
        flags += " cached" if record.get("cached") else ""
        print(
            f"{record.get('time')}  {record.get('id')}  [{record.get('interface')}] "
            f"{record.get('user')}: {record.get('description')!r}  "
            f"{valid}/{len(cands)} valid{flags}"
        )


def _export(log: Any, args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from codegen.errors import InputError, UsageError
    from codegen.store.export import accepted, sft_examples

    if args.format == "sft" and not args.accepted:
        raise UsageError("audit export: --format sft needs --accepted")
    if args.format == "sft":
        rows = sft_examples(log.records())
    elif args.accepted:
        rows = [{**req, "accepted": cand} for req, cand in accepted(log.records())]
    else:
        rows = list(log.records())
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    if args.output:
        from codegen.fsutil import atomic_write_text

        try:
            atomic_write_text(Path(args.output), text, mode=0o600)
        except OSError as exc:
            raise InputError(f"-o {args.output}: cannot write: {exc.strerror or exc}") from None
        import sys

        print(
            f"wrote {len(rows)} record{'s' if len(rows) != 1 else ''} to {args.output}",
            file=sys.stderr,
        )
    else:
        print(text, end="")
    return 0
