"""``econ check``: margin alert rules from the command line. Exit 1 when a rule fires, 0 when
none, 2 on a bad rules file, a bad webhook URL or a webhook that does not take the alert; the
JSON printed is the JSON POSTed to the webhook (a local server on 127.0.0.1)."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from builders import FIRST_REVENUE, FIRST_USAGE, WriteParquet

from econ.cli import main

FIRES = "[rules]\ninference_share_above = 0.15\nfeature_below_action = true\n"
"""On the first upload: inference is 32.2% of revenue, deep research far below 40%."""
QUIET = "[rules]\ninference_share_above = 0.5\nplan_margin_drop_pp = 95\n"
"""On the first upload: nothing fires (32.2% share; Starter's margin down 89.8 pp)."""


@pytest.fixture
def files(write_parquet: WriteParquet) -> list[str]:
    usage = write_parquet("usage.parquet", FIRST_USAGE)
    revenue = write_parquet("revenue.parquet", FIRST_REVENUE)
    return ["--usage", str(usage), "--revenue", str(revenue)]


def rules(tmp_path: Path, text: str, name: str = "rules.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_exit_1_when_a_rule_fires(
    tmp_path: Path, files: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--rules", rules(tmp_path, FIRES), *files]) == 1
    out = capsys.readouterr().out
    assert "FIRED  inference_share_above" in out
    assert "inference $271.00 is 32.2% of revenue $842.00, above 15.0%" in out
    assert "deep_research (core): gross margin -765.4% below its action line 40.0%" in out
    assert out.rstrip().endswith("2 of 2 rules fired")


def test_exit_0_when_none_fires(
    tmp_path: Path, files: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--rules", rules(tmp_path, QUIET), *files]) == 0
    assert "no rule fired (2 rules checked)" in capsys.readouterr().out


def test_json_rules_and_json_output(
    tmp_path: Path, files: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    given = rules(tmp_path, json.dumps({"rules": {"inference_share_above": 0.15}}), "r.json")
    assert main(["check", "--rules", given, "--format", "json", *files]) == 1
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"fired", "window", "fired_rules", "rules"}
    assert data["fired"] is True and data["fired_rules"] == ["inference_share_above"]
    (rule,) = data["rules"]
    assert rule["hits"][0]["value"] == pytest.approx(271 / 842)
    assert rule["threshold"] == 0.15


def test_scenario_option_and_sample_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "s.json"
    scenario.write_text(json.dumps({"cac_usd": 100}), encoding="utf-8")
    given = rules(tmp_path, "[rules]\nsegment_ltv_cac_below = 2.5\n")
    usage = tmp_path / "u.csv"
    revenue = tmp_path / "r.csv"
    FIRST_USAGE.write_csv(usage)
    FIRST_REVENUE.write_csv(revenue)
    files = ["--usage", str(usage), "--revenue", str(revenue)]
    assert main(["check", "--rules", given, "--scenario", str(scenario), *files]) == 1
    assert "segment light: LTV:CAC 1.0x below 2.5x" in capsys.readouterr().out
    # Without a CAC no segment has an LTV:CAC: nothing to fire.
    assert main(["check", "--rules", given, *files]) == 0


@pytest.mark.parametrize(
    ("text", "name", "words"),
    [
        ("[rules]\ninference_share = 0.1\n", "rules.toml", "unknown rule 'inference_share'"),
        ("[rules]\ncompute_spiral = 1\n", "rules.toml", "'compute_spiral' is true or false"),
        ("[rules\n", "rules.toml", "not valid TOML"),
        ('{"rules": {"inference_share_above": "high"}}', "r.json", "'inference_share_above'"),
    ],
)
def test_bad_rules_exit_2_with_a_message(
    tmp_path: Path, text: str, name: str, words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--rules", rules(tmp_path, text, name)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"econ: error: {tmp_path / name}: ")
    assert words in err and "Traceback" not in err


def test_a_missing_rules_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--rules", str(tmp_path / "none.toml")]) == 2
    assert "econ: error: cannot read the rules file" in capsys.readouterr().err


def test_only_http_webhooks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    given = rules(tmp_path, FIRES)
    assert main(["check", "--rules", given, "--webhook", "file:///etc/passwd"]) == 2
    assert "--webhook takes an http:// or https:// URL" in capsys.readouterr().err


class _Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, str, bytes]]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        self.received.append((self.path, self.headers["Content-Type"], self.rfile.read(length)))
        self.send_response(500 if self.path == "/broken" else 204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def server() -> Iterator[str]:
    _Receiver.received.clear()
    httpd = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/alerts"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_the_webhook_receives_exactly_the_json_printed(
    tmp_path: Path, files: list[str], server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    given = rules(tmp_path, FIRES)
    args = ["check", "--rules", given, "--format", "json", "--webhook", server, *files]
    assert main(args) == 1
    printed = capsys.readouterr().out
    ((path, content_type, body),) = _Receiver.received
    assert path == "/alerts" and content_type == "application/json"
    assert body.decode("utf-8") + "\n" == printed
    # With the table format the webhook still gets the JSON; nothing firing still posts.
    _Receiver.received.clear()
    assert main(["check", "--rules", rules(tmp_path, QUIET), "--webhook", server, *files]) == 0
    assert json.loads(_Receiver.received[0][2])["fired"] is False


def test_a_webhook_that_cannot_be_reached_warns_and_exits_2(
    tmp_path: Path, files: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/alerts"
    assert main(["check", "--rules", rules(tmp_path, FIRES), "--webhook", url, *files]) == 2
    captured = capsys.readouterr()
    assert "FIRED" in captured.out  # the result is printed before the POST
    assert f"econ: warning: the webhook {url} did not take the alert: " in captured.err
    assert "refused" in captured.err.lower()


def test_a_webhook_answering_an_error_warns_and_exits_2(
    tmp_path: Path, files: list[str], server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = server.replace("/alerts", "/broken")
    assert main(["check", "--rules", rules(tmp_path, QUIET), "--webhook", url, *files]) == 2
    err = capsys.readouterr().err
    assert f"the webhook {url} did not take the alert: it answered HTTP 500" in err
