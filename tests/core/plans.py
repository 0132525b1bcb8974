"""Whole descriptions shared by the engine and CLI tests."""

from __future__ import annotations

HANDBOOK_COMPLETE = """\
## Summary

Moves search to the new index behind the `new_search` feature flag.

## Rollout plan

### Expectations

Search results appear in under 200 ms for every project and users see no change in ranking.

### Validation

Run the saved query `search latency p95` and compare it with last week's numbers.

### Risks

The new index may miss documents written during the backfill; we re-run the backfill job.

### Rollback plan

Turn off the `new_search` flag, then revert the merge request if the flag is not enough:

```sh
chatops run feature set new_search false
```

### Metrics to observe

- [Search latency dashboard](https://grafana.example.com/d/search)
- [Errors in Sentry](https://sentry.io/organizations/acme/issues/?query=search)

### Testing

Manual search on staging with cached and uncached projects; the end-to-end suite passes.

### Communication

Tell #g_search and Support in #support_escalations before the global rollout.

### Staging and production checks

- [x] Searched five projects on staging
- [x] Checked a self-managed reference architecture

### Rollout steps

1. Enable for the `gitlab-org` group.
2. Enable for 10% of actors and watch the dashboard for a day.
3. Enable globally.

### Retro

Within a week we record what went well in the team retro issue and open follow-ups.
"""

HANDBOOK_INCOMPLETE = """\
## Rollout plan

### Expectations

Search results appear in under 200 ms for every project.

### Risks

<!-- Account for any risks or barriers that may impact the rollout. -->

### Rollback plan

TBD

### Rollout steps

Flip the flag.
"""

PRODUCT_LAUNCH_SIMPLE = """\
## Launch plan

| Workstream | Prepare | Launch | Build Momentum |
|---|---|---|---|
| Planning & Messaging | Ana writes the launch brief | Ana sends the press release | Ana gathers customer feedback |
| Website | Bo builds the landing page | Bo flips the homepage banner | Bo tracks signups weekly |
| Social Media | Cy drafts the posts | Cy posts the launch thread | Cy runs the follow-up campaign |
"""

# The guide's sample table, written as Markdown: a group row per workstream, a "Tasks" row,
# an unnamed row, and cells holding HTML lists with the guide's sample text.
_UL = '<ul style="list-style-type: none">'
PRODUCT_LAUNCH_GUIDE = f"""\
## Product Rollout Strategy with Planning and Messaging

| Step | | Prepare: | Launch: | Build Momentum: |
|---|---|---|---|---|
| Planning & Messaging | | | | |
| Tasks | Product launch plan development | {_UL} Develop plan for successful product launch Your text here | {_UL} Execute product launch plan Your text here | {_UL} Enhance product features as per customer feedback Your text here |
| | {_UL} Your text here | {_UL} Your text here | {_UL} Your text here | {_UL} Your text here |
| Website | | | | |
| Tasks | Promotion on company website | {_UL} Prepare content for company website Your text here | {_UL} Conduct live event for product launch Your text here | {_UL} Measure product reach in target customer base Your text here |
| | {_UL} Your text here | {_UL} Your text here | {_UL} Your text here | {_UL} Your text here |
| Social Media | | | | |
| Tasks | Promotion on social media | {_UL} Prepare content for social media profiles posting Your text here | {_UL} Post content on social media website as per content calendar Your text here | {_UL} Continue posting content Your text here |
| | {_UL} Your text here | {_UL} Your text here | {_UL} Your text here | {_UL} Your text here |
"""

PRODUCT_LAUNCH_GUIDE_FILLED = PRODUCT_LAUNCH_GUIDE.replace("Your text here", "Ana owns this, done by May 2")

PRODUCT_LAUNCH_NESTED = """\
# Launch plan
## Planning & Messaging
### Prepare
Ana writes the launch brief
### Launch
Ana sends the press release
### Build Momentum
Ana gathers customer feedback
## Website
### Prepare
Bo builds the landing page
### Launch
Bo flips the homepage banner
### Build Momentum
Bo tracks signups weekly
## Social Media
### Prepare
Cy drafts the posts
### Launch
Cy posts the launch thread
### Build momentum
Cy runs the follow-up campaign
"""
