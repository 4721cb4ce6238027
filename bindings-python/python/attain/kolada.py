"""Kolada (https://kolada.se), the database every Swedish municipality reports to: a plan's key figures fetched.

    import attain.kolada
    data = attain.kolada.fetch("rules/ostersund-2023", years="2015-2023", all=True)
    data.to_frame()

The fetch is attain-kolada's, the same as ``attain fetch``: every indicator with
``source = { kolada = … }``, for the plan's entity, riket, each peer group (its members and its
own rows) and, with ``all``, every municipality; written to the plan's ``data/`` as Kolada JSON
and returned as the rows core reads back. Källa: Kolada.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Optional, Union

from . import _native
from ._native import Observations

__all__ = ["fetch"]


def fetch(
    plan: Union[str, "os.PathLike[str]"],
    years: Union[None, str, int, Iterable[int]] = None,
    all: bool = False,
    base_url: Optional[str] = None,
    offline: bool = False,
    cache: Union[None, str, "os.PathLike[str]"] = None,
) -> Observations:
    """Fetches the plan's key figures from Kolada into its ``data/`` and returns the rows written.

    ``years``: ``"2015-2023"``, ``"2019,2021"``, a year or a list of years; ``None`` is every
    year. ``base_url``: Kolada's API (default ``https://api.kolada.se/v3``) or a server of the
    same shape. ``offline``: answer from the cache only (``cache``, default the plan's
    ``.kolada-cache/``). The GIL is released while Kolada answers.

    Raises :class:`attain.AttainIOError` naming the URL and status when Kolada does not answer,
    :class:`attain.DataError` naming the URL of a malformed answer.
    """
    if years is not None and not isinstance(years, str):
        years = str(years) if isinstance(years, int) else ",".join(str(y) for y in years)
    return _native.kolada_fetch(
        os.fspath(plan), years, all, base_url, offline, None if cache is None else os.fspath(cache)
    )
