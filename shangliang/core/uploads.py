"""Uploads are checked by content and size, and stored under a generated name."""

import io
import os
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from shangliang.core.errors import InvalidInput

IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
# Decompression bombs: refuse images with more pixels than a 60-megapixel phone photo.
Image.MAX_IMAGE_PIXELS = 60_000_000


def checked_image(upload, *, field: str = "photo") -> ContentFile:
    """Return the upload as a ContentFile with a safe generated name, or raise InvalidInput."""
    limit = settings.MAX_UPLOAD_IMAGE_BYTES
    size = getattr(upload, "size", None)
    if size is None:
        raise InvalidInput(_("上传的文件无效。"), field=field)
    if size == 0:
        raise InvalidInput(_("上传的图片是空文件。"), field=field)
    if size > limit:
        raise InvalidInput(
            _("图片过大（%(size).1f MB），最大 %(limit).0f MB。") % {"size": size / 1048576, "limit": limit / 1048576},
            field=field,
        )
    upload.seek(0)
    data = upload.read()
    try:
        with Image.open(ContentFile(data)) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise InvalidInput(_("上传的文件不是有效的图片（支持 JPG、PNG、WebP、GIF）。"), field=field) from exc
    if image_format not in IMAGE_FORMATS:
        raise InvalidInput(_("不支持的图片格式，请上传 JPG、PNG、WebP 或 GIF。"), field=field)
    return ContentFile(data, name=f"{uuid.uuid4().hex}.{IMAGE_FORMATS[image_format]}")


# --- documents ---------------------------------------------------------------------------------------------------
# Documents (research material, a disclosure's contracts and invoices, evidence) are checked by their content, never
# by their name or the browser's word: PDF, Word (.docx), Excel (.xlsx) and the images above. Refused: anything else
# (legacy .doc/.xls containers too: they cannot be checked without parsing them), Office files with macros, and
# archives that would expand past MAX_EXPANDED_BYTES (a ZIP bomb is refused before anything reads it).

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_EXPANDED_BYTES = 100 * 1024 * 1024
DOCUMENT_NAME_MAX = 100
IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF", b"GIF87a", b"GIF89a")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
}


@dataclass(frozen=True)
class CheckedDocument:
    content: ContentFile  # under a generated name
    name: str  # the user's file name, cleaned, with the extension its content has
    kind: str  # "pdf", "docx", "xlsx" or "image"
    content_type: str
    size: int


def _base(raw: str) -> str:
    """The file name the user gave, without any path or control characters."""
    base = os.path.basename((raw or "").replace("\\", "/"))
    return "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()


def _stem(raw: str) -> str:
    return os.path.splitext(_base(raw))[0].strip(" .") or _("附件")


def display_name(raw: str, extension: str) -> str:
    """The user's file name without any path or control characters, with the extension its content has."""
    return f"{_stem(raw)[: DOCUMENT_NAME_MAX - len(extension) - 1]}.{extension}"


def _office_kind(data: bytes, field: str) -> str | None:
    """docx / xlsx by the parts inside the zip (names and sizes only: nothing is decompressed); None if neither."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if sum(i.file_size for i in infos) > MAX_EXPANDED_BYTES:
        return None
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names:
        return None
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise InvalidInput(_("不接收含宏的 Office 文件，请另存为普通的 Word 或 Excel 文件后上传。"), field=field)
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def checked_document(upload, *, field: str = "files") -> CheckedDocument:
    """Return the upload ready to store, or raise InvalidInput with a clear Chinese message."""
    size = getattr(upload, "size", None)
    raw_name = (getattr(upload, "name", "") or "").replace("\x00", "")
    shown = _base(raw_name)[:50] or _("附件")
    if size is None:
        raise InvalidInput(_("上传的文件无效。"), field=field)
    if size == 0:
        raise InvalidInput(_("“%(name)s”是空文件。") % {"name": shown}, field=field)
    limit = getattr(settings, "MAX_UPLOAD_DOCUMENT_BYTES", MAX_DOCUMENT_BYTES)
    if size > limit:
        raise InvalidInput(
            _("“%(name)s”过大（%(size).1f MB），最大 %(limit).0f MB。")
            % {"name": shown, "size": size / 1048576, "limit": limit / 1048576},
            field=field,
        )
    upload.seek(0)
    data = upload.read()
    kind = None
    if data.startswith(b"%PDF-"):
        kind = "pdf"
    elif data.startswith(b"PK\x03\x04"):
        kind = _office_kind(data, field)
    elif data.startswith(IMAGE_MAGIC):
        image = checked_image(ContentFile(data, name="upload"), field=field)
        extension = image.name.rsplit(".", 1)[-1]
        return CheckedDocument(image, display_name(raw_name, extension), "image", CONTENT_TYPES[extension], size)
    if kind is None:
        raise InvalidInput(
            _("“%(name)s”不是可接收的文件类型：请上传 PDF、Word（docx）、Excel（xlsx）或图片（JPG、PNG、WebP、GIF）。")
            % {"name": shown},
            field=field,
        )
    content = ContentFile(data, name=f"{uuid.uuid4().hex}.{kind}")
    return CheckedDocument(content, display_name(raw_name, kind), kind, CONTENT_TYPES[kind], size)


def checked_documents(uploads, *, field: str = "files", most: int) -> list[CheckedDocument]:
    """Several uploads of one form, at most `most`: all are checked before any is stored."""
    uploads = [u for u in (uploads or []) if u]
    if len(uploads) > most:
        raise InvalidInput(_("一次最多上传 %(n)d 个附件。") % {"n": most}, field=field)
    return [checked_document(u, field=field) for u in uploads]
