"""The standalone checker as a download of the course: the ``envdeck-checker`` role.

``{envdeck-checker}`envdeck-check.pyz``` links the file that HTML builds write to
``_downloads/envdeck-check.pyz`` (see :mod:`envdeck.standalone`); other builders show
the name as code. The file is written at ``build-finished``, once per build, and a
failure to build it is an ``[envdeck.checker]`` warning, not a broken build.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxRole

from .standalone import CHECKER_NAME, CheckerError, build_checker
from .warnings_ import EnvdeckWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: where HTML builds put the checker, relative to the output directory
CHECKER_PATH = f"_downloads/{CHECKER_NAME}"
_CLASS = "envdeck-checker"


class CheckerRole(SphinxRole):
    """``{envdeck-checker}`TEXT``` : the checker's download link (TEXT defaults to its name)."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        text = self.text.strip() or CHECKER_NAME
        # Plain code in every builder; HTML builders turn it into a link (LinkChecker).
        node = nodes.literal(self.rawtext, text, classes=[_CLASS])
        self.set_source_info(node)
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
        for node in list(self.document.findall(nodes.literal)):
            if _CLASS in node["classes"]:
                link = nodes.reference("", "", node.deepcopy(), refuri=target, internal=False)
                link["classes"].append("download")
                node.replace_self(link)


def write_checker(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    try:
        build_checker(Path(app.outdir) / CHECKER_PATH)
    except (CheckerError, OSError) as err:
        warn(f"the standalone checker {CHECKER_NAME} was not written: {err}",
             EnvdeckWarning.CHECKER)  # fmt: skip


def setup_checker_download(app: Sphinx) -> None:
    app.add_role("envdeck-checker", CheckerRole())
    app.add_post_transform(LinkChecker)
    app.connect("build-finished", write_checker)
