"""The standalone checker as a download of the course: the ``envdeck-checker`` role.

``{envdeck-checker}`envdeck-check.pyz``` links the file that HTML builds write to
``_downloads/envdeck-check.pyz`` (see :mod:`envdeck.standalone`); other builders show
the name as code. The file is written at ``build-finished`` when a page uses the role,
from a copy kept beside the doctrees while envdeck's files stay the same (making it
takes a few tenths of a second); a failure to make it is an ``[envdeck.checker]``
warning, not a broken build.
"""

from __future__ import annotations

import posixpath
import shutil
from collections.abc import Set
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxRole

from .standalone import CHECKER_NAME, CheckerError, build_checker, checker_key
from .translations import _, __
from .warnings_ import EnvdeckWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: where HTML builds put the checker, relative to the output directory
CHECKER_PATH = f"_downloads/{CHECKER_NAME}"
_CLASS = "envdeck-checker"
#: the environment's attribute: the documents that link the checker
_USERS = "envdeck_checker_docs"


def _users(env: BuildEnvironment) -> set[str]:
    if not hasattr(env, _USERS):
        setattr(env, _USERS, set())
    users: set[str] = getattr(env, _USERS)
    return users


class CheckerRole(SphinxRole):
    """``{envdeck-checker}`TEXT``` : the checker's download link (TEXT defaults to its name)."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        text = self.text.strip() or CHECKER_NAME
        # Plain code in every builder; HTML builders turn it into a link (LinkChecker).
        node = nodes.literal(self.rawtext, text, classes=[_CLASS])
        self.set_source_info(node)
        _users(self.env).add(self.env.docname)
        return [node], []


class LinkChecker(SphinxPostTransform):
    """Wraps the checker's name in a link to the file, relative to this page."""

    default_priority = 400
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        # Sphinx 9 deprecates SphinxTransform.app; Sphinx 8.1 has no env._builder_cls.
        builder = getattr(self.env, "_builder_cls", None) or self.app.builder
        docname = self.env.docname
        if builder.name == "singlehtml":
            here = ""  # one page at the top of the output
        elif builder.name == "dirhtml" and posixpath.basename(docname) != "index":
            here = docname  # page/index.html
        else:
            here = posixpath.dirname(docname)
        target = posixpath.relpath(CHECKER_PATH, here or ".")
        # The link's text is the file's name: its title says what it is, in words.
        title = _("Download the environment checker")
        for node in list(self.document.findall(nodes.literal)):
            if _CLASS in node["classes"]:
                link = nodes.reference(
                    "", "", node.deepcopy(), refuri=target, internal=False, reftitle=title
                )
                link["classes"].append("download")
                node.replace_self(link)


def purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _users(env).discard(docname)


def merge_info(app: Sphinx, env: BuildEnvironment, docnames: Set[str],
               other: BuildEnvironment) -> None:  # fmt: skip
    _users(env).update(_users(other))


def write_checker(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.format != "html" or not _users(app.env):
        return
    try:
        kept = Path(app.doctreedir) / "envdeck" / f"envdeck-check-{checker_key()}.pyz"
        if not kept.is_file():
            for old in kept.parent.glob("envdeck-check-*.pyz"):
                old.unlink()
            build_checker(kept)
        target = Path(app.outdir) / CHECKER_PATH
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(kept, target)
    except (CheckerError, OSError) as err:
        warn(
            __("the standalone checker {name} was not written: {err}").format(
                name=CHECKER_NAME, err=err
            ),
            EnvdeckWarning.CHECKER,
        )


def setup_checker_download(app: Sphinx) -> None:
    app.add_role("envdeck-checker", CheckerRole())
    app.add_post_transform(LinkChecker)
    app.connect("env-purge-doc", purge_doc)
    app.connect("env-merge-info", merge_info)
    app.connect("build-finished", write_checker)
