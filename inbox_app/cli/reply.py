"""`inbox-app reply CASE`: queue a reply (sent by the next sync) or add an internal note."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from inbox_app.cli.actor import acting
from inbox_app.cli.output import EXIT_HELD, CommandError, json_flag, out

if TYPE_CHECKING:
    from inbox_app.app import Services
    from inbox_app.cli.output import Commands
    from inbox_app.core.outbox.queue import ReplyHeld


def register(sub: Commands) -> None:
    p = sub.add_parser("reply", help="queue a reply (or an internal note) on a case")
    p.set_defaults(handler=run)
    p.add_argument("case", type=int)
    text = p.add_mutually_exclusive_group()
    text.add_argument("--text")
    text.add_argument("--text-file", metavar="F")
    p.add_argument("--account", metavar="NAME")
    p.add_argument("--note", action="store_true", help="an internal note, never sent")
    p.add_argument(
        "--attach",
        metavar="FILE",
        action="append",
        default=[],
        help="send this file with the reply (repeat for more; needs a channel that carries files)",
    )
    p.add_argument(
        "--after",
        type=int,
        metavar="MESSAGE_ID",
        help="the newest message you saw (newest_message_id in 'cases show ID --json'): the reply is "
        "held, with exit code 3, if the customer or a colleague wrote on the case since",
    )
    p.add_argument("--force", action="store_true", help="with --after: send even if newer messages arrived")
    json_flag(p)


def run(args: argparse.Namespace, s: Services) -> int:
    _, agent_id = acting(args, s)
    if args.text_file:
        try:
            text = Path(args.text_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {args.text_file}: {exc}")
    else:
        text = args.text or ""
    if args.text is None and not args.text_file and not args.attach:
        raise CommandError("say what to send: --text T, --text-file F or --attach FILE")
    from inbox_app.core.outbox.files import ReplyFileError, read_files

    try:
        files = read_files(args.attach)
    except ReplyFileError as exc:
        raise CommandError(str(exc))
    from inbox_app.core.outbox.queue import ReplyHeld

    try:
        message_id = s.outbox.queue_reply(
            args.case,
            text,
            account=args.account,
            note=args.note,
            agent_id=agent_id,
            attachments=files,
            after=args.after,
            force=args.force,
        )
    except ReplyHeld as held:
        _say_held(args, held)
        return EXIT_HELD
    row = s.queries.message(message_id)
    if row.delivery == "awaiting_approval":
        out(
            args,
            row.to_json(),
            f"reply held as message {message_id} on {row.account}: it waits for a lead's approval "
            "('inbox-app approvals list')",
        )
        return 0
    out(
        args,
        row.to_json(),
        f"{'note added' if args.note else 'reply queued'} as message {message_id}"
        + ("" if args.note else f" on {row.account}; 'inbox-app sync --once' sends it"),
    )
    return 0


def _say_held(args: argparse.Namespace, held: ReplyHeld) -> None:
    """Each newer message on stderr (its id, who, when, the first words); JSON on stdout with --json."""
    import sys

    if getattr(args, "json", False):
        out(
            args,
            {
                "held": True,
                "case_id": held.case_id,
                "after": held.after,
                "newer": [m.to_json() for m in held.newer],
            },
            "",
        )
    count = "a message" if len(held.newer) == 1 else f"{len(held.newer)} messages"
    lines = [
        f"inbox-app: reply held, nothing queued: {count} arrived on case {held.case_id} after message {held.after}:"
    ]
    kinds = {"in": "from {who} (customer)", "out": "reply by {who}", "note": "note by {who}"}
    for m in held.newer:
        who = kinds.get(m.direction, "from {who}").format(who=m.who or "?")
        lines.append(f'  message {m.id}, {who}, {m.channel}, {m.sent_at:%Y-%m-%d %H:%M}: "{m.first_words()}"')
    lines.append(
        f"Read them ('inbox-app cases show {held.case_id}'), then reply with --after {held.newer[-1].id}, "
        "or add --force to send it as it is."
    )
    print("\n".join(lines), file=sys.stderr)
