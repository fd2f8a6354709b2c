"""Documents of a disclosure (contracts, invoices, minutes, photos) are checked by content, not by name or by the
browser's content type, and stored under a generated name.

Accepted: PDF, Word (.docx), Excel (.xlsx) and the images core.uploads accepts. Office files are ZIP archives: the
archive must open, contain the part that makes it a document or a workbook, and not expand to more than
MAX_EXPANDED_BYTES (a ZIP bomb is refused before anything reads it).
"""

from __future__ import annotations

import io
import os
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from shangliang.core.errors import InvalidInput
from shangliang.core.uploads import checked_image
from shangliang.villageaffairs.models import DocumentKind

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_EXPANDED_BYTES = 100 * 1024 * 1024
NAME_MAX = 100


@dataclass(frozen=True)
class CheckedDocument:
    content: ContentFile
    name: str  # the display name: the user's file name, cleaned
    kind: str
    size: int


def _limit() -> int:
    return getattr(settings, "MAX_UPLOAD_DOCUMENT_BYTES", MAX_DOCUMENT_BYTES)


def _stem(raw: str) -> str:
    base = os.path.basename((raw or "").replace("\\", "/"))
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    return os.path.splitext(base)[0].strip(" .") or _("附件")


def display_name(raw: str, extension: str) -> str:
    """The user's file name without any path or control characters, with the extension its content has."""
    return f"{_stem(raw)[: NAME_MAX - len(extension) - 1]}.{extension}"


def _office_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if sum(i.file_size for i in infos) > MAX_EXPANDED_BYTES:
                return None
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DocumentKind.DOCX
    if "xl/workbook.xml" in names:
        return DocumentKind.XLSX
    return None


def checked_document(upload, *, field: str = "documents") -> CheckedDocument:
    """Return the upload ready to store, or raise InvalidInput with a clear Chinese message."""
    size = getattr(upload, "size", None)
    if size is None:
        raise InvalidInput(_("上传的文件无效。"), field=field)
    if size == 0:
        raise InvalidInput(_("上传的文件是空文件。"), field=field)
    limit = _limit()
    if size > limit:
        raise InvalidInput(
            _("文件过大（%(size).1f MB），最大 %(limit).0f MB。") % {"size": size / 1048576, "limit": limit / 1048576},
            field=field,
        )
    upload.seek(0)
    data = upload.read()
    raw_name = getattr(upload, "name", "") or ""
    kind = None
    if data.startswith(b"%PDF-"):
        kind, extension = DocumentKind.PDF, "pdf"
    elif data.startswith(b"PK\x03\x04"):
        kind = _office_kind(data)
        extension = {DocumentKind.DOCX: "docx", DocumentKind.XLSX: "xlsx"}.get(kind, "")
    if kind is None:
        try:
            image = checked_image(ContentFile(data, name="upload"), field=field)
        except InvalidInput as exc:
            raise InvalidInput(
                _("“%(name)s”不是支持的文件类型：请上传 PDF、Word（docx）、Excel（xlsx）或图片（JPG、PNG）。")
                % {"name": _stem(raw_name)[:50]},
                field=field,
            ) from exc
        extension = image.name.rsplit(".", 1)[-1]
        return CheckedDocument(image, display_name(raw_name, extension), DocumentKind.IMAGE, size)
    content = ContentFile(data, name=f"{uuid.uuid4().hex}.{extension}")
    return CheckedDocument(content, display_name(raw_name, extension), kind, size)
