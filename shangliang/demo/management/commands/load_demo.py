from django.core.management.base import BaseCommand

from shangliang.demo.loader import load_demo


class Command(BaseCommand):
    help = (
        "载入演示县“东宁市”（单元、阵地、评估、人员与演示账号，近一年半的日常工作，示例的日期随载入当天推移）；"
        "重复运行不会改变已有数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="不输出摘要")

    def handle(self, *args, quiet: bool = False, **options):
        summary = load_demo()
        if not quiet:
            for line in summary.lines():
                self.stdout.write(line)
