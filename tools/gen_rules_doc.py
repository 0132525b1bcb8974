"""Write docs/rules.md from the built-in rulesets and the content checks' docstrings.

    python tools/gen_rules_doc.py          # rewrite docs/rules.md
    python tools/gen_rules_doc.py --check  # exit 1 when docs/rules.md is stale (tests run this)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generated import write_or_check  # noqa: E402

from enforcer import (  # noqa: E402
    config,  # noqa: E402
    lines,
    model,
    vocabulary,
)
from enforcer.checks import CHECKS  # noqa: E402

TARGET = ROOT / "docs" / "rules.md"

WHERE = """\
A requirement is answered by the first of these that holds an answer:

- a heading (`## Rollback plan`), a bold line (`**Rollback:**`), a `<details>` summary, a
  `Label: value` field or a table column or row named by one of its headings;
- a plain-text title: a short line standing alone that is one of its headings, with or
  without a colon (`Rollback plan` on a line of its own, then the plan), or a form's question
  on a line of its own that holds one (`What might happen if this goes wrong?`, as a rendered
  issue page shows its form). A capitalised line inside a paragraph that is such a title
  starts a block of its own, as the platforms show each line of an issue on its own; a form's
  question followed by a short line standing alone with text under it (the form's next title)
  was left unanswered;
- a sentence inside another section that says it in the words of `mentions` in
  `rules/vocabulary.yml` ("If the new path misbehaves we turn off the `fast_export` flag" in
  the Summary answers rollback; "Verify the Staging Sites card still appears" in the test
  steps answers the expected result); the report names the section it was found in. A passing
  mention, such as a file named `rollback.sql` or a question, does not count. Up to two
  words that only qualify the verb may stand between a wording's words ("could potentially
  cause" says "could cause", "I have already confirmed" says "I have confirmed"), never a
  negation; a wording may write its choices in parentheses, an empty choice leaving the place
  out: `(i|we) (have|'ve|) (tested|verified)`. Beside its wordings, a part has senses
  (`also`): a risk is also a word of harm weighed ("Some tenants could see a short outage",
  "This should not affect existing tenants"), not in a sentence about a check or a bug fixed,
  nor under a title that tells the problem, and a step the change asks of those who run it ("a
  dump and restore is needed", "will need to reinstall"); validation is also a check said done
  with its place or speaker ("TF apply works, dashboards work in staging"), not asked for,
  conditional or denied ("has not been tested in staging", "won't be able to check"; an aside
  in parentheses or a clause of precaution, "in case there is anything I haven't spotted",
  denies nothing), a check said done on what it was tried on ("have been run-tested on 1.3.0
  on a WDR4900"), a runbook's check in its place ("Verify the lack of traffic to our staging
  clusters") or opening with the verb of checking, after a step's number, a clause of time or
  a short lead and a dash ("Check the images are available on Docker Hub", "`lsblk` — confirm
  the device shows the new size"), and a ticked box that opens with a test ("[x] Smoke test
  the staging instance"); a list item struck through whole is withdrawn;
- for validation and risks, where none of these finds the part, a sentence the line model reads
  as an answer that the learned model reads as the part by its words: a small linear model per
  part over the sentence's words and pairs of words, learned from the labelled corpus
  (`rules/learned/`, written by `tools/train_senses.py`; enforcer/learned.py), or two
  sentences or more of one section that each read as it under a lower threshold. "I did check
  locally on ARM MacOS that the full suite is still passing" is validation and "The upgrade may
  be rejected in environments on an older minor version" a risk, though no wording lists them;
  a word after a denial is read as denied ("not tested"), and questions, instructions,
  unticked boxes and the prompts of a section of the part never count. The report names the
  words that weighed most (`matched: learned sentence`); `learned: false` in
  `.rollout-plan.yml` turns it off.

A heading that names two parts ("Risk & rollback") gives each of its labelled parts to its own
requirement; a title naming two parts joined by `/`, `&` or ` | ` ("Rollback / verify") is each
part's title. Zero-width characters inside a heading word do not hide it; CJK text counts one
word per two characters for `min_words`. Accented Latin letters match their plain letters both
ways, in headings and in the wordings found in prose: "Resultat attendu" and "verifier la
stabilite", typed on an English keyboard, read as "Résultat attendu" and "vérifier la stabilité".

**Built-in wordings are English**, with the usual headings of the four minimum parts and a few
of the usual ways to say them in a sentence also in French and Japanese ("testé en recette",
"peut être revert", 動作確認済, 影響はありません, 問題があれば ... 切り戻し). A description
written in another language is read through `extra_headings` (and `vocabulary:` for its
placeholders, prompts and mention wordings) in `.rollout-plan.yml`:

```yaml
extends: handbook
requirements:
  rollback:
    extra_headings: [plan de retour arrière, retour arrière, ロールバック手順, 切り戻し]
  risks:
    extra_headings: [risques, リスク]
vocabulary:
  placeholders: [à compléter, 記入してください]
```"""


def _doc(module: object) -> str:
    return (getattr(module, "__doc__", "") or "").strip()


def render() -> str:
    out = [
        "# Rules reference",
        "",
        "<!-- Generated by tools/gen_rules_doc.py from rules/*.yml and enforcer/checks/. Do not edit. -->",
        "",
        "## What counts as content: answers and prompts",
        "",
        _doc(lines),
        "",
        "## Where the plan is read",
        "",
        WHERE,
        "",
        "## The vocabulary",
        "",
        _doc(vocabulary),
        "",
        *(f"- `{key}`: " + ", ".join(f"`{w}`" for w in vocabulary.builtin(key)) + "." for key in vocabulary.LIST_KEYS),
        "",
        "## Content checks",
        "",
        "Each requirement's `checks:` runs these, in this order; the first that fails gives the "
        "requirement the status `insufficient`.",
        "",
    ]
    for rule, (option, module) in CHECKS.items():
        out += [f"### `{option}` (rule `{rule}`)", "", _doc(module), ""]
    out += ["## Built-in rulesets", ""]
    for name in config.builtin_names():
        ruleset = config.load(ruleset=name)
        raw = config._read_yaml((Path(config.rules_dir()) / f"{name}.yml").read_text(encoding="utf-8"), name)
        out += [f"### `{name}`", "", str(raw.get("description", "")).strip(), ""]
        if ruleset.plan_headings:
            out += ["Plan headings: " + ", ".join(f"`{h.lstrip('=')}`" for h in ruleset.plan_headings) + ".", ""]
        out += ["| id | severity | title | answered by |", "|---|---|---|---|"]
        for req in ruleset.requirements:
            if req.table:
                where = "table cell: row " + " / ".join(req.table.row) + "; column " + " / ".join(h.lstrip("=") for h in req.table.column)
            else:
                where = ", ".join(model.shown_heading(h) for h in req.headings)
            out.append(f"| `{req.id}` | {req.severity} | {req.title} | {where} |")
        out.append("")
        for req in ruleset.requirements:
            checks = []
            rules = req.content
            if rules.min_words > 1:
                checks.append(f"min_words: {rules.min_words}")
            if rules.require_link:
                checks.append("require_link" + (f": {', '.join(rules.link_hosts)}" if rules.link_hosts else ""))
            if rules.require_list:
                checks.append("require_list")
            if rules.all_boxes_ticked:
                checks.append("all_boxes_ticked")
            if not rules.allow_na:
                checks.append("allow_na: false")
            if rules.forbid:
                checks.append("forbid: " + ", ".join(rules.forbid))
            line = f"- **{req.title}** (`{req.id}`): {req.hint}"
            if checks:
                line += " Checks: " + "; ".join(checks) + "."
            out.append(line)
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def main() -> int:
    return write_or_check(TARGET, render(), sys.argv[1:], "tools/gen_rules_doc.py")


if __name__ == "__main__":
    sys.exit(main())
