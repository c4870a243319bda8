"""`milieu check` and `milieu rules`: the command-line door to the engine (contract v1)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from milieu.cli import main
from milieu.rules import dumps_verdict, evaluate
from tests.rules.builders import dossier, period

GOOD = dossier("bts-ciel")
BAD = {**dossier("bts-ciel"), "id": "bad", "periods": [period("2027-05-31", "2027-05-01")]}
SHORT = dossier("bts-metiers-de-la-mesure", id="short", periods=[period("2027-05-03", weeks=8)])


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_one_object_gives_one_verdict_object(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "check", write(tmp_path, "d.json", json.dumps(GOOD)))
    assert code == 0 and err == ""
    assert out == dumps_verdict(evaluate(GOOD)) + "\n"
    assert json.loads(out)["status"] == "compliant"


def test_an_array_gives_an_array_and_exit_1_when_a_dossier_is_in_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "check", write(tmp_path, "d.json", json.dumps([GOOD, BAD, SHORT])))
    assert code == 1
    results = json.loads(out)
    assert [r.get("status") for r in results] == ["compliant", None, "non-compliant"]
    assert results[1] == {
        "id": "bad",
        "error": {"field": "/periods/0/end", "message": results[1]["error"]["message"]},
    }


def test_json_lines_give_json_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "\n".join(json.dumps(d) for d in (GOOD, SHORT)) + "\n\n"
    code, out, _ = run(capsys, "check", write(tmp_path, "d.jsonl", text))
    assert code == 0
    lines = out.splitlines()
    assert lines == [dumps_verdict(evaluate(GOOD)), dumps_verdict(evaluate(SHORT))]


def test_an_empty_array_is_no_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "check", write(tmp_path, "d.json", "[]")) == (0, "[]\n", "")


def test_several_files_are_judged_in_turn(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = write(tmp_path, "a.json", json.dumps(GOOD))
    second = write(tmp_path, "b.json", json.dumps(SHORT))
    code, out, _ = run(capsys, "check", first, second)
    assert code == 0 and [json.loads(line)["id"] for line in out.splitlines()] == [
        "test-bts-ciel",
        "short",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{bad", "JSON invalide ligne 1"),
        ("", "entrée vide"),
        ('{"a": 1}\n{oops}\n', "JSON Lines invalide ligne 2"),
    ],
)
def test_unreadable_input_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    code, out, err = run(capsys, "check", write(tmp_path, "d.json", content))
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1


def test_a_missing_file_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", "/nonexistent/dossier.json")
    assert code == 2 and "fichier introuvable" in err and err.count("\n") == 1


def test_text_format_is_a_french_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "check", "--format", "text", write(tmp_path, "d.json", json.dumps([SHORT, BAD]))
    )
    assert code == 1
    assert "Statut : non conforme" in out
    assert "[bloquant] DURATION_BELOW_MINIMUM : 8 semaines effectuées sur 12 requises" in out
    assert "référence : 001_28b7b0ff3390b6a1.txt §3" in out
    assert "Dossier bad — impossible à juger" in out and "Champ /periods/0/end" in out


def test_as_of_option_is_the_default_judging_day(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    undated = {k: v for k, v in GOOD.items() if k != "as_of"}
    path = write(tmp_path, "d.json", json.dumps(undated))
    _, out, _ = run(capsys, "check", "--as-of", "2027-06-15", path)
    assert json.loads(out)["status"] == "pending"
    code, _, err = run(capsys, "check", "--as-of", "demain", path)
    assert code == 2 and "--as-of" in err


def test_rules_list_and_show(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "list")
    assert code == 0
    for diploma in ("bep-mpmi", "bts-metiers-de-la-mesure", "bts-ccst", "bts-ciel", "bma-bijou"):
        assert diploma in out
    code, out, _ = run(capsys, "rules", "show", "bts-ccst")
    assert code == 0
    assert "Une période d'au moins 4 semaines consécutives en première année" in out
    assert "référence : 002_2503cf1c29000fec.txt §B.1" in out
    assert "gravité : bloquant" in out and "décision :" in out


def test_rules_show_of_an_unknown_diploma_says_which_exist(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "rules", "show", "bts-x")
    assert code == 2 and "bts-ciel" in err


def _milieu(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, "-m", "milieu.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_the_command_reads_standard_input_and_does_not_load_django() -> None:
    probe = "import sys, runpy; sys.argv=['milieu','check','-']; code=0\ntry:\n runpy.run_module('milieu.cli', run_name='__main__')\nexcept SystemExit as e:\n code=e.code\nprint('DJANGO' if 'django' in sys.modules else 'PURE', file=sys.stderr); sys.exit(code)"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        input=json.dumps(GOOD),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "compliant"
    assert result.stderr.strip() == "PURE"


def test_no_progress_bar_when_standard_error_is_not_a_terminal() -> None:
    batch = json.dumps([GOOD] * 2500)
    result = _milieu("check", "-", stdin=batch)
    assert result.returncode == 0 and result.stderr == ""
    assert len(json.loads(result.stdout)) == 2500


def test_other_commands_go_to_django() -> None:
    result = _milieu("check", "--help")
    assert result.returncode == 0 and "FICHIER" in result.stdout
    env = {**os.environ}
    done = subprocess.run(
        [sys.executable, "-m", "milieu.cli", "help"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0 and "migrate" in done.stdout


def test_a_progress_bar_on_a_terminal_for_a_large_batch(tmp_path: Path) -> None:
    import pty

    path = write(tmp_path, "batch.json", json.dumps([GOOD] * 2500))
    primary, secondary = pty.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "milieu.cli", "check", path],
            stdout=subprocess.PIPE,
            stderr=secondary,
            check=False,
        )
        os.close(secondary)
        shown = b""
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(primary)
    assert result.returncode == 0 and len(json.loads(result.stdout)) == 2500
    assert b"2500/2500 dossiers" in shown
