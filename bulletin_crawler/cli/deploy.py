"""``bulletin deploy [TARGET]``: upload the project to a Scrapyd node named by a scrapy.cfg
``[deploy]`` / ``[deploy:TARGET]`` section, as scrapyd-deploy does, without building files in
the working tree."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bulletin_crawler.runner import EXIT_BAD_INPUT, project_settings


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("deploy", help="upload the project to a Scrapyd node "
                                                "(a scrapy.cfg [deploy] target)")
    parser.add_argument("target", nargs="?", default="default",
                        help="a [deploy:TARGET] section of scrapy.cfg (default: [deploy])")
    parser.add_argument("--version", help="version to deploy as (default: the current time)")
    parser.add_argument("--build-egg", metavar="FILE",
                        help="only write the egg to FILE, upload nothing")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from bulletin_crawler.scheduling.deploy import build_egg, deploy
    from bulletin_crawler.scheduling.scrapyd_api import ScrapydError, deploy_targets, scrapyd_node

    if args.build_egg:
        Path(args.build_egg).write_bytes(build_egg())
        print(f"egg written to {args.build_egg}")
        return 0
    if args.target not in deploy_targets():
        print(f"bulletin deploy: no deploy target {args.target!r} in scrapy.cfg (found: "
              f"{', '.join(deploy_targets()) or 'none'}); add [deploy] or [deploy:NAME] with "
              "url, project, username and password", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        node = scrapyd_node(args.target, project_settings().get("BULLETIN_SCRAPYD_PROJECT"))
        answer = deploy(node, args.version)
    except ScrapydError as error:
        print(f"bulletin deploy: {error}", file=sys.stderr)
        return 1
    print(f"deployed {answer['project']} version {answer['version']} to {node.name} "
          f"({answer['spiders']} spiders)")
    return 0
