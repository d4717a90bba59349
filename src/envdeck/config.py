"""envdeck's configuration: every value, its type and its check, in one place.

Each :class:`Option` is registered with Sphinx and validated once, at
``config-inited``.  A bad ``envdeck_*`` value is an ``[envdeck.config]`` warning and
falls back to its default; a bad ``slide`` flag is a :class:`ConfigError`, because
building the wrong rendering silently is worse than not building.  The
configuration reference in the docs is generated from :data:`OPTIONS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sphinx
from sphinx.errors import ConfigError

from .warnings_ import EnvdeckWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


def parse_flag(value: Any) -> bool:
    """Read a boolean the way a person types it on the command line (``-D name=...``)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise ValueError(f"expected one of 1/0, true/false, yes/no, on/off (any case), got {value!r}")


def choice(*choices: str) -> Callable[[Any], str]:
    """A converter accepting exactly one of ``choices``."""

    def convert(value: Any) -> str:
        if value in choices:
            return str(value)
        raise ValueError(f"expected one of {', '.join(map(repr, choices))}, got {value!r}")

    convert.choices = choices  # type: ignore[attr-defined]
    return convert


def positive_number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"expected a positive number, got {value!r}")
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"expected a positive number, got {value!r}") from None
    if not number > 0:
        raise ValueError(f"expected a positive number, got {value!r}")
    return number


def str_dict(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise ValueError(f"expected a dict with string keys, got {type(value).__name__}")
    return dict(value)


def str_list(value: Any) -> list[str]:
    if isinstance(value, str):
        # `-D name=a,b` arrives as a string.
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ValueError(f"expected a list of strings, got {value!r}")


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
        "Extra variables for page templates, besides ``slide`` and ``prose``.",
        types=(dict,),
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
        "envdeck_prose_notes",
        "show",
        choice("show", "hide"),
        "What the prose handout does with ``notes``: ``show`` them as titled "
        "instructor notes, or ``hide`` them.",
        types=(str,),
    ),
    # --- envchecks ---------------------------------------------------------
    Option(
        "envdeck_check_timeout",
        5.0,
        positive_number,
        "Seconds a single check may run before it reports ``error``.",
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
                raise ConfigError(f"invalid value for {option.name!r}: {err}") from None
            warn(
                f"invalid value for {option.name!r}: {err}; using the default {option.default!r}",
                EnvdeckWarning.CONFIG,
                location=_where_set(app, config, option.name),
            )
            converted = option.default
        config[option.name] = converted


def setup_config(app: Sphinx) -> None:
    # Sphinx 7.3 has no `description` (7.4 added it); the docs' table reads OPTIONS.
    described = sphinx.version_info >= (7, 4)
    for option in OPTIONS:
        app.add_config_value(
            option.name,
            option.default,
            option.rebuild,  # type: ignore[arg-type]
            types=frozenset(option.types),
            **({"description": option.description} if described else {}),
        )
    # Early, so every later handler sees converted values.
    app.connect("config-inited", validate_config, priority=100)
