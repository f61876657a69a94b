"""Who a command acts as: the core decides, the command line words a refusal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from inbox_app.cli.output import CommandError

if TYPE_CHECKING:
    import argparse

    from inbox_app.app import Services


def local_user() -> str:
    """The audit trail's name for whoever runs a command as no agent."""
    import getpass

    return f"cli:{getpass.getuser()}"


def acting(args: argparse.Namespace, services: Services) -> tuple[str, int | None]:
    """The audit name and agent id of who runs this command (``--as``, or the database login)."""
    from inbox_app.core.agents import acting_agent

    who = acting_agent(services.agents, services.engine, args.actor, anyone=False)
    if who.refused is not None:
        if who.agent is not None:
            raise CommandError(f"this database login is {who.agent.name}'s; it cannot act as {who.refused!r}")
        raise CommandError(f"no agent named {who.refused!r} (see 'inbox-app agents list')")
    if who.agent is not None:
        return who.agent.name, who.agent.id
    return local_user(), None
