"""Open311's two formats: JSON as the specification shows it, and its XML (a root element named for the list, one
child per item: <services><service>…</service></services>, <service_requests><request>…, <errors><error>…)."""

from __future__ import annotations

from xml.etree import ElementTree

from rest_framework.renderers import BaseRenderer, JSONRenderer

# The element of each item of a list, by the list's element.
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
    "keywords": "keyword",
}


class Open311JSONRenderer(JSONRenderer):
    format = "json"
    ensure_ascii = False


def _fill(element: ElementTree.Element, value) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ElementTree.SubElement(element, key), child)
    elif isinstance(value, list | tuple):
        item = ITEMS.get(element.tag, "item")
        for child in value:
            _fill(ElementTree.SubElement(element, item), child)
    elif value is None:
        return
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    else:
        element.text = str(value)


class Open311XMLRenderer(BaseRenderer):
    media_type = "text/xml"
    format = "xml"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        context = renderer_context or {}
        response = context.get("response")
        view = context.get("view")
        if response is not None and response.status_code >= 400:
            root_name = "errors"
        else:
            root_name = getattr(view, "xml_root", "response")
        root = ElementTree.Element(root_name)
        _fill(root, data)
        return b'<?xml version="1.0" encoding="utf-8"?>' + ElementTree.tostring(
            root, encoding="utf-8", xml_declaration=False
        )
