"""Render screenshots of the main window on the demo data set: light and dark, English and Italian.

    python packaging/screenshots.py OUT_FOLDER [--size 1680x1000] [--readme PNG_PATH]

Each picture is drawn by a fresh process (language and palette are per process)
on the offscreen platform, or on the X display in DISPLAY (e.g. under xvfb-run).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

COMBINATIONS = [("light", "en"), ("dark", "en"), ("light", "it"), ("dark", "it")]


def render_one(out: Path, theme: str, lang: str, size: tuple[int, int]) -> Path:
    os.environ["INBOX_APP_THEME"] = theme
    os.environ["INBOX_APP_LANG"] = lang
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync

    from inbox_app.ui.launch import build_window, make_app, open_services

    app = make_app()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    services, folder = open_services(None, demo=True)
    window = build_window(services, None)
    window.resize(*size)
    window.show()
    window.default_splits(size[0])
    target = out / f"main-window-{theme}-{lang}.png"

    async def until(check, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                raise TimeoutError("the window did not fill in time")
            await asyncio.sleep(0.05)

    async def scenario() -> None:
        model = window.case_model
        await until(lambda: model.rowCount() > 0)
        best = 0
        for row in range(min(model.rowCount(), 60)):
            model.fetch_page_now(row)
            case = model.case_row(row)
            if case is not None and len(case.channels) >= 2 and case.status == "open":
                best = row
                break
        window.cases.select_row(best)
        await until(
            lambda: (
                window.case is not None
                and not window.timeline_model.loading
                and window.customer_panel.customer is not None
                and window.composer.account.count() > 0
            )
        )
        composer = window.composer
        await until(lambda: composer.template.count() > 1)
        if composer.templates:
            # show the per-channel preview with a template's channel variants
            channel = composer.current_candidate().account.channel if composer.current_candidate() else ""
            richest = max(composer.templates, key=lambda t: len(t.variants))
            composer.insert_template(richest, channel)
        await asyncio.sleep(0.6)
        window.timeline.scroll_to_end()
        await asyncio.sleep(0.3)
        window.grab().save(str(target), "PNG", 0)  # 0: smallest file
        await window.ws.tasks.cancel_all()

    with loop:
        loop.run_until_complete(scenario())
    window.ws.bridge.close()
    services.close()
    if folder is not None:
        folder.cleanup()
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--size", default="1680x1000")
    parser.add_argument(
        "--readme", type=Path, help="also write the light English picture here, in 256 colours (small)"
    )
    parser.add_argument("--one", nargs=2, metavar=("THEME", "LANG"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    width, height = (int(v) for v in args.size.split("x"))
    if args.one:
        print(render_one(args.out, args.one[0], args.one[1], (width, height)))
        return 0
    failed = 0
    for theme, lang in COMBINATIONS:
        result = subprocess.run(
            [sys.executable, __file__, str(args.out), "--size", args.size, "--one", theme, lang], check=False
        )
        failed += result.returncode != 0
    if args.readme and not failed:
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QImage

        image = QImage(str(args.out / "main-window-light-en.png"))
        flags = Qt.ImageConversionFlag.AvoidDither | Qt.ImageConversionFlag.ThresholdDither
        image.convertToFormat(QImage.Format.Format_Indexed8, flags).save(str(args.readme), "PNG", 0)
        print(args.readme)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    raise SystemExit(main())
