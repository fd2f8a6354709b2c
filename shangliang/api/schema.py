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
