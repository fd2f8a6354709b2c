"""`manage.py online_import <room id> <folder>`: load a Pol.is export (votes.csv, comments.csv) into an empty room."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shangliang.core.errors import DomainError
from shangliang.online.models import OnlineRoom
from shangliang.online.services import polis


class Command(BaseCommand):
    help = (
        "把 Pol.is 开放数据格式的一次讨论（comments.csv 和 votes.csv 或 participants-votes.csv）导入到一个还没有观点"
        "和表态的网上协商议事室；个别行的问题逐行警告并跳过或修正，无法读取的文件不导入任何数据并指出是哪一行。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("room", type=int, help="online room id")
        parser.add_argument("folder", help="folder holding comments.csv and votes.csv (or participants-votes.csv)")

    def handle(self, *args: Any, **options: Any) -> None:
        room = OnlineRoom.objects.filter(pk=options["room"]).first()
        if room is None:
            raise CommandError(f"网上协商议事室 {options['room']} 不存在（no online room {options['room']}）")
        try:
            export = polis.read_export(options["folder"])
            summary = polis.import_into_room(actor=None, room=room, export=export, require_permission=False)
        except polis.ImportRejected as exc:
            raise CommandError("\n".join([str(exc.message), *exc.errors])) from exc
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            f"已导入 {summary.statements} 条观点、{summary.participants} 位参与者、{summary.votes} 次表态"
            f"（imported {summary.statements} statements, {summary.participants} participants, {summary.votes} votes"
            f" from {summary.source}）"
        )
        if summary.warning_count:
            self.stdout.write(f"{summary.warning_count} 处警告（warnings）：")
            for warning in summary.warnings:
                self.stdout.write(f"  {warning}")
            if summary.warning_count > len(summary.warnings):
                self.stdout.write(f"  ……另有 {summary.warning_count - len(summary.warnings)} 处（more）")
