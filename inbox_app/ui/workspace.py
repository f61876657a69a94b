"""What every widget of the workspace is handed: the services, the bridge, the agent."""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

from inbox_app.app import Services
from inbox_app.core.agents import AgentRow, acting_agent
from inbox_app.core.calls import CallService
from inbox_app.core.drafts import DraftService
from inbox_app.core.read.workspace import WorkspaceReads
from inbox_app.core.team.refusals import refusal
from inbox_app.core.vocab import Role
from inbox_app.sync.tasks import TaskGroup
from inbox_app.ui.event_bridge import Bridge

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class Workspace:
    services: Services
    bridge: Bridge
    agent: AgentRow | None
    tasks: TaskGroup = field(default_factory=TaskGroup)
    drafts: DraftService = field(init=False)
    calls: CallService = field(init=False)
    reads: WorkspaceReads = field(init=False)
    team_id: int | None = field(init=False, default=None)
    # Where unexpected failures of background work go (the crash dialog); None: only logged.
    report_error: Callable[..., None] | None = None
    # Set when the window closes: a timer that still fires then starts no read (there is
    # nothing left to show its answer, and the loop's executor may already be gone).
    closed: bool = field(init=False, default=False)
    # The admin's at-risk threshold (setting risk_threshold) as last read, for the "At risk"
    # view's filter; views_list.py reads it again with the view counts.
    risk_threshold: int = field(init=False, default=60)

    def __post_init__(self) -> None:
        if self.agent is not None and self.agent.team:
            self.team_id = next(
                (tid for tid, name in self.services.agents.teams() if name == self.agent.team), None
            )
        self.drafts = DraftService(self.services.factory)
        self.calls = CallService(self.services.factory, self.services.customers, self.services.bus)
        self.reads = WorkspaceReads(self.services.read_factory, self.services.queries)

    @property
    def agent_id(self) -> int | None:
        return self.agent.id if self.agent else None

    @property
    def actor(self) -> str | None:
        return self.agent.name if self.agent else None

    @property
    def is_lead(self) -> bool:
        return self.agent is None or self.agent.role in (Role.LEAD, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.agent is None or self.agent.role == Role.ADMIN

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        return self.tasks.spawn(coro, name)

    def call(
        self,
        fn: Callable[..., T],
        *args: Any,
        done: Callable[[T], object] | None = None,
        failed: Callable[[Exception], object] | None = None,
        task: str = "",
        **kwargs: Any,
    ) -> asyncio.Task[Any]:
        """Run a blocking service call in a worker thread; ``done``/``failed`` run on the GUI thread."""
        if self.closed:
            return asyncio.get_event_loop().create_task(asyncio.sleep(0), name=f"{task} (window closed)")
        # Handed to the worker now, not when the task first runs: that is only on the
        # loop's next turn, after whatever painting the same event set off.
        context = contextvars.copy_context()
        future = asyncio.get_event_loop().run_in_executor(
            None, functools.partial(context.run, fn, *args, **kwargs)
        )
        # A task cancelled before it awaited the job still takes its outcome, so a
        # failure nobody waits for any more is not reported as "never retrieved".
        future.add_done_callback(lambda f: f.cancelled() or f.exception())

        async def run() -> None:
            try:
                result = await future
            except Exception as exc:  # noqa: BLE001 - handed to the caller's failure path
                refused = refusal(exc)  # team mode: the database said no, in words; not a crash
                if refused is not None:
                    logger.warning("%s", refused)
                    if failed is not None:
                        _deliver(failed, refused)
                    elif self.report_error is not None:
                        self.report_error(type(refused), refused, None)
                    return
                if failed is None:
                    if self.report_error is not None:
                        self.report_error(type(exc), exc, exc.__traceback__)
                    raise
                _deliver(failed, exc)
                return
            if done is not None:
                _deliver(done, result)

        return self.spawn(run(), task or getattr(fn, "__name__", "call"))


def _deliver(callback: Callable[[Any], object], value: Any) -> None:
    try:
        callback(value)
    except RuntimeError as exc:
        if "already deleted" not in str(exc):
            raise
        # The widget that asked was closed meanwhile; nobody is left to tell.
        logger.debug("result for a closed widget dropped")


def pick_agent(services: Services, actor: str | None) -> AgentRow | None:
    """Who acts in this window (the core decides: the database login's agent, the one named,
    else the first admin); a name that could not be followed is only logged."""
    acting = acting_agent(services.agents, services.engine, actor, anyone=True)
    if acting.refused is not None and acting.agent is not None:
        logger.warning("this database login is %s's; not acting as %r", acting.agent.name, acting.refused)
    elif acting.refused is not None:
        logger.warning("no agent named %r; running as an unnamed local agent", acting.refused)
    return acting.agent
