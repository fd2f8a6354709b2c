"""The OpenAPI schema of /api/v1/ (drf-spectacular): only the REST API's paths (Open311 has its own specification),
and the client key as a bearer scheme."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


def only_rest_api(endpoints, **kwargs):
    return [
        e for e in endpoints if e[0].startswith("/api/v1/") and not e[0].startswith(("/api/v1/schema", "/api/v1/docs"))
    ]


class ClientKeyScheme(OpenApiAuthenticationExtension):
    target_class = "shangliang.api.auth.ClientKeyAuthentication"
    name = "clientKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "The client's key (slk_…), issued once by the system administrator.",
        }


# OpenAPI links: what a client does next with an answer's id or code (and what Schemathesis's stateful tests follow).
# {operation answering: [(status, link name, operation to call, {parameter: runtime expression})]}
FIRST = "$response.body#/results/0/"
LINKS = {
    "topics_raise": [
        ("201", "TrackTheTopic", "topics_track", {"code": "$response.body#/code"}),
        ("201", "SupportTheTopic", "topics_support", {"code": "$response.body#/code"}),
    ],
    "topics_list": [("200", "TrackATopic", "topics_track", {"code": FIRST + "code"})],
    "units_list": [("200", "FiguresOfAUnit", "figures_read", {"id": FIRST + "id"})],
    "results_list": [("200", "ReadAResult", "results_read", {"id": FIRST + "id"})],
    "disclosures_list": [("200", "ReadADisclosure", "disclosures_read", {"id": FIRST + "id"})],
    "tasks_list": [
        ("200", "ReadATask", "tasks_read", {"id": FIRST + "id"}),
        ("200", "SignATask", "tasks_sign", {"id": FIRST + "id"}),
        ("200", "ReportProgress", "tasks_progress", {"id": FIRST + "id"}),
    ],
    "online_rooms_list": [
        ("200", "ReadARoom", "online_rooms_read", {"id": FIRST + "id"}),
        ("200", "NextStatement", "online_next", {"id": FIRST + "id"}),
        ("200", "RoomResults", "online_results", {"id": FIRST + "id"}),
        ("200", "RoomStatements", "online_statements_list", {"id": FIRST + "id"}),
    ],
}


def add_links(result, generator, request, public, **kwargs):
    """Postprocessing hook: the LINKS on the answers of the operations they start from."""
    operations = {op.get("operationId"): op for methods in result.get("paths", {}).values() for op in methods.values()}
    for source, links in LINKS.items():
        operation = operations.get(source)
        if operation is None:
            continue
        for status, name, target, parameters in links:
            if target in operations and status in operation.get("responses", {}):
                answer = operation["responses"][status]
                answer.setdefault("links", {})[name] = {"operationId": target, "parameters": parameters}
    return result
