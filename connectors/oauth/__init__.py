"""OAuth 2 sign-in for the channels that want it (email at Google and Microsoft, servers
announcing OAUTHBEARER, Google Business Profile, Mastodon).

The authorization-code flow with PKCE (RFC 7636, S256) on a loopback redirect (RFC 8252):
the system browser opens the provider's page and comes back to
``http://127.0.0.1:PORT/`` on a port chosen at random, where a tiny server of ours takes
the code, checks the state and exchanges the code for tokens. No embedded browser ever
sees the admin's password.

The tokens (a :class:`Grant`) travel as the account's secret, so they live in the keyring
only; a refreshed grant is handed to the application through the connector's
``on_credentials`` (see ``connectors.base.KeepsTokens``) and kept there too. Everything
here speaks in the connectors' typed errors and never puts a token in a message.
"""

from __future__ import annotations

from .grant import (
    AUTHORIZE_URL,
    CLIENT_ID,
    CLIENT_SECRET,
    PROVIDERS,
    REFRESH_MARGIN,
    SCOPE,
    TOKEN_URL,
    Grant,
    OAuthConfig,
    Provider,
    identity_of,
    newer,
    pkce_pair,
)
from .loopback import SignIn, SignInPlan, open_browser
from .tokens import TokenSource, refresh

__all__ = [
    "AUTHORIZE_URL",
    "CLIENT_ID",
    "CLIENT_SECRET",
    "PROVIDERS",
    "REFRESH_MARGIN",
    "SCOPE",
    "TOKEN_URL",
    "Grant",
    "OAuthConfig",
    "Provider",
    "SignIn",
    "SignInPlan",
    "TokenSource",
    "identity_of",
    "newer",
    "open_browser",
    "pkce_pair",
    "refresh",
]
