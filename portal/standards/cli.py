"""`flask --app portal standard load|check|show|diff`: the content standard from the console."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from portal.extensions import db

standard_cli = AppGroup("standard", help="Load, inspect and compare versions of the standard.")


def _fail(error) -> click.ClickException:
    """Print every problem of a StandardFileError and turn it into a failing exit."""
    for problem in error.problems[:200]:
        click.echo(problem, err=True)
    if len(error.problems) > 200:
        click.echo(f"... {len(error.problems) - 200} more", err=True)
    return click.ClickException(f"{len(error.problems)} problem(s)")


def _folder(path: str | None) -> Path:
    from portal.standards.loader import newest_folder

    if path:
        return Path(path)
    folder = newest_folder()
    if folder is None:
        raise click.ClickException("no version folder in the content_standards directory")
    return folder


@standard_cli.command("load")
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=False))
def load(path):
    """Load a version folder (default: the newest shipped one); loading twice changes nothing."""
    from portal.standards.loader import StandardFileError
    from portal.standards.operations import load_version

    folder = _folder(path)
    try:
        result = load_version(folder)
    except StandardFileError as error:
        db.session.rollback()
        raise _fail(error) from None
    db.session.commit()
    state = "current" if result.current else "not current: a newer version is loaded"
    if result.created:
        click.echo(f"loaded {result.version.version}: {result.leaves} categories ({state})")
    else:
        click.echo(f"{result.version.version} already loaded, nothing changed ({state})")


@standard_cli.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=False))
def check(path):
    """Validate a version folder without loading it."""
    from portal.standards.loader import StandardFileError, read_standard

    folder = _folder(path)
    try:
        standard = read_standard(folder)
    except StandardFileError as error:
        raise _fail(error) from None
    click.echo(f"{standard.version} is valid: {len(standard.leaves)} categories")


def _describe(category, parts: dict[str, str]) -> list[str]:
    """The lines `show CODE` prints for one category."""
    from portal.standards.rules import format_deadline

    lines = [f"{category.code} {category.name}"]
    if not category.is_leaf:
        lines.append(f"  part: {category.part} {parts.get(category.part, '')}")
        lines.append(f"  levels: {category.levels}")
        return lines
    rules = category.deadline_rules
    deadline = format_deadline(rules.get("rules", {}))
    heavy = rules.get("finance_heavy")
    if heavy:
        deadline += f" (finance-heavy villages: {heavy['frequency']} {heavy['rules']['V']['rule']})"
    lines += [
        f"  part: {category.part} {parts.get(category.part, '')}; 大类 {category.parent_code}",
        f"  levels: {category.levels}",
        f"  frequency: {category.frequency}",
        f"  deadline: {deadline}",
        f"  applies downward: {'yes' if category.applies_downward else 'no'}",
        f"  kind: {category.kind}",
        f"  privacy: {category.privacy}",
        f"  basis [{category.basis_status}]: {category.basis}",
    ]
    if category.note:
        lines.append(f"  note: {category.note}")
    if category.field_set:
        lines.append(f"  fields ({category.field_set}):")
        for f in category.field_list:
            unit = f" [{f['unit']}]" if f.get("unit") else ""
            required = "required" if f["required"] else "optional"
            choices = f" {'/'.join(f['choices'])}" if f.get("choices") else ""
            lines.append(f"    {f['name']} {f['label']}{unit}: {f['type']}{choices}, {required}")
    return lines


@standard_cli.command("show")
@click.argument("code", required=False)
@click.option("--version", "label", default=None, help="A loaded version (default: current).")
def show(code, label):
    """Print the current version's tree, or one category in full."""
    from portal.standards.models import StandardVersion, current_version, get_category
    from portal.standards.rules import format_deadline

    version = StandardVersion.by_label(label) if label else current_version()
    if version is None:
        raise click.ClickException(
            f"no version {label} loaded" if label else "no standard loaded: run `standard load`"
        )
    parts = version.part_names
    if code:
        category = get_category(code.upper(), version)
        if category is None:
            raise click.ClickException(f"no category {code} in {version.version}")
        for line in _describe(category, parts):
            click.echo(line)
        return
    categories = version.categories()
    leaves = sum(1 for c in categories if c.is_leaf)
    state = "current" if version.is_current else "not current"
    click.echo(f"{version.version} {version.title} ({state}; {leaves} categories)")
    part = None
    for c in categories:
        if c.part != part:
            part = c.part
            click.echo(f"{part} {parts.get(part, '')}")
        if c.is_leaf:
            rule = c.deadline_rules.get("rules", {})
            flags = " downward" if c.applies_downward else ""
            click.echo(
                f"    {c.code} {c.name}  [{c.levels} {c.frequency} {format_deadline(rule)}"
                f" {c.kind}{flags}]"
            )
        else:
            click.echo(f"  {c.code} {c.name}")


@standard_cli.command("diff")
@click.argument("old")
@click.argument("new")
def diff(old, new):
    """Compare two versions, each a folder or a loaded version label (e.g. 2026.1)."""
    from portal.standards.loader import StandardFileError
    from portal.standards.operations import diff_standards, snapshot

    try:
        before, after = snapshot(old), snapshot(new)
    except StandardFileError as error:
        raise _fail(error) from None
    result = diff_standards(before, after)
    click.echo(f"{result.old} -> {result.new}")
    if not result.map_applied:
        click.echo(f"note: {result.new}'s code map is from {after.previous}; not applied")
    if result.empty:
        click.echo("no differences")
        return
    for old_code, targets in result.moved:
        kind = "split" if len(targets) > 1 else "moved"
        click.echo(f"{kind}: {old_code} -> {', '.join(targets)}")
    for old_code, target in result.merged:
        click.echo(f"merged: {old_code} -> {target}")
    for e in result.added:
        click.echo(f"added: {e.code} {e.name}")
    for e in result.removed:
        click.echo(f"removed: {e.code} {e.name}")
    for old_code, new_code, old_name, new_name in result.renamed:
        where = old_code if old_code == new_code else f"{old_code} -> {new_code}"
        click.echo(f"renamed: {where} {old_name} -> {new_name}")
    for code, attribute, a, b in result.changed:
        click.echo(f"changed: {code} {attribute}: {a} -> {b}")
    for code, added, removed, changed in result.fields_changed:
        parts = [f"+{n}" for n in added] + [f"-{n}" for n in removed] + [f"~{n}" for n in changed]
        click.echo(f"fields: {code} {' '.join(parts)}")
