"""`manage.py polis_analyse <folder>`: analyse a Pol.is open-data export and print JSON. Never touches a database."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shangliang.online.consensus import PolisExportError, analyse, load_polis_export


def _key(value: Any) -> str:
    return str(value)


class Command(BaseCommand):
    help = "分析一个 Pol.is 开放数据导出（votes.csv、comments.csv），以 JSON 输出意见群组与共识；不使用数据库。"
    # nothing here needs the database or the system checks (which may look at it)
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="folder holding votes.csv and comments.csv")
        parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
        parser.add_argument("--indent", type=int, default=None, help="pretty-print the JSON with this indent")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            export = load_polis_export(options["folder"])
        except PolisExportError as exc:
            raise CommandError(str(exc)) from exc
        loaded = time.perf_counter()
        result = analyse(
            export.votes,
            moderated_out=export.moderated_out,
            statement_ids=export.statement_ids,
            seed=options["seed"],
        )
        participant_ids = result.participant_ids.tolist()
        statement_ids = result.statement_ids.tolist()
        groups = result.participant_groups.tolist()
        payload = {
            "folder": str(options["folder"]),
            "participants": len(participant_ids),
            "statements": len(statement_ids),
            "statements_moderated_out": len(export.moderated_out),
            "votes": result.n_votes,
            "analysed_participants": result.n_analysed,
            "k": result.k,
            "silhouettes": {str(k): v for k, v in result.silhouettes.items()},
            "participant_groups": {
                _key(p): (g if g >= 0 else None) for p, g in zip(participant_ids, groups, strict=True)
            },
            "components": {
                "statement_ids": statement_ids,
                "pc1": result.components[0].tolist(),
                "pc2": result.components[1].tolist(),
                "singular_values": result.singular_values.tolist(),
            },
            "group_informed_consensus": {
                _key(s): {"agree": a, "disagree": d}
                for s, a, d in zip(statement_ids, result.gac_agree.tolist(), result.gac_disagree.tolist(), strict=True)
            },
            "groups": [
                {
                    "id": g,
                    "size": int(result.group_sizes[g]),
                    "representative": [vars(r) for r in result.representative[g]],
                }
                for g in range(result.k)
            ],
            "consensus": {d: [vars(c) for c in items] for d, items in result.consensus.items()},
            "divisive": [vars(d) for d in result.divisive],
            "seconds": {
                "load": loaded - started,
                "analyse": result.seconds,
                "total": time.perf_counter() - started,
            },
        }
        self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=options["indent"]))
