"""`inbox-app approvals ...`: replies held for a lead, and the lead's decision on each."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from inbox_app.cli.actor import acting
from inbox_app.cli.output import CommandError, json_flag, out

if TYPE_CHECKING:
    from inbox_app.app import Services
    from inbox_app.cli.output import Commands
    from inbox_app.core.approvals import ApprovalRow


def register(sub: Commands) -> None:
    group = sub.add_parser("approvals", help="replies held for a lead's approval")
    group.set_defaults(handler=run)
    ap = group.add_subparsers(dest="action", required=True)
    p = ap.add_parser("list", help="the replies waiting for a lead, oldest first")
    json_flag(p)
    p = ap.add_parser("approve", help="send a held reply, as written or edited")
    p.add_argument("id", type=int, help="the id 'approvals list' shows")
    p.add_argument("--text-file", metavar="F", help="send this text instead (the original is kept)")
    json_flag(p)
    p = ap.add_parser("reject", help="keep a held reply from going; its author reads the reason")
    p.add_argument("id", type=int, help="the id 'approvals list' shows")
    p.add_argument("--reason", required=True, metavar="TEXT")
    json_flag(p)


def run(args: argparse.Namespace, s: Services) -> int:
    from inbox_app.core.approval_rules import rule_words

    if args.action == "list":
        rows = s.approvals.waiting()
        out(
            args,
            [r.to_json() for r in rows],
            "\n".join(_line(r, rule_words(r.rule)) for r in rows) or "no reply waits for approval",
        )
        return 0
    actor, _ = acting(args, s)
    if args.action == "approve":
        text = None
        if args.text_file:
            try:
                text = Path(args.text_file).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"cannot read {args.text_file}: {exc}")
        row = s.approvals.approve(args.id, actor=actor, text=text)
        edited = " with your edit" if row.edited_text is not None else ""
        out(
            args,
            row.to_json(),
            f"approved{edited}: reply {row.message_id} on case {row.case_id} is queued; "
            "'inbox-app sync --once' sends it",
        )
    else:
        row = s.approvals.reject(args.id, args.reason, actor=actor)
        out(args, row.to_json(), f"rejected: reply {row.message_id} on case {row.case_id} will not be sent")
    return 0


def _line(r: ApprovalRow, why: str) -> str:
    first = (r.text or "").strip().splitlines()[0][:60] if (r.text or "").strip() else ""
    return f"{r.id:>5}  case {r.case_id or '-':<6} {r.author or '-':24} {r.created_at:%Y-%m-%d %H:%M}  ({why})  {first}"
