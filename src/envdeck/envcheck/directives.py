"""The ``envcheck`` and ``envcheck-report`` directives: what a page asks for.

A directive checks its options against the check it names, records an
:class:`~.state.EnvcheckUse` and leaves a placeholder node (:mod:`.nodes`).
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from .. import checks
from ..translations import __
from ..warnings_ import EnvdeckWarning, warn
from .nodes import envcheck_node, envcheck_report_node
from .state import EXPECTABLE, CheckRequest, EnvcheckUse, get_data, known_checks

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: How much of a result a block shows; each level includes the ones before it.
SHOW_LEVELS = ("summary", "facts", "details")
DEFAULT_SHOW = "facts"

OWN_OPTIONS = ("project", "expect", "show", "title")

_FIELD_OPTION = re.compile(r"\s*:([^:\s][^:]*):(?:\s|$)")
_YAML_OPTION = re.compile(r"([^\s:#][^:]*):(?:\s|$)")


_OPENING = re.compile(r"\s*(`{3,}|~{3,}|:{3,}|\.\. )")


def repeated_options(block_text: str) -> list[str]:
    """Options named more than once in a directive's text.

    MyST keeps the last of them without a word (docutils refuses an rST directive
    with a repeated option before it runs): ``:show:`` twice is a mistake to report.
    """
    lines = block_text.splitlines()[1:]  # the opening line names no option
    names: list[str] = []
    if lines and lines[0].strip() == "---":  # a YAML block of options
        for line in lines[1:]:
            if line.startswith("---"):
                break
            match = _YAML_OPTION.match(line)
            if match:
                names.append(match.group(1).strip())
    else:
        for line in lines:
            match = _FIELD_OPTION.match(line)
            if not match:
                break
            names.append(match.group(1).strip())
    return sorted({name for name in names if names.count(name) > 1})


class AnyOptions(dict[str, Any]):
    """An option_spec that takes every option name, as a raw string.

    Which options are valid depends on the check named in the argument, which the
    parsers do not know: docutils would stop at an unknown name with an untyped
    error naming no choices, MyST would list every check's options.  run() checks
    the names and values against the check instead (as Sphinx's autodoc directives
    take any option, with their ``DummyOptionSpec``).
    """

    def __bool__(self) -> bool:
        return True  # MyST looks for options only when a directive has some

    def __getitem__(self, key: str) -> Any:
        return directives.unchanged

    def __contains__(self, key: object) -> bool:
        return True

    def get(self, key: str, default: Any = None) -> Any:
        return directives.unchanged


class _EnvcheckBase(SphinxDirective):
    def warn(self, message: str, **fields: Any) -> None:
        """A typed warning at the directive: ``message`` translated, then filled in.

        ``message`` is written out at the call, where ``pybabel extract -k warn``
        finds it."""
        warn(__(message).format(**fields), EnvdeckWarning.DIRECTIVE, location=self.get_location())

    def warn_repeated(self) -> None:
        for option in repeated_options(self.directive_text()):
            value = self.options.get(option) or ""
            if value:
                self.warn(
                    "{name}: :{option}: is given more than once; the last ({value!r}) is used",
                    name=self.name,
                    option=option,
                    value=value,
                )
            else:
                self.warn(
                    "{name}: :{option}: is given more than once", name=self.name, option=option
                )

    def directive_text(self) -> str:
        """The directive as written, opening line and options included.

        MyST-Parser before 5 passes the body alone as ``block_text``; then the page's
        source (as the parser read it, after the Jinja stage) gives the lines.
        """
        if _OPENING.match(self.block_text):
            return self.block_text
        source = self.env.temp_data.get(_SOURCE_KEY)
        if source is None:
            return ""
        lines = source.splitlines()[self.lineno - 1 :]
        if not lines or self.name not in lines[0] or not _OPENING.match(lines[0]):
            return ""  # an included file's line: its text is not at hand
        return "\n".join(lines)

    def project(self) -> str | None:
        """The checked directory, absolute; None (after a warning) if it does not exist."""
        confdir = get_data(self.env).confdir or str(self.env.srcdir)
        raw = self.options.get("project", "").strip()
        if not raw:  # envdeck_project, made absolute and checked at config-inited
            return str(self.config.envdeck_project)
        # abspath, not resolve(): a thousand directives should not cost a thousand
        # walks through symlinks.
        path = os.path.abspath(os.path.join(confdir, raw))
        if not os.path.isdir(path):
            self.warn(
                "{name}: the :project: directory {raw!r} does not exist "
                "(it is relative to the directory of conf.py); the check is left out",
                name=self.name,
                raw=raw,
            )
            return None
        return path

    def request(self, name: str, project: str, options: dict[str, str]) -> CheckRequest:
        return CheckRequest(
            name=name,
            project=project,
            options=tuple(sorted(options.items())),
            timeout=float(self.config.envdeck_check_timeout),
            env_allowlist=tuple(sorted(self.config.envdeck_env_allowlist)),
        )

    def node_id(self) -> str:
        # Unique across pages too: singlehtml and LaTeX put every page in one file.
        serial = self.env.new_serialno("envcheck")
        return nodes.make_id(f"envcheck-{self.env.docname}-{serial}")


class EnvcheckDirective(_EnvcheckBase):
    """``envcheck NAME``: run a check of the build environment and show its result."""

    required_arguments = 0  # a missing name gets our warning, not a parse error
    optional_arguments = 1
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = AnyOptions()

    def run(self) -> list[nodes.Node]:
        self.warn_repeated()
        name = self.arguments[0] if self.arguments else ""
        if name not in checks.check_names():
            if name:
                self.warn(
                    "envcheck: unknown check {name!r}; the checks are: {known}",
                    name=name,
                    known=known_checks(),
                )
            else:
                self.warn("envcheck: no check named; the checks are: {known}", known=known_checks())
            return []
        check = checks.get_check(name)

        expect = self.options.get("expect", "").strip().lower() or None
        if expect is not None and expect not in EXPECTABLE:
            self.warn(
                "envcheck: invalid :expect: {expect!r}; use one of {choices}",
                expect=expect,
                choices=", ".join(EXPECTABLE),
            )
            expect = None
        show = self.options.get("show", "").strip().lower() or DEFAULT_SHOW
        if show not in SHOW_LEVELS:
            self.warn(
                "envcheck: invalid :show: {show!r}; use one of {choices}",
                show=show,
                choices=", ".join(SHOW_LEVELS),
            )
            show = DEFAULT_SHOW

        options: dict[str, str] = {}
        for option, value in self.options.items():
            if option in OWN_OPTIONS:
                continue
            if option not in check.options:
                own = ", ".join(f":{o}:" for o in check.options) or __("none")
                common = ", ".join(f":{o}:" for o in OWN_OPTIONS)
                self.warn(
                    "envcheck: the {name!r} check has no :{option}: option; it is ignored "
                    "(its own options: {own}; every envcheck takes {common})",
                    name=name,
                    option=option,
                    own=own,
                    common=common,
                )
                continue
            try:
                check.options[option](value)
            except ValueError as err:
                self.warn(
                    "envcheck {name!r}: invalid :{option}: {value!r}: {err}",
                    name=name,
                    option=option,
                    value=value,
                    err=err,
                )
                continue
            options[option] = value

        project = self.project()
        if project is None:
            return []
        node_id = self.node_id()
        use = EnvcheckUse(
            request=self.request(name, project, options),
            docname=self.env.docname,
            lineno=self.lineno,
            location=self.get_location(),
            node_id=node_id,
            title=self.options.get("title", "").strip(),
            expect=expect,
        )
        get_data(self.env).add_use(use)
        node = envcheck_node(
            "", ids=[node_id], key=use.request.key, title=use.title, expect=expect, show=show
        )
        self.set_source_info(node)
        # A label, so that reports (and authors, with :ref:) link to this envcheck.
        node["names"].append(node_id)
        self.state.document.note_explicit_target(node, node)
        return [node]


class EnvcheckReportDirective(_EnvcheckBase):
    """``envcheck-report [NAME ...]``: cards of checks, and a table of every envcheck."""

    required_arguments = 0
    optional_arguments = 1
    final_argument_whitespace = True
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = AnyOptions()
    #: option -> whether it takes a value (the others are flags)
    OPTIONS: ClassVar[dict[str, bool]] = {"project": True, "no-cards": False, "no-table": False}

    def flags(self) -> set[str]:
        """The flags given; a typed warning for any other option or a flag's value."""
        given: set[str] = set()
        for option, value in self.options.items():
            if option not in self.OPTIONS:
                valid = ", ".join(f":{o}:" for o in self.OPTIONS)
                self.warn(
                    "envcheck-report: no :{option}: option; it is ignored (options: {valid})",
                    option=option,
                    valid=valid,
                )
            elif not self.OPTIONS[option]:
                if value and value.strip():
                    self.warn(
                        "envcheck-report: :{option}: takes no value, got {value!r}",
                        option=option,
                        value=value,
                    )
                given.add(option)
        return given

    def run(self) -> list[nodes.Node]:
        self.warn_repeated()
        flags = self.flags()
        asked = re.split(r"[\s,]+", self.arguments[0].strip()) if self.arguments else []
        known = checks.check_names()
        unknown = [name for name in asked if name not in known]
        if unknown:
            self.warn(
                "envcheck-report: unknown check(s) {unknown} are left out; the checks are: {known}",
                unknown=", ".join(map(repr, unknown)),
                known=known_checks(),
            )
        names = [name for name in asked if name in known] if asked else known
        names = list(dict.fromkeys(names))
        project = self.project()
        data = get_data(self.env)
        keys: list[str] = []
        # Without cards, the report asks for no check of its own.
        if project is not None and "no-cards" not in flags:
            for name in names:
                use = EnvcheckUse(
                    request=self.request(name, project, {}),
                    docname=self.env.docname,
                    lineno=self.lineno,
                    location=self.get_location(),
                    node_id="",
                    in_report=True,
                )
                data.add_use(use)
                keys.append(use.request.key)
        data.reports.add(self.env.docname)
        node = envcheck_report_node(
            "",
            ids=[self.node_id()],
            keys=keys,
            cards="no-cards" not in flags,
            table="no-table" not in flags,
        )
        self.set_source_info(node)
        return [node]


_SOURCE_KEY = "envdeck_source"


def remember_source(app: Sphinx, docname: str, source: list[str]) -> None:
    """Keep the text the parser will read, for the lifetime of the page's reading."""
    app.env.temp_data[_SOURCE_KEY] = source[0]
