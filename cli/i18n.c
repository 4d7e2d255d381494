/*
 * i18n.c -- labels of the tool's tables in Kazakh, Russian and English.
 * Keys are the English snake_case column names, so a label that has no
 * translation falls back to a readable key.
 */
#include "cli.h"

#include <string.h>

typedef struct label {
    const char *key, *kk, *ru, *en;
} label;

static const label labels[] = {
    {"code", "Коды", "Код", "Code"},
    {"name", "Атауы", "Название", "Name"},
    {"region", "Өңір", "Регион", "Region"},
    {"level", "Деңгей", "Уровень", "Level"},
    {"period", "Кезең", "Период", "Period"},
    {"year", "Жыл", "Год", "Year"},
    {"indicator", "Көрсеткіш", "Показатель", "Indicator"},
    {"value", "Мәні", "Значение", "Value"},
    {"population", "Халық саны", "Численность населения", "Population"},
    {"share", "Үлесі, %", "Доля, %", "Share, %"},
    {"n", "Бірліктер саны", "Число единиц", "Units"},
    {"max", "Ең жоғары", "Максимум", "Maximum"},
    {"min", "Ең төмен", "Минимум", "Minimum"},
    {"max_unit", "Ең жоғары өңір", "Регион с максимумом", "Highest"},
    {"min_unit", "Ең төмен өңір", "Регион с минимумом", "Lowest"},
    {"ratio_max_min", "Ең жоғары / ең төмен", "Макс./мин.", "Max/min ratio"},
    {"severity", "Деңгейі", "Уровень", "Severity"},
    {"check", "Тексеру", "Проверка", "Check"},
    {"unit", "Бірлік", "Единица", "Unit"},
    {"line", "Жол", "Строка", "Line"},
    {"message", "Хабарлама", "Сообщение", "Message"},
    {"error", "қате", "ошибка", "error"},
    {"warning", "ескерту", "предупреждение", "warning"},
    {"status", "Күйі", "Статус", "Status"},
    {"matched", "сәйкес келді", "сопоставлено", "matched"},
    {"unmatched", "сәйкес келмеді", "не сопоставлено", "unmatched"},
    {"ambiguous", "екіұшты", "неоднозначно", "ambiguous"},
    {"regional_summary", "Өңірлік шолу", "Региональная сводка", "Regional summary"},
    {"grp_per_capita", "Жан басына шаққандағы ЖӨӨ, мың теңге", "ВРП на душу населения, тыс. тенге",
     "GRP per capita, thousand tenge"},
    {NULL, NULL, NULL, NULL}};

int cli_lang(const char *name, const char **out)
{
    if (!name) {
        *out = "en";
        return 0;
    }
    if (strcmp(name, "kk") && strcmp(name, "ru") && strcmp(name, "en"))
        return cli_usage_error("--lang must be kk, ru or en, not '%s'", name);
    *out = name;
    return 0;
}

const char *cli_label(const char *lang, const char *key)
{
    for (const label *l = labels; l->key; l++) {
        if (strcmp(l->key, key) != 0)
            continue;
        if (lang && strcmp(lang, "kk") == 0)
            return l->kk;
        if (lang && strcmp(lang, "ru") == 0)
            return l->ru;
        return l->en;
    }
    return key;
}
