#!/usr/bin/env python3
"""An example client for a county's grid-management system (网格化管理平台), standard library only.

    # push the concerns of a CSV export (columns: id, description, address, name, phone, consent)
    python grid_client.py push concerns.csv --base-url https://shangliang.example.cn --key slk_…

    # follow them: prints each request's status and detailed status (the ids are kept in concerns.csv.sent.json)
    python grid_client.py follow concerns.csv --base-url https://shangliang.example.cn --key slk_…

    # receive webhooks (the address registered by the system administrator points here), checking the signature
    python grid_client.py listen --port 8311 --secret <the secret shown when the address was added>

Retries are safe: each row is sent with an Idempotency-Key made from the CSV row's id, so a second run (or a retry
after a lost answer) creates nothing twice.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import hmac
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path


def call(base_url: str, key: str, method: str, path: str, data: dict | None = None, headers: dict | None = None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(  # noqa: S310 (the platform's https address)
        base_url.rstrip("/") + path,
        data=body,
        method=method,
        headers={"Authorization": f"Bearer {key}", "Accept-Language": "zh-hans", **(headers or {})},
    )
    for attempt in range(5):
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            if exc.code == 429 or exc.code >= 500:  # too many, or the server is busy: wait and send again
                time.sleep(int(exc.headers.get("Retry-After", 2**attempt)))
                continue
            return exc.code, json.loads(exc.read() or b"null")
        except urllib.error.URLError:
            time.sleep(2**attempt)
    raise SystemExit(f"{path}: no answer after 5 tries")


def push(args) -> None:
    sent_file = Path(args.csv + ".sent.json")
    sent = json.loads(sent_file.read_text()) if sent_file.exists() else {}
    with open(args.csv, newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            data = {"service_code": row.get("service_code") or "unspecified", "description": row["description"]}
            data["address_string"] = row.get("address") or "（网格上报）"
            if row.get("name") or row.get("phone"):
                data.update(first_name=row.get("name", ""), phone=row.get("phone", ""))
                data["contact_consent"] = (
                    "true" if row.get("consent", "").strip() in ("1", "是", "yes", "true") else "false"
                )
            key = "grid-" + hashlib.sha256(f"{args.csv}:{row['id']}".encode()).hexdigest()[:40]
            status, answer = call(
                args.base_url, args.key, "POST", "/open311/v2/requests.json", data, {"Idempotency-Key": key}
            )
            if status == 201:
                sent[row["id"]] = answer[0]["service_request_id"]
                print(f"{row['id']}: {answer[0]['service_request_id']} {answer[0]['service_notice']}")
            else:
                for error in answer or []:
                    print(
                        f"{row['id']}: refused ({status}) {error.get('field_zh', '')} {error['description']}",
                        file=sys.stderr,
                    )
    sent_file.write_text(json.dumps(sent, ensure_ascii=False, indent=1))


def follow(args) -> None:
    sent = json.loads(Path(args.csv + ".sent.json").read_text())
    ids = ",".join(sent.values())
    status, answer = call(
        args.base_url,
        args.key,
        "GET",
        "/open311/v2/requests.json?" + urllib.parse.urlencode({"service_request_id": ids}),
    )
    by_code = {r["service_request_id"]: r for r in answer or []}
    for row_id, code in sent.items():
        r = by_code.get(code)
        if r:
            stage = f"{r['status']} {r['detailed_status_label']}"
            print(f"{row_id}: {code} {stage} {r['agency_responsible']} {r['status_notes']}")


def listen(args) -> None:
    secret = args.secret.encode()

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            timestamp = self.headers.get("X-Shangliang-Timestamp", "")
            algorithm, _sep, digest = self.headers.get("X-Shangliang-Signature", "").partition("=")
            if algorithm != "hmac-sha256":  # hmac-sm3: the receiver needs an SM3 implementation (e.g. gmssl)
                self.send_response(400)
                self.end_headers()
                return
            expected = hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
            fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) < 300
            if not (fresh and hmac.compare_digest(expected, digest)):
                self.send_response(401)
                self.end_headers()
                return
            event = json.loads(body)
            print(
                self.headers["X-Shangliang-Delivery"],
                event["type"],
                event["subject"],
                "→",
                event["to_state"],
                event["note"],
            )
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

    HTTPServer(("0.0.0.0", args.port), Hook).serve_forever()  # noqa: S104 (the grid system's own server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("push", "follow"):
        p = sub.add_parser(name)
        p.add_argument("csv")
        p.add_argument("--base-url", required=True)
        p.add_argument("--key", required=True)
    p = sub.add_parser("listen")
    p.add_argument("--port", type=int, default=8311)
    p.add_argument("--secret", required=True)
    args = parser.parse_args()
    {"push": push, "follow": follow, "listen": listen}[args.command](args)


if __name__ == "__main__":
    main()
