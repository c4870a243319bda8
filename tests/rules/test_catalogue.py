"""The catalogue: five diplomas as data, validated when loaded; a sixth is a file, not code."""

import ast
import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from milieu.rules import CatalogueError, evaluate, get_catalogue, load_catalogue
from milieu.rules.catalogue import CATALOGUE_DIR
from tests.rules.builders import period

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
DATA = Path(__file__).with_name("data")
EXPECTED = {
    "bep-mpmi": "000_c61661c1e2229b11.txt",
    "bts-metiers-de-la-mesure": "001_28b7b0ff3390b6a1.txt",
    "bts-ccst": "002_2503cf1c29000fec.txt",
    "bts-ciel": "003_f06874f93b6cc55f.txt",
    "bma-bijou": "004_5ec5dbab818e0c18.txt",
}


def test_the_five_diplomas_of_the_seeds_are_in_the_catalogue() -> None:
    catalogue = get_catalogue()
    assert {i: d.seed for i, d in catalogue.diplomas.items()} == EXPECTED


def test_every_rule_cites_its_seed_file_and_a_paragraph() -> None:
    for diploma in get_catalogue().diplomas.values():
        for rule in diploma.rules:
            assert rule.ref == f"{diploma.seed} {rule.paragraph}"
            assert re.fullmatch(r"§\S+", rule.paragraph)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds absent beside the repository")
def test_numbered_paragraphs_exist_in_their_seed() -> None:
    for diploma in get_catalogue().diplomas.values():
        text = (SEEDS / diploma.seed).read_text(encoding="utf-8")
        for rule in diploma.rules:
            number = rule.paragraph[1:]
            if re.fullmatch(r"\d+(\.\d+)+", number):
                assert number in text, (
                    f"{diploma.id}/{rule.id}: {rule.paragraph} not in {diploma.seed}"
                )


def test_seed_001_competencies_and_activities_are_listed() -> None:
    mm = get_catalogue().diplomas["bts-metiers-de-la-mesure"]
    assert [c["code"] for c in mm.extra["competencies"]] == [
        "C01",
        "C02",
        "C03",
        "C04",
        "C05",
        "C06",
        "C10",
        "C14",
        "C16",
    ]
    activities = [a["code"] for a in mm.extra["activities"]]
    assert activities == [f"A4-T{i}" for i in range(1, 7)] + [f"A5-T{i}" for i in range(1, 7)]


def test_every_catalogue_rule_has_a_test_that_names_its_paragraph() -> None:
    cited: set[tuple[str, str]] = set()
    for path in Path(__file__).parent.glob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {
            node.targets[0].id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.targets[0], ast.Name)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                for decorator in node.decorator_list:
                    if (
                        isinstance(decorator, ast.Call)
                        and getattr(decorator.func, "id", None) == "cites"
                    ):
                        first, second, third = decorator.args
                        diploma = (
                            constants[first.id]
                            if isinstance(first, ast.Name)
                            else ast.literal_eval(first)
                        )
                        rule_id = ast.literal_eval(second)
                        paragraph = ast.literal_eval(third)
                        slug = (
                            unicodedata.normalize(
                                "NFKD", paragraph.replace("§", "").replace(".", "").lower()
                            )
                            .encode("ascii", "ignore")
                            .decode()
                        )
                        assert slug in node.name.replace("_", ""), (
                            f"{node.name} does not name {paragraph}"
                        )
                        cited.add((str(diploma), str(rule_id)))
    missing = [
        f"{d.id}/{r.id}"
        for d in get_catalogue().diplomas.values()
        for r in d.rules
        if (d.id, r.id) not in cited
    ]
    assert not missing, f"rules without a test: {missing}"


def test_a_sixth_diploma_is_a_file_not_code(tmp_path: Path) -> None:
    catalogue = load_catalogue([CATALOGUE_DIR, DATA])
    assert "bts-fictif" in catalogue.ids() and len(catalogue.ids()) == 6
    dossier = {
        "diploma": "bts-fictif",
        "pathway": "scolaire",
        "session": 2028,
        "training_start": "2026-09-07",
        "as_of": "2028-06-20",
        "periods": [period("2027-05-03", weeks=9)],
        "report": {"submitted_on": "2028-05-02"},
    }
    result = evaluate(dossier, catalogue=catalogue)
    below = next(f for f in result["findings"] if f["code"] == "DURATION_BELOW_MINIMUM")
    assert below["ref"] == "999_test.txt §1" and "annexe BTS Fictif, §1" in below["message"]
    assert result["weeks_required"] == {"min": 10, "max": None}
    assert evaluate(dossier)["error"]["field"] == "/diploma"  # unknown to the shipped catalogue


def _broken(tmp_path: Path, old: str, new: str, name: str = "bts-fictif.toml") -> Path:
    text = (DATA / "bts-fictif.toml").read_text(encoding="utf-8")
    assert old in text
    (tmp_path / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'severity = "blocking"',
            'severity = "fatal"',
            r"bts-fictif\.toml, ligne 43, champ /rules/0/severity : valeur \"fatal\" non admise",
        ),
        ("min = 10\n", "", r"ligne 43, champ /rules/0 : champ obligatoire manquant : min"),
        (
            'title = "Dix semaines"',
            'titre = "Dix semaines"',
            r"champ /rules/0 : champ obligatoire manquant : title",
        ),
        (
            'title = "Dix semaines"',
            'title = "Dix semaines"\ncolour = "bleu"',
            r"champ /rules/0 : champ inconnu",
        ),
        (
            'ref = "§1"\nseverity = "blocking"\npathways = ["scolaire", "formation-continue"]',
            'ref = "1"\nseverity = "blocking"\npathways = ["scolaire", "formation-continue"]',
            r"/rules/0/ref : valeur '1' mal formée",
        ),
        ('id = "certificate"', 'id = "duration"', r"règle duration en double"),
        ('key = "apprentissage"', 'key = "scolaire"', r"/pathways/1/key : voie décrite deux fois"),
        (
            'id = "bts-fictif"',
            'id = "bts-autre"',
            r"champ /id : l'identifiant doit être le nom du fichier",
        ),
        ('pathways = ["scolaire"]\ncounts', 'pathways = ["*"]\ncounts', None),
    ],
)
def test_a_broken_catalogue_file_is_refused_with_file_line_and_field(
    tmp_path: Path, old: str, new: str, expected: str | None
) -> None:
    directory = _broken(tmp_path, old, new)
    if expected is None:
        load_catalogue([directory])  # a valid variant loads
        return
    with pytest.raises(CatalogueError, match=expected):
        load_catalogue([directory])


def test_two_duration_rules_for_one_pathway_are_refused(tmp_path: Path) -> None:
    text = (DATA / "bts-fictif.toml").read_text(encoding="utf-8")
    extra = '\n[[rules]]\nid = "duration-bis"\nkind = "duration"\ntitle = "x"\ntext = "x"\nref = "§1"\nseverity = "blocking"\npathways = ["scolaire"]\nmin = 3\n'
    (tmp_path / "bts-fictif.toml").write_text(text + extra, encoding="utf-8")
    with pytest.raises(
        CatalogueError, match="deux règles « duration » s'appliquent à la voie scolaire"
    ):
        load_catalogue([tmp_path])


def test_a_diploma_defined_twice_is_refused(tmp_path: Path) -> None:
    shutil.copy(CATALOGUE_DIR / "bts-ciel.toml", tmp_path / "bts-ciel.toml")
    with pytest.raises(CatalogueError, match="déjà défini"):
        load_catalogue([CATALOGUE_DIR, tmp_path])


def test_an_empty_catalogue_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="aucun fichier"):
        load_catalogue([tmp_path])


def test_unreadable_toml_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.toml").write_text("id = ", encoding="utf-8")
    with pytest.raises(CatalogueError, match="TOML illisible"):
        load_catalogue([tmp_path])


def test_validated_files_are_remembered_by_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    load_catalogue([DATA])
    markers = list((tmp_path / "cache" / "milieu" / "catalogue-valid").iterdir())
    assert len(markers) == 1
    (tmp_path / "x").mkdir()
    broken = _broken(tmp_path / "x", 'severity = "blocking"', 'severity = "fatal"')
    with pytest.raises(CatalogueError, match="fatal"):  # new content: validated again
        load_catalogue([broken])


def test_a_derogation_reason_rule_must_name_its_derogation_and_reasons(tmp_path: Path) -> None:
    text = (DATA / "bts-fictif.toml").read_text(encoding="utf-8")
    rule = (
        '\n[[rules]]\nid = "partial-reason"\nkind = "derogation-reason"\ntitle = "x"\n'
        'text = "x"\nref = "§1"\nseverity = "warning"\npathways = ["*"]\n'
    )
    (tmp_path / "bts-fictif.toml").write_text(text + rule, encoding="utf-8")
    with pytest.raises(CatalogueError, match="champ obligatoire manquant : derogation, reasons"):
        load_catalogue([tmp_path])
    complete = rule + 'derogation = "partial"\nreasons = ["force-majeure"]\n'
    (tmp_path / "bts-fictif.toml").write_text(text + complete, encoding="utf-8")
    fictif = load_catalogue([tmp_path]).diplomas["bts-fictif"]
    assert fictif.plan("scolaire")["derogation-reason"][0].params == {
        "derogation": "partial",
        "reasons": ["force-majeure"],
    }
    wrong = complete.replace('["force-majeure"]', '["pity"]')
    (tmp_path / "bts-fictif.toml").write_text(text + wrong, encoding="utf-8")
    with pytest.raises(CatalogueError, match='valeur "pity" non admise'):
        load_catalogue([tmp_path])


def test_a_diploma_without_v11_rules_leaves_special_contracts_out() -> None:
    catalogue = load_catalogue([CATALOGUE_DIR, DATA])
    dossier = {
        "diploma": "bts-fictif",
        "pathway": "formation-continue",
        "continuing_situation": "reconversion",
        "session": 2028,
        "training_start": "2026-09-07",
        "as_of": "2028-06-20",
        "periods": [
            {"start": "2027-03-01", "end": "2027-05-07", "kind": "special-contract"},
            {"start": "2027-05-03", "end": "2027-07-09", "convention_signed_on": "2027-06-01"},
        ],
    }
    result = evaluate(dossier, catalogue=catalogue)
    assert result["weeks_completed"] == 10.0  # 19 if the special contract counted
    assert not {"SPECIAL_CONTRACT_NOT_CONFIRMED", "CONVENTION_SIGNED_LATE"} & {
        f["code"] for f in result["findings"]
    }
