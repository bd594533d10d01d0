"""Write assistant/prompts/countries.json: every country's name in the 11 languages the
assistant answers in, from pycountry's ISO 3166 names and their gettext translations.

Run once when pycountry updates (it is not a dependency of the assistant):
    .venv/bin/pip install pycountry && .venv/bin/python scripts/countries.py
"""

from __future__ import annotations

import gettext
import json
import re
from pathlib import Path

import pycountry  # type: ignore[import-not-found]

OUT = Path(__file__).resolve().parents[1] / "assistant" / "prompts" / "countries.json"
LOCALES = {"ru": "ru", "id": "id", "vi": "vi", "ko": "ko", "ja": "ja", "zh": "zh_CN",
           "fr": "fr", "de": "de", "es": "es", "th": "th"}


# Bare forms that are also words or given names are left out: Vietnamese "Anh" (England;
# also "brother", and in names such as "Tuấn Anh") and "Nga" (Russia; a given name), Thai
# "อังกฤษ" (England; also "English" in "ภาษาอังกฤษ").
# Short forms news writes that ISO's names (formal ones, or dated transliterations such as
# Vietnamese "Phi-li-pi-nợ") leave out. Kept to the countries whose usual name differs from
# the ISO one in some language; a question naming a country by a form missing here is only
# not recognised (the check stays silent), but an article writing a missing form could make
# a question about that country look unanswerable, so the region's countries come first.
ALIASES = {
    "KR": {"en": ["Korea", "Republic of Korea", "RoK", "ROK"], "ru": ["Корея"],
           "id": ["Korea", "Korsel"], "vi": ["Hàn Quốc", "Đại Hàn Dân Quốc"],
           "ko": ["한국", "남한"], "ja": ["韓国"], "zh": ["韩国", "南韩"], "fr": ["Corée"],
           "de": ["Korea"], "es": ["Corea"], "th": ["เกาหลี"]},
    "KP": {"vi": ["Triều Tiên", "Bắc Triều Tiên"], "ko": ["북한"], "zh": ["北朝鲜"]},
    "US": {"en": ["USA", "U.S.", "America"], "ru": ["США", "Америка"], "id": ["AS", "Amerika"],
           "vi": ["Hoa Kỳ"], "ja": ["アメリカ"], "ko": ["미합중국"], "fr": ["USA"],
           "de": ["USA"], "es": ["EE. UU.", "EEUU"], "th": ["สหรัฐอเมริกา", "อเมริกา"]},
    "GB": {"en": ["Britain", "UK"], "ru": ["Великобритания", "Британия"],
           "id": ["Inggris"], "vi": ["Vương quốc Anh", "nước Anh"], "ja": ["イギリス"],
           "fr": ["Grande-Bretagne"], "de": ["Großbritannien"], "es": ["Gran Bretaña"],
           "th": ["สหราชอาณาจักร"]},
    "RU": {"en": ["Russia"], "ru": ["Россия"], "id": ["Rusia"], "vi": ["nước Nga"],
           "ko": ["러시아"], "ja": ["ロシア"], "fr": ["Russie"], "de": ["Russland"],
           "es": ["Rusia"], "th": ["รัสเซีย"]},
    "VN": {"ru": ["СРВ"], "ja": ["越南"], "zh": ["越南"], "id": ["Viet Nam"]},
    "CN": {"zh": ["中华人民共和国"], "id": ["Tiongkok", "RRT"], "th": ["ประเทศจีน"]},
    "KH": {"vi": ["Campuchia"], "zh": ["柬埔寨"]},
    "PH": {"vi": ["Philippines", "Phi-líp-pin"]},
    "LA": {"vi": ["Lào"], "th": ["ประเทศลาว"]},
    "MY": {"vi": ["Malaysia"]},
    "TH": {"vi": ["Thái Lan"], "th": ["ประเทศไทย"]},
    "TR": {"en": ["Turkey"], "ko": ["터키"], "vi": ["Thổ Nhĩ Kỳ"]},
    "CZ": {"vi": ["Séc"]},
}

# The everyday name, written first (what the assistant shows beside a foreign form in a
# passage), where ISO's first name is formal or dated: Vietnamese "Cộng hoà Nam Hàn" and
# "Căm Bốt" are what news calls "Hàn Quốc" and "Campuchia".
USUAL = {
    "KR": {"vi": "Hàn Quốc", "ru": "Южная Корея", "ko": "한국", "ja": "韓国", "zh": "韩国"},
    "KP": {"ru": "Северная Корея", "ko": "북한", "ja": "北朝鮮", "zh": "朝鲜"},
    "RU": {"en": "Russia", "ru": "Россия", "ko": "러시아", "ja": "ロシア",
           "th": "รัสเซีย", "es": "Rusia", "de": "Russland", "id": "Rusia"},
    "US": {"th": "สหรัฐอเมริกา"},
    "GB": {"ja": "イギリス"},
    "JP": {"vi": "Nhật Bản"},
    "CN": {"id": "Tiongkok"},
    "IN": {"vi": "Ấn Độ"},
    "ID": {"vi": "Indonesia"},
    "KH": {"vi": "Campuchia"},
    "PH": {"vi": "Philippines"},
    "MY": {"vi": "Malaysia"},
    "SG": {"vi": "Singapore"},
    "LA": {"en": "Laos", "ru": "Лаос", "vi": "Lào", "ko": "라오스", "ja": "ラオス",
           "zh": "老挝", "th": "ประเทศลาว", "es": "Laos", "id": "Laos"},
    "TH": {"th": "ประเทศไทย"},
    "AU": {"ja": "オーストラリア"},
}


def usual_first(code: str, entry: dict[str, list[str]]) -> None:
    """Put the everyday name first (adding it when ISO lacks it: never a form left out
    above, such as Vietnamese "Nga" or "Anh")."""
    for lang, name in USUAL.get(code, {}).items():
        entry[lang] = [name] + [f for f in entry.get(lang, []) if f != name]


def forms(names: list[str]) -> list[str]:
    """Usable written forms. A part in brackets is a qualifier ("Виргинские острова (США)")
    and is dropped; inverted forms with a comma ("Korea, Republic of") are left out, the
    common name covers them."""
    found: list[str] = []
    for name in names:
        form = re.sub(r"\s*[(（][^)）]*[)）]\s*", " ", name).strip()
        if form and "," not in form and form not in found:
            found.append(form)
    return found


def main() -> None:
    translators = {lang: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, [loc])
                   for lang, loc in LOCALES.items()}
    countries: dict[str, dict[str, list[str]]] = {}
    for country in pycountry.countries:
        english = [country.name, getattr(country, "common_name", ""),
                   getattr(country, "official_name", "")]
        entry = {"en": forms([n for n in english if n])}
        for lang, tr in translators.items():
            translated = [tr.gettext(n) for n in english[:2] if n]
            written = forms(translated)
            if lang == "vi":  # "Ấn-độ" is usually written "Ấn Độ"
                written += [" ".join(w[:1].upper() + w[1:] for w in f.split("-"))
                            for f in written if "-" in f]
            entry[lang] = [f for f in written if f not in entry["en"]
                           or lang in ("id", "de", "es", "fr")]
        for lang, extra in ALIASES.get(country.alpha_2, {}).items():
            entry[lang] = entry.get(lang, []) + [f for f in extra if f not in entry.get(lang, [])]
        usual_first(country.alpha_2, entry)
        countries[country.alpha_2] = {lang: fs for lang, fs in entry.items() if fs}
    OUT.write_text(json.dumps({
        "_about": "Every country (ISO 3166-1) by its written forms in the languages the "
                  "assistant answers in, generated by scripts/countries.py from pycountry. "
                  "Used to tell that a question asks about a country no article mentions, "
                  "and to give the asker's name of a country a passage writes otherwise; "
                  "each language's first form is the everyday name.",
        "countries": countries}, ensure_ascii=False, indent=0, sort_keys=True) + "\n",
        encoding="utf-8")
    print(f"{OUT}: {len(countries)} countries")


if __name__ == "__main__":
    main()
