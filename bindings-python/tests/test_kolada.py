"""attain.kolada.fetch against a local Kolada-shaped server (http.server in a thread): the rows the CLI's fetch gives."""

from __future__ import annotations

import csv
import json
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

import attain
import attain.kolada

from conftest import REPO

# Real values (kolada/tests/fixtures/README.md says where each comes from).
FIXTURE = REPO / "kolada" / "tests" / "fixtures" / "kolada-values.csv"

PLAN = """[plan]
id = "k"
title = "Kolada"
entity = "2380"
period = "2022"
[comparison]
national = "0000"
[[goal]]
id = "1"
title = "Education"
indicators = ["N01982"]
[[indicator]]
id = "N01982"
title = "Invånare 25-64 år med eftergymnasial utbildning, andel (%)"
unit = "%"
rule = "reference"
source = { kolada = "N01982" }
"""


def _rows() -> list[dict[str, str]]:
    with FIXTURE.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


class _Kolada(BaseHTTPRequestHandler):
    """Kolada v3's data and municipality calls, 20 items a page, pages linked by next_page."""

    rows: list[dict[str, str]] = []

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        parts = url.path.strip("/").split("/")[1:]
        if parts[:1] == ["municipality"]:
            ids = sorted({r["municipality"] for r in self.rows if r["municipality"] != "0000"})
            values: list[dict[str, Any]] = [{"id": i, "title": i, "type": "K"} for i in ids]
        elif parts[:2] == ["data", "kpi"] and parts[3] == "municipality":
            kpis, muns = parts[2].split(","), parts[4].split(",")
            years = parts[6].split(",") if len(parts) > 6 else None
            values = [
                {
                    "kpi": r["kpi"],
                    "municipality": r["municipality"],
                    "period": int(r["period"]),
                    "values": [{"gender": r["gender"], "count": 1, "status": "", "value": float(r["value"]), "isdeleted": False}],
                }
                for r in self.rows
                if r["kpi"] in kpis and r["municipality"] in muns and (years is None or r["period"] in years)
            ]
        else:
            self.send_response(404)
            self.end_headers()
            return
        page = int(query.get("page", "1"))
        chunk = values[(page - 1) * 20 : page * 20]
        host = f"http://127.0.0.1:{self.server.server_address[1]}"
        more = page * 20 < len(values)
        body = {"count": len(chunk), "values": chunk, "next_page": f"{host}{url.path}?per_page=5000&page={page + 1}" if more else None}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture()
def kolada() -> Iterator[str]:
    _Kolada.rows = _rows()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Kolada)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v3"
    server.shutdown()


def _plan(tmp: Path, name: str) -> Path:
    d = tmp / name
    d.mkdir()
    (d / "plan.toml").write_text(PLAN, encoding="utf-8")
    return d


def test_fetch_returns_the_rows_written_and_the_plan_reads_them(kolada: str, tmp_path: Path) -> None:
    plan = _plan(tmp_path, "py")
    data = attain.kolada.fetch(plan, years=[2021, 2022], all=True, base_url=kolada)
    expected = [r for r in _rows() if r["kpi"] == "N01982" and r["period"] in ("2021", "2022")]
    assert len(data) == len(expected) == 293
    got = {(r["entity"], r["period"]): r["value"] for r in data.rows()}
    assert got[("2380", "2022")] == 47.24 and got[("0000", "2022")] == 46.23
    assert all(got[(r["municipality"], r["period"])] == float(r["value"]) for r in expected)
    assert (plan / "data" / "kolada-N01982.json").is_file() and (plan / ".kolada-cache").is_dir()
    report = attain.load_plan(plan).evaluate()
    assert report.indicator("N01982").value == 47.24
    # Offline, from the cache: the same rows without a server.
    again = attain.kolada.fetch(plan, years="2021-2022", all=True, base_url=kolada, offline=True)
    assert again.rows() == data.rows()
    frame = data.to_frame()
    assert len(frame) == 293 and list(frame.columns)[:3] == ["indicator", "entity", "period"]


def test_fetch_gives_the_rows_of_the_cli_fetch(kolada: str, tmp_path: Path) -> None:
    binary = next((p for p in (REPO / "target" / d / "attain" for d in ("release", "debug")) if p.is_file()), None)
    if binary is None:
        pytest.skip("the attain CLI is not built (make build)")
    py_plan, cli_plan = _plan(tmp_path, "py"), _plan(tmp_path, "cli")
    rows = attain.kolada.fetch(py_plan, years="2022", all=True, base_url=kolada).rows()
    out = subprocess.run([str(binary), "fetch", str(cli_plan), "--years", "2022", "--all", "--base-url", kolada], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert attain.Observations.load(cli_plan / "data" / "kolada-N01982.json").rows() == rows


def test_fetch_errors_name_the_url(tmp_path: Path) -> None:
    plan = _plan(tmp_path, "err")
    with pytest.raises(attain.AttainIOError, match=r"offline: the cache .* holds no answer for http://127\.0\.0\.1:9/v3/data/kpi/N01982"):
        attain.kolada.fetch(plan, years=2022, base_url="http://127.0.0.1:9/v3", offline=True)
    with pytest.raises(attain.QueryError, match="--years `20x2`"):
        attain.kolada.fetch(plan, years="20x2")
