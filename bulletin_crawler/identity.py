"""How the crawler names itself to the sites it reads: the project, its version and who runs it
(``BULLETIN_CONTACT``, an e-mail address or a URL), so a site's administrator can write to a
person instead of blocking an anonymous robot."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bulletin_crawler import __version__

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


def user_agent(contact: str = "", purpose: str = "regional news archive") -> str:
    return (f"bulletin_crawler/{__version__} ({purpose}"
            + (f"; contact: {contact}" if contact else "") + ")")


class ContactAddon:
    """Builds ``USER_AGENT`` from ``BULLETIN_CONTACT`` as the crawl finally has it (environment,
    ``-s``, a Scrapyd job's setting); a ``USER_AGENT`` an operator set by hand is kept."""

    def update_settings(self, settings: BaseSettings) -> None:
        # at the add-on's priority: a USER_AGENT set on the command line or per site wins
        settings.set("USER_AGENT", user_agent(settings.get("BULLETIN_CONTACT") or ""), "addon")
