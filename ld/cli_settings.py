"""Settings flags for click commands, generated from ld.config.SETTINGS.

Shared by :mod:`ld.cli` and :mod:`ld.cli_harvest` (and any later command
module), so that a command module never has to import the group it is
registered on.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

from ld.config import SETTINGS, Setting, load_settings

OVERRIDES = "ldpub.overrides"  # ctx.meta key of flags given before the command


def _option(setting: Setting) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A click option for one row of the settings table (None when not given)."""
    help_text = f"{setting.help} [env: {setting.env}; default: {setting.default!r}]"
    if setting.is_switch:
        return click.option(f"{setting.flag}/--no-{setting.flag[2:]}", setting.name,
                            default=None, help=help_text)
    # a value's type and range are checked by the settings table (Setting.parse), which
    # names the flag; a type click does not know (a store, a base URI) is text
    kind = {int: click.INT, float: click.FLOAT}.get(setting.type, click.STRING)
    return click.option(setting.flag, setting.name, type=kind, default=None,
                        metavar=setting.name.upper(), help=help_text)


def settings_options(func: Callable[..., Any]) -> Callable[..., Any]:
    for setting in reversed(SETTINGS):
        func = _option(setting)(func)
    return func


def with_settings(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add the settings flags to a command and resolve them once into ``settings``."""

    @settings_options
    @functools.wraps(func)
    def wrapper(**kwargs: Any) -> Any:
        ctx = click.get_current_context()
        given = {s.name: kwargs.pop(s.name) for s in SETTINGS}
        overrides = {**ctx.meta.get(OVERRIDES, {}),
                     **{k: v for k, v in given.items() if v is not None}}
        return func(settings=load_settings(**overrides), **kwargs)

    return wrapper
