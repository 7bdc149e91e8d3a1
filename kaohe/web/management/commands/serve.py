"""``kaohe serve [--host 127.0.0.1] [--port 8000]``: the web platform on a production WSGI server.

Waitress is pure Python and runs the same on a Linux server and on the Windows PCs many county
offices have; static files come from WhiteNoise, so no separate web server is needed.
"""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "以 waitress 运行考核平台（生产可用，静态文件由 WhiteNoise 提供）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--host", default="127.0.0.1", help="监听地址（内网部署时改为本机内网地址）"
        )
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, **options):
        from waitress import serve

        from kaohe.wsgi import application

        self.stdout.write(
            f"kaohe 运行于 http://{options['host']}:{options['port']}/（Ctrl-C 退出）"
        )
        serve(application, host=options["host"], port=options["port"], threads=options["threads"])
