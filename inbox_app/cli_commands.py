"""The headless subcommands of `inbox-app`, each a thin layer over the services."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import logging
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from connectors.base import ConnectorError
from inbox_app.app import Services, build
from inbox_app.cli import EXIT_ERROR, EXIT_NOT_PERMITTED, EXIT_SYNC_FAILED, EXIT_UNEXPECTED

logger = logging.getLogger(__name__)


class CommandError(Exception):
    """A command cannot do what was asked; printed as one line."""


def _errors() -> tuple[type[BaseException], ...]:
    from inbox_app.core.accounts import AccountError
    from inbox_app.core.agents import AgentError
    from inbox_app.core.cases import CaseError
    from inbox_app.core.customers.service import CustomerError
    from inbox_app.core.ingest.service import IngestError
    from inbox_app.core.outbox.queue import ReplyError
    from inbox_app.core.read.queries import NotFound
    from inbox_app.core.read.search import SearchError
    from inbox_app.core.secrets import SecretStoreError
    from inbox_app.core.store.database import StoreError
    from inbox_app.core.team.roles import RolesError

    return (
        CommandError,
        AccountError,
        AgentError,
        CaseError,
        CustomerError,
        StoreError,
        RolesError,
        IngestError,
        ReplyError,
        NotFound,
        SearchError,
        SecretStoreError,
        ConnectorError,
    )


def run(args: argparse.Namespace) -> int:
    known = _errors()
    try:
        return _dispatch(args)
    except known as exc:
        print(f"inbox-app: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("inbox-app: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - never a traceback on the terminal
        from sqlalchemy.exc import OperationalError, SQLAlchemyError

        from inbox_app.core.team.refusals import refusal

        refused = refusal(exc)  # team mode: the database said no to this login
        if refused is not None:
            logger.warning("command %s: %s", args.command, refused)
            print(f"inbox-app: error: {refused}", file=sys.stderr)
            return EXIT_NOT_PERMITTED
        logger.exception("command %s failed", args.command)
        if isinstance(exc, OperationalError):
            print(
                f"inbox-app: error: the database cannot be reached or used: "
                f"{str(exc.orig).splitlines()[0] if exc.orig else exc}",
                file=sys.stderr,
            )
            return EXIT_ERROR
        if isinstance(exc, SQLAlchemyError):
            print(f"inbox-app: error: database error: {type(exc).__name__}", file=sys.stderr)
            return EXIT_ERROR
        print(
            f"inbox-app: unexpected error ({type(exc).__name__}: {exc}); details are in the log file",
            file=sys.stderr,
        )
        return EXIT_UNEXPECTED


def _out(args: argparse.Namespace, data: Any, text: str) -> None:
    if getattr(args, "json", False):
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print(text)


def _actor(args: argparse.Namespace, services: Services) -> tuple[str, int | None]:
    from inbox_app.core.team.roles import login_agent_id

    login = login_agent_id(services.engine)  # team mode: an agent's own database login
    if login is not None:
        agent = next((a for a in services.agents.list() if a.id == login), None)
        if agent is not None:
            if args.actor and args.actor not in (agent.name, agent.email):
                raise CommandError(f"this database login is {agent.name}'s; it cannot act as {args.actor!r}")
            return agent.name, agent.id
    if args.actor:
        agent = services.agents.find(args.actor)
        if agent is None:
            raise CommandError(f"no agent named {args.actor!r} (see 'inbox-app agents list')")
        return agent.name, agent.id
    return f"cli:{getpass.getuser()}", None


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "db":
        return _db(args)
    services = build(args.database)
    try:
        handler = globals()[f"_cmd_{args.command}"]
        return int(handler(args, services) or 0)
    finally:
        services.close()


def _db(args: argparse.Namespace) -> int:
    from inbox_app.core.store import database as db

    engine = db.open_engine(args.database or __import__("inbox_app.paths").paths.default_database_url())
    try:
        if args.action == "roles":
            from inbox_app.cli_roles import db_roles_command

            return db_roles_command(args, engine, args.actor or f"cli:{getpass.getuser()}")
        if args.action == "compact":
            before, after = db.compact(engine)
            _out(args, {"before": before, "after": after}, _compacted(before, after))
            return 0
        if args.action == "upgrade":
            from inbox_app.core.team import roles as db_roles

            before = db.current_revision(engine)
            db.upgrade(engine)
            after = db.current_revision(engine)
            # Team mode: tables the upgrade added get their rights at once.
            refreshed = db_roles.is_set_up(engine)
            if refreshed:
                db_roles.setup(engine)
            _out(
                args,
                {"from": before, "to": after} | ({"roles_refreshed": True} if refreshed else {}),
                f"database schema at {after}"
                + ("" if before == after else f" (was {before or 'empty'})")
                + ("; group rights refreshed" if refreshed else ""),
            )
        else:
            current, head = db.current_revision(engine), db.head_revision(engine)
            _out(args, {"current": current, "head": head}, f"schema {current or 'empty'}; newest {head}")
    except Exception as exc:
        from sqlalchemy.exc import OperationalError

        if isinstance(exc, OperationalError):
            raise CommandError(f"the database cannot be reached: {str(exc.orig).splitlines()[0]}")
        raise
    finally:
        engine.dispose()
    return 0


def _compacted(before: int | None, after: int | None) -> str:
    if before is None or after is None:
        return "store compacted"
    return f"store compacted: {before / 1e6:,.1f} MB -> {after / 1e6:,.1f} MB"


# ------------------------------------------------------------------ accounts


def _parse_settings(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise CommandError(f"--set takes KEY=VALUE, not {pair!r}")
        out[key.strip()] = value
    return out


def _read_secret(args: argparse.Namespace) -> str | None:
    if not getattr(args, "secret_stdin", False):
        return None
    secret = sys.stdin.readline().rstrip("\r\n")
    if not secret:
        raise CommandError("--secret-stdin was given but standard input was empty")
    return secret


def _cmd_accounts(args: argparse.Namespace, s: Services) -> int:
    actor, _ = _actor(args, s)
    if args.action == "add":
        row = s.accounts.add(
            args.kind, args.name, _parse_settings(args.settings), _read_secret(args), actor=actor
        )
        _out(args, row.to_json(), f"added {row.kind} account {row.name!r}")
    elif args.action == "set":
        row = s.accounts.update_settings(
            args.name, _parse_settings(args.settings), _read_secret(args), actor=actor
        )
        _out(args, row.to_json(), f"updated account {row.name!r}")
    elif args.action == "list":
        rows = s.accounts.list()
        lines = [
            f"{r.name:20} {r.kind:10} {'enabled' if r.enabled else 'disabled':9} "
            f"{r.status:11} {r.last_sync_at.isoformat(timespec='seconds') if r.last_sync_at else '-':26}"
            f"{r.last_error or ''}"
            for r in rows
        ]
        _out(args, [r.to_json() for r in rows], "\n".join(lines) or "no channel accounts yet")
    elif args.action == "test":
        asyncio.run(s.supervisor().check(args.name))
        _out(args, {"name": args.name, "ok": True}, f"account {args.name!r}: connection works")
    elif args.action == "remove":
        s.accounts.remove(args.name, actor=actor)
        print(f"removed account {args.name!r}; its conversations stay in the store")
    elif args.action in ("enable", "disable"):
        s.accounts.set_enabled(args.name, args.action == "enable", actor=actor)
        print(f"account {args.name!r} {args.action}d")
    elif args.action == "kinds":
        for kind, cls in sorted(s.registry.items()):
            print(f"{kind} ({cls.channel})")
            for spec in cls.settings_schema:
                flag = " (required)" if spec.required else ""
                print(f"    {spec.key}{flag}: {spec.help}")
            if cls.needs_secret:
                print(f"    secret (--secret-stdin): {getattr(cls, 'secret_help', 'the password or token')}")
            print(f"    replies: {_replies_words(cls.capabilities)}")
    return 0


REASON_WORDS = {"same_name": "same name", "same_address_name": "same mailbox name"}


def _replies_words(caps: Any) -> str:
    """What a channel's replies can be, for an admin choosing accounts."""
    unit = "bytes" if caps.length_unit == "bytes" else "characters"
    length = f"up to {caps.max_length:,} {unit}" if caps.max_length else "any length"
    if caps.max_length and caps.split_long:
        length += " a message (longer ones go in parts)"
    if not caps.attachments:
        files = "no files"
    elif caps.attachment_types:
        files = "files: " + caps.attachment_kinds()
    else:
        files = "files of any kind"
    if caps.attachments and caps.max_attachments:
        files += f" ({caps.max_attachments} at most)"
    return f"{length}; {files}" + ("; public" if caps.public else "")


def _cmd_sync(args: argparse.Namespace, s: Services) -> int:
    from inbox_app.core.team.roles import require_sync

    require_sync(s.engine)
    supervisor = s.supervisor()
    if args.once:
        reports = asyncio.run(supervisor.run_once(args.account))
        failed = [r for r in reports if r.error]
        lines = [
            f"{r.account}: {r.stored} new, {r.duplicates} already stored, {r.updated} updated, "
            f"{r.quarantined} quarantined, {r.sent} sent, {r.retrying} to retry, "
            f"{r.failed} failed" + (f" -- ERROR: {r.error}" if r.error else "")
            for r in reports
        ]
        _out(args, [r.to_json() for r in reports], "\n".join(lines) or "no enabled channel accounts")
        for r in failed:
            print(f"inbox-app: error: account {r.account}: {r.error}", file=sys.stderr)
        return EXIT_SYNC_FAILED if failed else 0
    from inbox_app.sync.worker import run_worker

    return run_worker(s, args.account)


# ------------------------------------------------------------------ customers and cases


def _cmd_customers(args: argparse.Namespace, s: Services) -> int:
    actor, _ = _actor(args, s)
    if args.action == "list":
        rows = s.queries.customers(limit=args.limit, text=args.search)
        _out(
            args,
            [r.to_json() for r in rows],
            "\n".join(
                f"{r.id:6}  {r.name:30} {', '.join(i.value for i in r.identities):50} "
                f"open cases: {', '.join(map(str, r.open_case_ids)) or '-'}"
                for r in rows
            )
            or "no customers",
        )
    elif args.action == "show":
        row = s.queries.customer(args.id)
        if row.merged_into_id:
            raise CommandError(f"customer {args.id} was merged into {row.merged_into_id}")
        timeline = s.queries.timeline(args.id)
        data = row.to_json() | {"timeline": [m.to_json() for m in timeline]}
        text = [f"{row.name} (customer {row.id})"]
        text += [f"  {i.kind}: {i.value}" for i in row.identities]
        text += [f"  open cases: {', '.join(map(str, row.open_case_ids)) or '-'}", ""]
        text += [_message_line(m) for m in timeline]
        _out(args, data, "\n".join(text))
    elif args.action == "merge":
        merge_id = s.customers.merge(args.source, args.target, actor=actor)
        print(
            f"merged customer {args.source} into {args.target} (merge {merge_id}; "
            f"undo with 'inbox-app customers unmerge --merge {merge_id}')"
        )
    elif args.action == "unmerge":
        if args.id is None and args.merge_id is None:
            raise CommandError("say which merge to undo: a customer id or --merge ID")
        source, target = s.customers.unmerge(merge_id=args.merge_id, customer_id=args.id, actor=actor)
        print(f"customer {source} is separate from {target} again")
    elif args.action == "similar":
        similar = s.queries.similar_customers(args.id)
        _out(
            args,
            [c.to_json() for c in similar],
            "\n".join(
                f"{c.customer.id:6}  {c.customer.name:30} {', '.join(i.value for i in c.customer.identities):50} "
                f"{REASON_WORDS.get(c.reason, c.reason)}; "
                f"open cases: {', '.join(map(str, c.customer.open_case_ids)) or '-'}"
                for c in similar
            )
            or f"no other customer looks like customer {args.id}",
        )
    elif args.action == "distinguish":
        if s.customers.distinguish(args.first, args.second, actor=actor):
            print(f"customers {args.first} and {args.second} are two people: not suggested as one again")
        else:
            print(f"customers {args.first} and {args.second} were already told apart")
    elif args.action == "add-identity":
        norm = s.customers.add_identity(args.id, args.kind, args.value, actor=actor)
        print(f"customer {args.id} has {args.kind} {norm}")
    return 0


def _message_line(m: Any, words: str | None = None) -> str:
    """One message on one line: its first line, or, with ``words``, where they are found."""
    arrow = {"in": "<-", "out": "->", "note": "##"}.get(m.direction, "  ")
    state = f" [{m.delivery}{': ' + m.error if m.error else ''}]" if m.delivery else ""
    if words is not None:
        from inbox_app.core.read.search import highlight_spans, snippet

        body = m.text or ""
        if m.subject and not highlight_spans(body, words):
            body = f"{m.subject} — {body}"  # the words are in the subject
        first = snippet(body, words, width=90)
    else:
        first = (m.text or "").strip().splitlines()[0][:90] if (m.text or "").strip() else ""
    attachments = getattr(m, "attachments", None) or ()
    files = f" (files: {', '.join(a.filename for a in attachments)})" if attachments else ""
    return f"{m.sent_at:%Y-%m-%d %H:%M} {arrow} {m.channel:6} {m.sender or '':28} {first}{files}{state}"


def _cmd_cases(args: argparse.Namespace, s: Services) -> int:
    from inbox_app.core.read.queries import CaseFilter

    actor, _ = _actor(args, s)
    if args.action == "list":
        assignee_id = None
        if args.assignee:
            agent = s.agents.find(args.assignee)
            if agent is None:
                raise CommandError(f"no agent named {args.assignee!r}")
            assignee_id = agent.id
        flt = CaseFilter(
            status=(args.status,) if args.status else None,
            assignee_id=assignee_id,
            unassigned=args.unassigned,
            customer_id=args.customer,
        )
        rows = s.queries.cases(flt, limit=args.limit)
        _out(
            args,
            [r.to_json() for r in rows],
            "\n".join(
                f"{r.id:6} {r.status:9} {r.priority:7} {r.customer_name[:24]:24} "
                f"{','.join(r.channels):12} {r.assignee or '-':14} {(r.subject or '')[:60]}"
                for r in rows
            )
            or "no cases",
        )
    elif args.action == "show":
        row = s.queries.case(args.id)
        messages = s.queries.case_messages(args.id)
        _out(
            args,
            row.to_json() | {"messages": [m.to_json() for m in messages]},
            "\n".join(
                [
                    f"case {row.id}: {row.subject or ''}",
                    f"  customer {row.customer_id} {row.customer_name}; {row.status}, "
                    f"{row.priority}; assignee {row.assignee or '-'}",
                    "",
                ]
                + [_message_line(m) for m in messages]
            ),
        )
    elif args.action == "assign":
        who = None if args.agent.lower() == "none" else args.agent
        s.cases.assign(args.id, who, actor=actor)
        print(f"case {args.id} {'unassigned' if who is None else 'assigned to ' + who}")
    elif args.action == "status":
        until = None
        if args.until:
            try:
                until = datetime.fromisoformat(args.until)
            except ValueError:
                raise CommandError(
                    f"--until takes an ISO time such as 2026-12-01T09:00+01:00, not {args.until!r}"
                )
            if until.tzinfo is None:
                until = until.astimezone()
        s.cases.set_status(args.id, args.status, until=until, actor=actor)
        print(f"case {args.id} is {args.status}")
    elif args.action == "priority":
        s.cases.set_priority(args.id, args.priority, actor=actor)
        print(f"case {args.id} has priority {args.priority}")
    return 0


def _cmd_reply(args: argparse.Namespace, s: Services) -> int:
    _, agent_id = _actor(args, s)
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
    message_id = s.outbox.queue_reply(
        args.case, text, account=args.account, note=args.note, agent_id=agent_id, attachments=files
    )
    row = s.queries.message(message_id)
    _out(
        args,
        row.to_json(),
        f"{'note added' if args.note else 'reply queued'} as message {message_id}"
        + ("" if args.note else f" on {row.account}; 'inbox-app sync --once' sends it"),
    )
    return 0


def _cmd_search(args: argparse.Namespace, s: Services) -> int:
    rows = s.search.search(args.query, limit=args.limit)
    _out(
        args,
        [r.to_json(with_customer=True) for r in rows],
        "\n".join(
            f"case {r.case_id or '-':>5} customer {r.customer_id:>5}  " + _message_line(r, args.query)
            for r in rows
        )
        or "no matches",
    )
    return 0


def _cmd_quarantine(args: argparse.Namespace, s: Services) -> int:
    from sqlalchemy import select

    from inbox_app.core.store.models import ChannelAccount, QuarantineItem

    if args.action == "list":
        with s.factory() as session:
            rows = session.execute(
                select(QuarantineItem, ChannelAccount.name)
                .outerjoin(ChannelAccount, ChannelAccount.id == QuarantineItem.account_id)
                .where(QuarantineItem.resolved_at.is_(None))
                .order_by(QuarantineItem.id)
            ).all()
        data = [
            {
                "id": q.id,
                "account": name,
                "external_id": q.external_id,
                "reason": q.reason,
                "received_at": q.received_at.isoformat(),
            }
            for q, name in rows
        ]
        _out(
            args,
            data,
            "\n".join(
                f"{d['id']:5} {d['account'] or '-':16} {d['external_id'][:40]:40} {d['reason']}" for d in data
            )
            or "quarantine is empty",
        )
    else:
        with s.factory() as session:
            account_id = session.scalar(select(QuarantineItem.account_id).where(QuarantineItem.id == args.id))
        parser = None
        if account_id is not None:
            try:  # the channel's own parser reads raw-only items again
                connector = s.supervisor().build_connector(s.accounts.get_by_id(account_id))
                parser = getattr(connector, "parse_raw", None)
            except ConnectorError:
                parser = None
        result = s.ingest.retry_quarantined(args.id, parser)
        print(f"stored quarantined item {args.id} ({result.stored} new message(s))")
    return 0


def _cmd_agents(args: argparse.Namespace, s: Services) -> int:
    actor, _ = _actor(args, s)
    if args.action in ("login", "role"):
        from inbox_app.cli_roles import agents_command

        return agents_command(args, s, actor)
    if args.action == "add":
        row = s.agents.add(args.name, args.email, args.role, args.team, actor=actor)
        _out(args, row.to_json(), f"added {row.role} {row.name} <{row.email}>")
    else:
        rows = s.agents.list()
        _out(
            args,
            [r.to_json() for r in rows],
            "\n".join(f"{r.name:24} {r.email:32} {r.role:6} {r.team or '-'}" for r in rows)
            or "no agents yet",
        )
    return 0


def _cmd_teams(args: argparse.Namespace, s: Services) -> int:
    actor, _ = _actor(args, s)
    if args.action == "add":
        team_id, name = s.agents.add_team(args.name, actor=actor)
        _out(args, {"id": team_id, "name": name}, f"added team {name}")
    else:
        people = s.agents.list()
        teams = [(tid, name, [a.name for a in people if a.team == name]) for tid, name in s.agents.teams()]
        _out(
            args,
            [{"id": tid, "name": name, "agents": members} for tid, name, members in teams],
            "\n".join(f"{name:24} {', '.join(members) or '-'}" for _tid, name, members in teams)
            or "no teams yet",
        )
    return 0


def _cmd_export(args: argparse.Namespace, s: Services) -> int:
    data = s.customers.export(args.customer)
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"exported customer {args.customer} to {args.output}")
    else:
        print(text)
    return 0


def _cmd_erase(args: argparse.Namespace, s: Services) -> int:
    if not args.yes:
        raise CommandError("erasing cannot be undone; add --yes to confirm")
    actor, _ = _actor(args, s)
    counts = s.customers.erase(args.customer, actor=actor)
    print(f"erased customer {args.customer}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return 0


def _cmd_demo(args: argparse.Namespace, s: Services) -> int:
    from inbox_app.demo import seed

    summary = seed(s, customers=args.customers)
    _out(args, summary, "demo data: " + ", ".join(f"{v} {k}" for k, v in summary.items()))
    return 0


def _cmd_settings(args: argparse.Namespace, s: Services) -> int:
    from dataclasses import asdict, fields

    from inbox_app.core.store.settings import StoreSettings

    if args.action == "list":
        with s.factory() as session:
            current = asdict(StoreSettings.load(session))
        _out(args, current, "\n".join(f"{k} = {v}" for k, v in current.items()))
        return 0
    types = {f.name: f.type for f in fields(StoreSettings)}
    if args.key not in types:
        raise CommandError(f"unknown setting {args.key!r}; known: {', '.join(types)}")
    value: object = args.value
    if "int" in str(types[args.key]):
        try:
            value = int(args.value)
        except ValueError:
            raise CommandError(f"{args.key} takes a whole number, not {args.value!r}")
        if value < 0:
            raise CommandError(f"{args.key} cannot be negative")
    elif args.value.lower() in ("", "none", "null"):
        value = None
    actor, _ = _actor(args, s)
    from inbox_app.core import audit

    with s.factory() as session, session.begin():
        StoreSettings.save(session, args.key, value)
        audit.record(session, actor, "setting.changed", "setting", None, key=args.key, value=value)
    print(f"{args.key} = {value}")
    return 0
