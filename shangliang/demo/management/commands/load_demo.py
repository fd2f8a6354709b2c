from django.core.management.base import BaseCommand

from shangliang.demo.loader import load_demo


class Command(BaseCommand):
    help = "载入演示县“东宁市”（单元、阵地、评估、人员与演示账号）；重复运行不会改变已有数据。"

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="不输出摘要")
        parser.add_argument(
            "--lived-year",
            action="store_true",
            help="另载入 2025 年 6 月至今的日常工作（按时间顺序逐条运行业务流程，耗时数分钟）",
        )

    def handle(self, *args, quiet: bool = False, **options):
        summary = load_demo(lived_year=options["lived_year"])
        if not quiet:
            for line in summary.lines():
                self.stdout.write(line)
