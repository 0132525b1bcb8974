"""``require_link``: the section links somewhere, optionally to given hosts.

Metrics should link to the dashboards that show them. ``require_link: true`` accepts any
link (Markdown links and bare URLs); a list of hosts accepts only links to those hosts or
their subdomains.

```yaml
requirements:
  metrics:
    checks: {require_link: [grafana.example.com, sentry.io]}
```
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlparse

from enforcer.model import Block, ContentRules

RULE = "require-link"
_URL = re.compile(r"https?://[^\s<>()\[\]`'\"]+")


def _links(content: Sequence[tuple[Block, list[str]]]) -> list[str]:
    found: list[str] = []
    for block, lines in content:
        found.extend(block.links)
        for line in lines:
            found.extend(_URL.findall(line))
    return found


def _host_ok(url: str, hosts: Sequence[str]) -> bool:
    host = (urlparse(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in hosts)


def check(content: Sequence[tuple[Block, list[str]]], rules: ContentRules) -> str | None:
    if not rules.require_link:
        return None
    links = [link for link in _links(content) if link.startswith(("http://", "https://"))]
    if rules.link_hosts:
        if not any(_host_ok(link, rules.link_hosts) for link in links):
            return "links to none of " + ", ".join(rules.link_hosts)
    elif not links:
        return "holds no link"
    return None
