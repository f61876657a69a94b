"""Settings, Teams tab: an admin turns a team's satisfaction question on, with its delay and period.

The same settings as ``inbox-app teams set TEAM --csat on|off --csat-delay 1h --csat-every 30d``
(core/voice/csat_settings.py). The delay is set in minutes (0: at the next sync round), the
period in days; a value set from the command line that is not a whole number of them is
shown rounded and kept unless the admin changes that field.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QHBoxLayout, QPushButton, QSpinBox, QWidget

from inbox_app.core.agents import TeamRow
from inbox_app.ui.workspace import Workspace

MINUTE, DAY = 60, 86400


class TeamCsatForm(QGroupBox):
    """Satisfaction questions of the team chosen in the list above."""

    saved = Signal(str)  # what was set, in words
    failed = Signal(str)

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = ws
        self._team: TeamRow | None = None
        self._shown: tuple[int, int] = (0, 0)  # the spin boxes' values as shown for the team
        form = QFormLayout(self)
        self.enabled = QCheckBox(self.tr("Ask customers how satisfied they are"), self)
        self.enabled.setToolTip(
            self.tr(
                "After a case is resolved its customer is asked once, on their own channel, to "
                "answer with a number from 1 to 5; no links"
            )
        )
        self.delay = QSpinBox(self)
        self.delay.setAccessibleName(self.tr("Ask after"))
        self.delay.setRange(0, 366 * 24 * 60)
        self.delay.setSpecialValueText(self.tr("At once"))  # 0: at the next sync round
        self.delay.setSuffix(self.tr(" minutes after resolving"))
        self.delay.setToolTip(self.tr("The case must still be resolved then"))
        self.every = QSpinBox(self)
        self.every.setAccessibleName(self.tr("Ask a customer at most every"))
        self.every.setRange(1, 366)
        self.every.setSuffix(self.tr(" days"))
        self.every.setToolTip(self.tr("A customer asked within this time is not asked again"))
        self.save = QPushButton(self.tr("Save satisfaction"), self)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save)
        form.addRow(self.enabled)
        form.addRow(self.tr("Ask after"), self.delay)
        form.addRow(self.tr("At most every"), self.every)
        form.addRow(buttons)
        self.save.clicked.connect(self._save)
        self.show_team(None)
        if not ws.is_admin:
            self.setEnabled(False)
            self.setToolTip(self.tr("Only admins change satisfaction questions"))

    def show_team(self, team: TeamRow | None) -> None:
        self._team = team
        self.save.setEnabled(team is not None)
        if team is None:
            self.setTitle(self.tr("Satisfaction"))
            return
        self.setTitle(self.tr("Satisfaction questions of {team}").format(team=team.name))
        self.enabled.setChecked(team.csat)
        self.delay.setValue(round(team.csat_delay / MINUTE))
        self.every.setValue(max(1, round(team.csat_every / DAY)))
        self._shown = (self.delay.value(), self.every.value())

    def _save(self) -> None:
        team = self._team
        if team is None:
            return
        delay = self.delay.value() * MINUTE if self.delay.value() != self._shown[0] else None
        every = self.every.value() * DAY if self.every.value() != self._shown[1] else None

        def done(row: dict[str, Any]) -> None:
            if not row["csat"]:
                words = self.tr("{team}: satisfaction questions off.").format(team=row["name"])
            else:
                words = self.tr(
                    "{team}: satisfaction asked {minutes} min after resolving, at most every {days} days."
                )
                words = words.format(
                    team=row["name"],
                    minutes=round(row["csat_delay"] / MINUTE),
                    days=round(row["csat_every"] / DAY),
                )
            self.saved.emit(words)

        self._ws.call(
            self._ws.services.csat_settings.set_team,
            team.name,
            enabled=self.enabled.isChecked(),
            delay=delay,
            every=every,
            actor=self._ws.actor,
            task="team satisfaction",
            done=done,
            failed=lambda exc: self.failed.emit(str(exc)),
        )
