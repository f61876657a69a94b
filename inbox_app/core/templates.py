"""Canned replies with variables and per-channel variants."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from inbox_app.core.store.models import Template

_VAR = re.compile(r"\{([a-z_]+)\.([a-z_]+)\}")


class TemplateError(Exception):
    pass


@dataclass(frozen=True)
class TemplateRow:
    id: int
    name: str
    body: str
    variants: dict[str, str] = field(default_factory=dict)
    shortcut: str | None = None

    def body_for(self, channel: str) -> str:
        return self.variants.get(channel) or self.body


def render(text: str, values: dict[str, dict[str, Any]]) -> str:
    """Fill {customer.first_name}, {agent.name}, {case.id}...; unknown variables stay visible."""

    def sub(match: re.Match[str]) -> str:
        value = values.get(match.group(1), {}).get(match.group(2))
        return match.group(0) if value in (None, "") else str(value)

    return _VAR.sub(sub, text)


class TemplateService:
    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory

    def list(self) -> list[TemplateRow]:
        with self._factory() as s:
            return [
                TemplateRow(t.id, t.name, t.body, dict(t.variants or {}), t.shortcut)
                for t in s.scalars(select(Template).order_by(Template.name))
            ]

    def save(
        self, name: str, body: str, variants: dict[str, str] | None = None, shortcut: str | None = None
    ) -> TemplateRow:
        if not name.strip() or not body.strip():
            raise TemplateError("a template needs a name and a text")
        with self._factory() as s, s.begin():
            row = s.scalar(select(Template).where(Template.name == name))
            if row is None:
                row = Template(name=name, body=body, variants=variants or {}, shortcut=shortcut)
                s.add(row)
            else:
                row.body, row.variants, row.shortcut = body, variants or {}, shortcut
            s.flush()
            return TemplateRow(row.id, row.name, row.body, dict(row.variants), row.shortcut)
