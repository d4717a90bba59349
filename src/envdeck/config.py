"""envdeck's configuration: every value, its type and its check, in one place.

Each :class:`Option` is registered with Sphinx and validated once, at
``config-inited``.  A bad ``envdeck_*`` value is an ``[envdeck.config]`` warning and
falls back to its default; a bad ``slide`` flag is a :class:`ConfigError`, because
building the wrong rendering silently is worse than not building.  The
configuration reference in the docs is generated from :data:`OPTIONS`.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sphinx
from sphinx.errors import ConfigError

from .checks.errors import MAX_TIMEOUT
from .checks.values import find_project, flag_word, parse_seconds
from .jinja_limits import DEFAULT_MAX_OUTPUT, DEFAULT_SECONDS
from .translations import __
from .warnings_ import EnvdeckWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config


def parse_flag(value: Any) -> bool:
    """Read a boolean the way a person types it on the command line (``-D name=...``)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and (flag := flag_word(value)) is not None:
        return flag
    raise ValueError(
        __("expected one of 1/0, true/false, yes/no, on/off (any case), got {value!r}").format(
            value=value
        )
    )


def choice(*choices: str) -> Callable[[Any], str]:
    """A converter accepting exactly one of ``choices``."""

    def convert(value: Any) -> str:
        if value in choices:
            return str(value)
        raise ValueError(
            __("expected one of {choices}, got {value!r}").format(
                choices=", ".join(map(repr, choices)), value=value
            )
        )

    convert.choices = choices  # type: ignore[attr-defined]
    return convert


def seconds(value: Any) -> float:
    """A timeout: a finite number of seconds above 0, at most an hour."""
    return parse_seconds(value, MAX_TIMEOUT)


def count(lowest: int, highest: int) -> Callable[[Any], int]:
    """A converter accepting a whole number from ``lowest`` to ``highest``."""

    def convert(value: Any) -> int:
        wrong = ValueError(
            __("expected a whole number from {lowest:,} to {highest:,}, got {value!r}").format(
                lowest=lowest, highest=highest, value=value
            )
        )
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise wrong
        try:
            number = float(value) if not isinstance(value, int) else value
        except ValueError:
            raise wrong from None
        if isinstance(number, float) and not (math.isfinite(number) and number.is_integer()):
            raise wrong
        if not lowest <= number <= highest:
            raise wrong
        return int(number)

    convert.bounds = (lowest, highest)  # type: ignore[attr-defined]
    return convert


def str_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        # `-D envdeck_context='{"course": "Intro"}'` arrives as a string: a JSON object.
        try:
            value = json.loads(value)
        except ValueError as err:
            raise ValueError(
                __("expected a JSON object, got {value!r} ({err})").format(value=value, err=err)
            ) from None
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise ValueError(
            __("expected a dict with string keys, got {type}").format(type=type(value).__name__)
        )
    return dict(value)


def str_list(value: Any) -> list[str]:
    if isinstance(value, str):
        # `-D name=a,b` arrives as a string.
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ValueError(__("expected a list of strings, got {value!r}").format(value=value))


def directory(value: Any) -> str:
    """A directory path as written (resolved against conf.py's directory later)."""
    if isinstance(value, (str, os.PathLike)):
        return os.fspath(value)
    raise ValueError(__("expected a directory path, got {value!r}").format(value=value))


@dataclass(frozen=True)
class Option:
    """One configuration value of envdeck."""

    name: str
    default: Any
    convert: Callable[[Any], Any]
    description: str
    rebuild: str = "env"
    types: Sequence[type] = field(default_factory=tuple)
    #: a bad value raises ConfigError instead of warning and falling back
    strict: bool = False

    @property
    def choices(self) -> tuple[str, ...] | None:
        return getattr(self.convert, "choices", None)


class LateDefault:
    """A default Sphinx computes when it is read: ``-D`` then passes its string on.

    Sphinx converts a ``-D`` string by the type of the default, and refuses a float or
    a dict ("unsupported type, ignoring"); for a callable default it keeps the string,
    which :func:`validate_config` converts as it converts a conf.py value.
    """

    def __init__(self, value: Any) -> None:
        self.value = value

    def __call__(self, config: Config) -> Any:
        return self.value.copy() if isinstance(self.value, (dict, list)) else self.value

    def __repr__(self) -> str:
        return repr(self.value)


OPTIONS: list[Option] = [
    # --- the rendering flag ------------------------------------------------
    Option(
        "slide",
        False,
        parse_flag,
        "Build the slide deck (true) or the prose handout (false). Set it with "
        "``-D slide=1``; accepts 1/0, true/false, yes/no, on/off in any case.",
        types=(bool, str, int),
        strict=True,
    ),
    # --- templating --------------------------------------------------------
    Option(
        "envdeck_context",
        {},
        str_dict,
        "Extra variables for page templates, besides ``slide`` and ``prose``. With "
        "``-D``: a JSON object, or one variable as ``-D envdeck_context.name=value``.",
        types=(dict, str),
    ),
    Option(
        "envdeck_jinja_timeout",
        DEFAULT_SECONDS,
        seconds,
        "Seconds a page's template may run (at most 3600); then it is stopped with an "
        "``[envdeck.jinja]`` warning and the page is used as written.",
        types=(int, float, str),
    ),
    Option(
        "envdeck_jinja_max_output",
        DEFAULT_MAX_OUTPUT,
        count(1_000, 1_000_000_000),
        "Characters a page's template may produce, and the size of any value it makes; "
        "past it the template is stopped as for the timeout.",
        types=(int, float, str),
    ),
    Option(
        "envdeck_templates",
        "auto",
        choice("auto", "all", "none"),
        "Which source files go through Jinja: ``auto`` (those that use ``slide``, "
        "``prose`` or a context variable), ``all``, or ``none``. A page's front "
        "matter ``envdeck: template`` or ``envdeck: literal`` overrides ``auto``.",
        types=(str,),
    ),
    # --- slides ------------------------------------------------------------
    Option(
        "envdeck_theme",
        "white",
        choice(
            "black",
            "white",
            "league",
            "beige",
            "sky",
            "night",
            "serif",
            "simple",
            "solarized",
            "blood",
            "moon",
            "dracula",
        ),
        "The reveal.js theme of the deck.",
        rebuild="html",
        types=(str,),
    ),
    Option(
        "envdeck_transition",
        "slide",
        choice("none", "fade", "slide", "convex", "concave", "zoom"),
        "The reveal.js transition between slides.",
        rebuild="html",
        types=(str,),
    ),
    Option(
        "envdeck_aspect_ratio",
        "16:9",
        choice("16:9", "16:10", "4:3"),
        "The slide frame's aspect ratio.",
        rebuild="html",
        types=(str,),
    ),
    Option(
        "envdeck_slide_numbers",
        True,
        parse_flag,
        "Show slide numbers on the deck.",
        rebuild="html",
        types=(bool, str, int),
    ),
    Option(
        "envdeck_woff2",
        True,
        parse_flag,
        "Serve the deck theme's fonts as WOFF2 (fontTools re-encodes the WOFF files "
        "reveal.js ships, losslessly: a third fewer bytes), the WOFF files kept for "
        "browsers without WOFF2. False: the WOFF files alone.",
        rebuild="html",
        types=(bool, str, int),
    ),
    Option(
        "envdeck_prose_notes",
        "show",
        choice("show", "hide"),
        "What the prose handout does with ``notes``: ``show`` them as titled "
        "instructor notes, or ``hide`` them.",
        types=(str,),
    ),
    Option(
        "envdeck_handout_style",
        False,
        parse_flag,
        "Give the prose HTML handout envdeck's reading and print style: "
        "section headings down to h6 stay visibly headings, Alabaster's footer gets "
        "an AA contrast, and on paper the navigation goes, the text takes the page "
        "width at 11pt and no card, check or code block is cut across two pages. "
        "Off by default: loading envdeck then leaves a theme's pages exactly as they "
        "were, and styles only envdeck's own elements (checks, cards, notes).",
        rebuild="html",
        types=(bool, str, int),
    ),
    # --- envchecks ---------------------------------------------------------
    Option(
        "envdeck_project",
        "",
        directory,
        "The project directory that checks look at (its ``pyproject.toml``, "
        "``uv.lock``, ``.gitignore`` and ``.venv``) when an envcheck names no "
        "``:project:``; relative to the directory of ``conf.py``. Empty (the default): "
        "the nearest directory upwards from ``conf.py``'s with a ``pyproject.toml`` or "
        "``uv.lock`` (``docs/conf.py`` finds the project above it), as ``envdeck check`` "
        "finds it; else the directory of ``conf.py``.",
        types=(str, Path),
    ),
    Option(
        "envdeck_check_timeout",
        5.0,
        seconds,
        "Seconds a single check may run before it reports ``error`` (at most 3600).",
        types=(int, float, str),
    ),
    Option(
        "envdeck_check_failures",
        "warning",
        choice("warning", "error", "silent"),
        "How a failing check is reported at build time: an ``[envdeck.check]`` "
        "``warning`` (fails the build under ``-W``), an ``error``, or ``silent``.",
        rebuild="",
        types=(str,),
    ),
    Option(
        "envdeck_env_allowlist",
        [],
        str_list,
        "Environment variables whose values checks may publish. By default no "
        "value is ever shown, only whether a variable is set.",
        types=(list, tuple, str),
    ),
    Option(
        "envdeck_timestamps",
        False,
        parse_flag,
        "Stamp check results with the time they ran (``SOURCE_DATE_EPOCH`` is "
        "honoured). Off by default, for reproducible output.",
        types=(bool, str, int),
    ),
]

OPTIONS_BY_NAME = {option.name: option for option in OPTIONS}


def _where_set(app: Sphinx, config: Config, name: str) -> str | None:
    """``conf.py:LINE`` where the value is assigned; None for ``-D`` or when not found."""
    if name in getattr(config, "_overrides", {}) or not app.confdir:
        return None
    conf_py = Path(app.confdir) / "conf.py"
    try:
        lines = conf_py.read_text("utf8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    assignment = re.compile(rf"\s*{re.escape(name)}\s*[:=]")
    for number, line in enumerate(lines, start=1):
        if assignment.match(line):
            # "path:line" is a location as it stands (a bare path would be a docname).
            return f"{conf_py}:{number}"
    return None


def user_set(config: Config, name: str) -> bool:
    """Whether the user set ``name`` in conf.py or with ``-D`` (their value wins)."""
    # Private, but present and unchanged from Sphinx 7.3 to 9.x (covered by a test).
    raw = getattr(config, "_raw_config", {})
    overrides = getattr(config, "_overrides", {})
    return name in raw or name in overrides


def validate_config(app: Sphinx, config: Config) -> None:
    """Convert every envdeck value in place; warn and fall back on a bad one."""
    if not user_set(config, "show_warning_types"):
        # Warnings end in their type (`[envdeck.check]`), as Sphinx 8 prints them by
        # default; Sphinx 7 prints them only when asked.
        config.show_warning_types = True
    for option in OPTIONS:
        value = config[option.name]
        try:
            converted = option.convert(value)
        except ValueError as err:
            if option.strict:
                raise ConfigError(
                    __("invalid value for {name!r}: {err}").format(name=option.name, err=err)
                ) from None
            warn(
                __("invalid value for {name!r}: {err}; using the default {default!r}").format(
                    name=option.name, err=err, default=option.default
                ),
                EnvdeckWarning.CONFIG,
                location=_where_set(app, config, option.name),
            )
            converted = option.default
        config[option.name] = converted
    config.envdeck_project = project_directory(app, config)


def project_directory(app: Sphinx, config: Config) -> str:
    """``envdeck_project`` as an absolute path: the value found when it is empty, and
    after a warning when the directory it names does not exist."""
    confdir = str(app.confdir or app.srcdir)
    raw = config.envdeck_project
    if raw:
        path = os.path.abspath(os.path.join(confdir, os.path.expanduser(raw)))
        if os.path.isdir(path):
            return path
        warn(
            __(
                "invalid value for 'envdeck_project': {raw!r} is not a directory (it is "
                "relative to the directory of conf.py); using the project found from there"
            ).format(raw=raw),
            EnvdeckWarning.CONFIG,
            location=_where_set(app, config, "envdeck_project"),
        )
    return str(find_project(Path(confdir)))


#: The last second datetime can show (9999-12-31 23:59:59 UTC).
MAX_EPOCH = 253_402_300_799


def source_date_epoch() -> int | None:
    """``SOURCE_DATE_EPOCH`` as seconds, None when unset or unusable (see check_environment)."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    # ASCII digits only: "²" is a digit to str.isdigit() but not to int().
    if not re.fullmatch(r"[0-9]{1,12}", raw) or int(raw) > MAX_EPOCH:
        return None
    return int(raw)


def check_environment(app: Sphinx, config: Config) -> None:
    """Environment variables envdeck reads, checked where they enter."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if config.envdeck_timestamps and raw and source_date_epoch() is None:
        # The value itself is not repeated: pages and logs never show the environment.
        warn(
            __(
                "SOURCE_DATE_EPOCH is not a whole number of seconds from 0 to "
                "{most} (the year 9999); check results are stamped with the time "
                "they ran instead"
            ).format(most=MAX_EPOCH),
            EnvdeckWarning.CONFIG,
        )


def setup_config(app: Sphinx) -> None:
    # Sphinx 7.3 has no `description` (7.4 added it); the docs' table reads OPTIONS.
    described = sphinx.version_info >= (7, 4)
    for option in OPTIONS:
        plain = isinstance(option.default, (str, bool))
        app.add_config_value(
            option.name,
            option.default if plain else LateDefault(option.default),
            option.rebuild,  # type: ignore[arg-type]
            types=frozenset(option.types),
            **({"description": option.description} if described else {}),
        )
    # Early, so every later handler sees converted values.
    app.connect("config-inited", validate_config, priority=100)
    app.connect("config-inited", check_environment, priority=101)
