"""axe-core (npm, copied into static by `npm run build`) run inside a page by the browser tests: the page's
violations of WCAG 2.0/2.1 A and AA (which GB/T 37668-2019's level-2 indicators follow) at the given impacts."""

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")


def violations(page, live_server, *, impacts=BLOCKING) -> list[str]:
    """One line per violation: rule, impact, the first offending elements. Loaded from the site's own static files
    (the Content-Security-Policy allows only the site's scripts); no page of the site references the file."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=f"{live_server.url}/static/vendor/axe/axe.min.js")
    found = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }""",
        WCAG_TAGS,
    )
    return [f"{v['id']} ({v['impact']}): {v['help']} — {v['nodes']}" for v in found if v["impact"] in impacts]
