"""The one ``kaohe`` command: every Django management command, plus kaohe's own jobs.

``kaohe demo``, ``kaohe results …``, ``kaohe import …`` are management commands of the kaohe
apps, so the CLI, the web platform and the tests share one code path.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kaohe", *sys.argv[1:]])


if __name__ == "__main__":
    main()
