"""The commands that make what outlives a server: release and site."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import UsageError
from .options import project_of, with_progress

#: The folders a release is made from, which must be as the commit has them.
RELEASED = ("ontology", "data", "shapes", "queries")


def _empty_folder(ctx, param, value: str) -> Path:
    """``-o DIR``: a folder that does not exist yet, or is empty, in a folder that does."""
    path = Path(value)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise click.BadParameter(f"{value}: exists and is not an empty folder")
    if not path.absolute().parent.is_dir():
        raise click.BadParameter(f"{value}: its folder {path.absolute().parent} does not exist")
    return path


@click.command()
@click.argument("version")
@click.option("-o", "--output", "out", required=True, callback=_empty_folder, metavar="DIR",
              help="The release folder to write: new, or empty.")
@click.option("--previous", metavar="TAG|DIR",
              help="The release before: a git tag (v1.0.0) or a release folder. Default: the newest tag "
                   "vMAJOR.MINOR.PATCH below VERSION that the commit contains; none for a first release.")
@click.option("--date", "day", metavar="YYYY-MM-DD", help="The release date. Default: the date of the commit checked out.")
@click.option("--allow-dirty", is_flag=True, help="Release files of ontology/, data/, shapes/ or queries/ that differ "
                                                  "from the commit checked out.")
@click.option("--no-site", is_flag=True, help="Leave out the static site (site/).")
@click.pass_context
@with_progress
def release(ctx, version, out, previous, day, allow_dirty, no_site):
    """Build the release VERSION of the data in a folder: the dumps in every format with their
    SHA256SUMS, a changelog since the previous release (Markdown and RDF), the VoID/DCAT
    description of the release, CITATION.cff, and the static site.

    VERSION follows semantic versioning (docs/releases.md): an entity or tie removed, or an IRI
    changed, since the previous release makes a major version, one added a minor one, any other
    change a patch; a VERSION that does not follow is refused. The same commit gives the same
    bytes.

    \b
    Examples:
      heritage-kg release 1.0.0 -o release-1.0.0
      heritage-kg release 1.1.0 -o release-1.1.0 --previous release-1.0.0
    """
    import datetime

    from .. import versions
    from ..build import build_store
    from ..diff import load_version
    from ..output import write_tree
    from ..release import SUMS, Previous, contents, previous_folder, sums

    project = project_of(ctx)
    chosen = versions.parse(version, "VERSION")
    commit = versions.commit_of(project.root)
    if day is None:
        if commit is None:
            raise UsageError("--date: the project is not a git checkout, so give the release date")
        day = commit[1]
    else:
        try:
            datetime.date.fromisoformat(day)
        except ValueError:
            raise UsageError(f"--date: {day!r} is not a date YYYY-MM-DD") from None
    if commit is not None and not allow_dirty:
        dirty = versions.changed_files(project.root, RELEASED)
        if dirty:
            raise UsageError(f"{dirty[0]}: differs from the commit checked out ({len(dirty)} such files); "
                             "commit it, or give --allow-dirty")
    before = None
    if previous is not None and Path(previous).is_dir():
        found, dump = previous_folder(Path(previous))
        before = Previous(found, load_version(str(dump), project.root), dump=True)
    else:
        if previous is None:
            tags = [(v, tag) for v, tag in versions.tagged(project.root) if v < chosen]
            previous = tags[-1][1] if tags else None
        if previous is not None:
            found = versions.parse(previous.removeprefix("v"), f"--previous {previous}")
            before = Previous(found, load_version(previous, project.root), dump=False)
    files = contents(project, build_store(project), chosen, before, day)
    written = Written()

    def make(put) -> None:
        kept = written.keeping(put)
        for name, body in files.items():
            kept(name, body)
        if not no_site:
            from ..describe import Edition
            from ..staticsite import build as build_site

            # the site's dumps and description are the release's own
            build_site(project, lambda name, body: kept(f"site/{name}", body), Edition(str(chosen), day))
        put(SUMS, sums(written.digests).encode("utf-8"))

    write_tree(out, make)
    click.echo(f"release {chosen} written to {out}: {len(written.digests) + 1} files, {written.size:,} bytes"
               + (f"; since {before.version}" if before is not None else "; the first release"), err=True)


class Written:
    """What has been written of a folder: each file's SHA-256, and the bytes in all."""

    def __init__(self):
        self.digests: dict[str, str] = {}
        self.size = 0

    def keeping(self, put):
        import hashlib

        def kept(name: str, body: bytes) -> None:
            self.digests[name] = hashlib.sha256(body).hexdigest()
            self.size += len(body)
            put(name, body)

        return kept


@click.command()
@click.option("-o", "--output", "out", required=True, callback=_empty_folder, metavar="DIR",
              help="The folder to write the site in: new, or empty.")
@click.pass_context
@with_progress
def site(ctx, out):
    """Write the whole linked-data site as static files, for any static host: every page in
    both languages, each entity's data in every RDF format, the dumps, the VoID description, an
    offline search, and a query page that runs SPARQL in the browser (Oxigraph's WebAssembly
    build). docs/static-site.md says how to host it.

    \b
    Example:
      heritage-kg site -o site
    (then: python -m http.server --directory site)
    """
    from ..output import write_tree
    from ..staticsite import build

    project, written = project_of(ctx), Written()
    write_tree(out, lambda put: build(project, written.keeping(put)))
    click.echo(f"site written to {out}: {len(written.digests)} files, {written.size:,} bytes", err=True)
