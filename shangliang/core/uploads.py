"""Uploads are checked by content and size, and stored under a generated name."""

import uuid

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
