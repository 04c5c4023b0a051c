import sys

from bulletin_crawler.cli import main

sys.exit(main())
