"""Files for tests that upload: one helper per kind, as a browser would send it (SimpleUploadedFile) or as bytes."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def png_bytes(size=(40, 30), color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def png(name: str = "photo.png", size=(40, 30), color=(200, 30, 30)) -> SimpleUploadedFile:
    return upload(name, png_bytes(size, color), "image/png")


def pdf(name: str = "文件.pdf") -> SimpleUploadedFile:
    return upload(name, PDF_BYTES, "application/pdf")


def office_bytes(kind: str = "docx", *, macro: bool = False) -> bytes:
    """A minimal .docx or .xlsx (with a macro part when `macro`)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<x/>")
        if macro:
            archive.writestr("word/vbaProject.bin", b"\x00")
    return buffer.getvalue()


def docx(name: str = "文件.docx") -> SimpleUploadedFile:
    return upload(name, office_bytes("docx"))
