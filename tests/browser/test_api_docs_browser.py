"""The API's documentation page works in a browser from the site's own files: Swagger UI (built from npm) renders
the schema under the site's content security policy, and nothing is loaded from another host."""

import pytest


@pytest.mark.django_db(transaction=True)
def test_the_documentation_page_renders_the_schema(page, live_server):
    outside, problems = [], []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((live_server.url, "data:")) else None)
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.set_default_timeout(60_000)  # a 1.5 MB bundle from the test server on a busy machine
    page.goto(f"{live_server.url}/api/v1/docs/", wait_until="domcontentloaded")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Shangliang API" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector("text=/api/v1/topics/")
    assert outside == []
    assert not [p for p in problems if "Content Security Policy" in p], problems
    page.screenshot(path="/tmp/api_docs.png", full_page=False)
