"""`inbox-app accounts add KIND NAME --oauth` and `accounts set NAME --oauth`: an account
signed in through its provider's page instead of a pasted secret.

The authorization URL goes alone on a line of standard output (a script or a person on
another machine opens it); everything else is said on standard error. The command waits
for the browser to come back to the loopback address, then saves the account with the
grant in the keyring.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from inbox_app.cli.output import CommandError

if TYPE_CHECKING:
    from inbox_app.app import Services
    from inbox_app.core.signin import SignedIn


def sign_in(
    s: Services, kind: str, settings: Mapping[str, Any], client_secret: str | None, *, browser: bool
) -> SignedIn:
    """Run the sign-in to its end; the connector's errors in words otherwise."""
    from inbox_app.core.signin import SignInError, open_browser

    async def flow() -> SignedIn:
        try:
            pending = await s.signin.start(kind, settings, client_secret)
        except SignInError as exc:
            raise CommandError(str(exc))
        try:
            who = pending.provider
            print(pending.url, flush=True)
            if browser and open_browser(pending.url):
                sys.stderr.write(f"opened the browser to sign in with {who}; waiting for it to come back\n")
            else:
                sys.stderr.write(
                    f"open the address above in a browser on this computer to sign in with {who}; "
                    "waiting for it to come back\n"
                )
            sys.stderr.flush()
            return await pending.finish()
        finally:
            pending.cancel()

    return asyncio.run(flow())


def signed_in_words(done: SignedIn) -> str:
    return f", signed in as {done.identity}" if done.identity else ", signed in"


def chosen(done: SignedIn, given: Mapping[str, Any]) -> dict[str, str]:
    """Settings the sign-in offers to pick from (a Google manager's locations) and the
    admin did not give: taken when there is one; listed, and the command stops, when there
    are several."""
    picked: dict[str, str] = {}
    for key, options in done.choices.items():
        if given.get(key) or not options:
            continue
        if len(options) == 1:
            picked[key] = options[0][0]
            sys.stderr.write(f"{key}: {options[0][0]} ({options[0][1]}), the only one this sign-in reaches\n")
            continue
        listed = "\n".join(f"    {value}  {words}" for value, words in options)
        raise CommandError(
            f"this sign-in reaches several; choose one with --set {key}=... and run again:\n{listed}"
        )
    return picked
