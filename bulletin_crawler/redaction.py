"""What of an address may be printed or logged: one place, so no command, log line or record
ever shows a password that another would have hidden."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_USER_PASSWORD = re.compile(r"(?<=://)([^:/@\s]+)?:[^@/\s]*@")
_PASSWORD_OPTION = re.compile(r"(?i)((?:password|passwd|pwd|secret|token)=)(?!\*\*\*)[^&\s'\"]*")


def redact(text: str) -> str:
    """A URI (or a message quoting one) with every password replaced: ``user:secret@`` and
    ``:secret@`` (Redis) and ``password=secret`` options alike."""
    text = _USER_PASSWORD.sub(lambda match: f"{match.group(1) or ''}:***@", text)
    return _PASSWORD_OPTION.sub(r"\1***", text)


def endpoint(url: str) -> str:
    """``scheme://host:port`` of a URL whose path or query may itself be the secret (a
    webhook's token, a node's API path): no user, no password, no path."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"
