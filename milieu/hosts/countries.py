"""Countries offered for a host (ISO 3166-1 alpha-2 code, French name).

France first, then the countries where PFMP and BTS stays abroad most often take place
(European Union, its neighbours, then the rest of the world). Data, not code: add a line to
offer another country.
"""

from __future__ import annotations

FRANCE = "FR"

COUNTRIES: tuple[tuple[str, str], ...] = (
    ("FR", "France"),
    ("DE", "Allemagne"),
    ("AT", "Autriche"),
    ("BE", "Belgique"),
    ("BG", "Bulgarie"),
    ("CY", "Chypre"),
    ("HR", "Croatie"),
    ("DK", "Danemark"),
    ("ES", "Espagne"),
    ("EE", "Estonie"),
    ("FI", "Finlande"),
    ("GR", "Grèce"),
    ("HU", "Hongrie"),
    ("IE", "Irlande"),
    ("IT", "Italie"),
    ("LV", "Lettonie"),
    ("LT", "Lituanie"),
    ("LU", "Luxembourg"),
    ("MT", "Malte"),
    ("NL", "Pays-Bas"),
    ("PL", "Pologne"),
    ("PT", "Portugal"),
    ("CZ", "Tchéquie"),
    ("RO", "Roumanie"),
    ("SK", "Slovaquie"),
    ("SI", "Slovénie"),
    ("SE", "Suède"),
    ("AD", "Andorre"),
    ("IS", "Islande"),
    ("LI", "Liechtenstein"),
    ("MC", "Monaco"),
    ("NO", "Norvège"),
    ("GB", "Royaume-Uni"),
    ("CH", "Suisse"),
    ("DZ", "Algérie"),
    ("CA", "Canada"),
    ("CN", "Chine"),
    ("US", "États-Unis"),
    ("JP", "Japon"),
    ("MA", "Maroc"),
    ("SN", "Sénégal"),
    ("TN", "Tunisie"),
)

COUNTRY_NAMES: dict[str, str] = dict(COUNTRIES)


def country_name(code: str) -> str:
    return COUNTRY_NAMES.get(code.upper(), code.upper())
