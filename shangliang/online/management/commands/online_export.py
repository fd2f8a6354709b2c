"""`manage.py online_export <room id> <folder>`: write the room's conversation as a Pol.is export."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shangliang.online.models import OnlineRoom
from shangliang.online.services import polis


class Command(BaseCommand):
    help = (
        "把网上协商议事室的讨论导出为 Pol.is 开放数据格式（votes.csv、comments.csv）；"
        "已隐藏、未通过和待审核（先审后显）的观点及其表态不导出。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("room", type=int, help="online room id")
        parser.add_argument("folder", help="folder to write votes.csv and comments.csv into (created if missing)")

    def handle(self, *args: Any, **options: Any) -> None:
        room = OnlineRoom.objects.filter(pk=options["room"]).first()
        if room is None:
            raise CommandError(f"网上协商议事室 {options['room']} 不存在（no online room {options['room']}）")
        counts = polis.export_room(room, options["folder"])
        self.stdout.write(
            f"已导出 {counts['statements']} 条观点、{counts['votes']} 次表态到 {options['folder']}"
            f"（exported {counts['statements']} statements, {counts['votes']} votes）"
        )
