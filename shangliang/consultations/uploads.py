"""Attachments are checked by their content (never by their name or the browser's word) and size, and stored under
a generated name: PDF, Word and Excel documents (the current Office formats and the legacy binary ones) and images."""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from shangliang.core.errors import InvalidInput
from shangliang.core.uploads import checked_image

MAX_DOCUMENT_BYTES = getattr(settings, "MAX_UPLOAD_DOCUMENT_BYTES", 10 * 1024 * 1024)
MAX_FILES = 5
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls containers
IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF", b"GIF87a", b"GIF89a")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
}


@dataclass
class CheckedDocument:
    content: ContentFile
    original_name: str
    content_type: str
    size: int


def _office_kind(data: bytes) -> str | None:
    """docx / xlsx by the parts inside the zip (names only: nothing is decompressed); None if neither."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise InvalidInput(_("不接收含宏的 Office 文件，请另存为普通的 Word 或 Excel 文件后上传。"), field="files")
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def _ole_kind(name: str) -> str | None:
    # An OLE2 container's inner layout is not worth parsing here: the legacy extension decides, Word or Excel.
    lower = name.lower()
    if lower.endswith(".doc"):
        return "doc"
    if lower.endswith(".xls"):
        return "xls"
    return None


def checked_document(upload, *, field: str = "files") -> CheckedDocument:
    """Return the upload ready to store, or raise InvalidInput with a clear Chinese message."""
    size = getattr(upload, "size", None)
    original = (getattr(upload, "name", "") or "").replace("\x00", "")[-200:] or "file"
    if size is None:
        raise InvalidInput(_("上传的文件无效。"), field=field)
    if size == 0:
        raise InvalidInput(_("“%(name)s”是空文件。") % {"name": original}, field=field)
    if size > MAX_DOCUMENT_BYTES:
        raise InvalidInput(
            _("“%(name)s”过大（%(size).1f MB），最大 %(limit).0f MB。")
            % {"name": original, "size": size / 1048576, "limit": MAX_DOCUMENT_BYTES / 1048576},
            field=field,
        )
    upload.seek(0)
    data = upload.read()
    kind = None
    if data.startswith(b"%PDF-"):
        kind = "pdf"
    elif data.startswith(b"PK\x03\x04"):
        kind = _office_kind(data)
    elif data.startswith(OLE2):
        kind = _ole_kind(original)
    elif data.startswith(IMAGE_MAGIC):
        image = checked_image(ContentFile(data, name=original), field=field)
        ext = image.name.rsplit(".", 1)[-1]
        return CheckedDocument(image, original, CONTENT_TYPES[ext], size)
    if kind is None:
        raise InvalidInput(
            _("“%(name)s”不是可接收的文件类型：请上传 PDF、Word、Excel 文件或图片（JPG、PNG、WebP、GIF）。")
            % {"name": original},
            field=field,
        )
    return CheckedDocument(ContentFile(data, name=f"{uuid.uuid4().hex}.{kind}"), original, CONTENT_TYPES[kind], size)


def checked_documents(uploads, *, field: str = "files") -> list[CheckedDocument]:
    uploads = [u for u in (uploads or []) if u]
    if len(uploads) > MAX_FILES:
        raise InvalidInput(_("一次最多上传 %(n)d 个附件。") % {"n": MAX_FILES}, field=field)
    return [checked_document(u, field=field) for u in uploads]
