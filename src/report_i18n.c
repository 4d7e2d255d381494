/*
 * report_i18n.c -- the report's words and numbers in Kazakh, Russian and
 * English. Kazakh (Cyrillic) and Russian write numbers as statistics
 * offices there print them: a space between thousands and a decimal comma
 * (19 974,1); English writes 19,974.1.
 */
#include "report_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct rstr {
    const char *key, *kk, *ru, *en;
} rstr;

static const rstr strs[] = {
    {"title", "Өңірлік даму: есеп", "Региональное развитие: отчёт", "Regional development report"},
    {"in_brief", "Қысқаша", "Кратко", "In brief"},
    {"latest_year", "Соңғы жыл", "Последний год", "Latest year"},
    {"units_n", "Өңірлер саны", "Число регионов", "Regions"},
    {"highest", "Ең жоғары", "Максимум", "Highest"},
    {"lowest", "Ең төмен", "Минимум", "Lowest"},
    {"ratio_max_min", "Ең жоғары мәннің ең төменге қатынасы", "Отношение максимума к минимуму",
     "Max/min ratio"},
    {"gini", "Джини коэффициенті", "Коэффициент Джини", "Gini coefficient"},
    {"weighted_by_pop", "халық санымен салмақталған", "взвешен по численности населения",
     "population-weighted"},
    {"theil", "Тейл индексі (T)", "Индекс Тейла (T)", "Theil index (T)"},
    {"map", "Өңірлер картасы", "Карта регионов", "Map of regions"},
    {"class_map", "Даму әлеуетінің кластары", "Классы потенциала развития", "Development potential classes"},
    {"class_map_placed", "бірлік картада (орны белгісіздері салынбады)",
     "единиц на карте (без местоположения не показаны)", "units on the map (those without a location are not drawn)"},
    {"high", "жоғары", "высокий", "high"},
    {"medium", "орташа", "средний", "medium"},
    {"low", "төмен", "низкий", "low"},
    {"uninhabited", "тұрғындары жоқ", "без населения", "uninhabited"},
    {"excluded", "бағаланбады (деректер жеткіліксіз)", "не оценены (мало данных)", "not scored (too little data)"},
    {"map_note",
     "Альберстің тең аумақты конустық проекциясы (стандартты параллельдер 45° және 51° с.е., "
     "орталық меридиан 68° ш.б., WGS 84). Кластар: Фишер–Дженкстің табиғи үзілістері; "
     "жақшада – кластағы өңірлер саны.",
     "Равновеликая коническая проекция Альберса (стандартные параллели 45° и 51° с. ш., "
     "центральный меридиан 68° в. д., WGS 84). Классы: естественные интервалы Фишера–Дженкса; "
     "в скобках – число регионов в классе.",
     "Albers equal-area conic projection (standard parallels 45° and 51° N, central meridian "
     "68° E, WGS 84). Classes: Fisher–Jenks natural breaks; in brackets, the number of regions "
     "in each class."},
    {"map_ranks", "Картадағы сандар – өңірдің рейтингтегі орны (төмендегі диаграмма).",
     "Числа на карте – место региона в рейтинге (диаграмма ниже).",
     "Numbers on the map are the regions' ranks (chart below)."},
    {"no_geometry", "Қоймада бірліктердің шекаралары жоқ, сондықтан карта салынбады.",
     "В хранилище нет границ единиц, поэтому карта не построена.",
     "The store has no unit boundaries, so the map is left out."},
    {"not_on_map", "Шекарасы болмағандықтан картада жоқ:", "Не показаны на карте (нет границ):",
     "Not on the map (no boundary):"},
    {"no_data", "деректер жоқ", "нет данных", "no data"},
    {"lisa", "Кеңістіктік кластерлер (LISA)", "Пространственные кластеры (LISA)", "Spatial clusters (LISA)"},
    {"lisa_hh", "Жоғары – жоғары", "Высокий – высокий", "High – High"},
    {"lisa_lh", "Төмен – жоғары", "Низкий – высокий", "Low – High"},
    {"lisa_ll", "Төмен – төмен", "Низкий – низкий", "Low – Low"},
    {"lisa_hl", "Жоғары – төмен", "Высокий – низкий", "High – Low"},
    {"lisa_ns", "Мәнді емес", "Незначимо", "Not significant"},
    {"lisa_island", "Көршісі жоқ", "Нет соседей", "No neighbours"},
    {"lisa_note",
     "Жергілікті Моран статистикасы (Anselin 1995): ортақ шекарасы немесе нүктесі бар көршілер "
     "(ферзь), 999 кездейсоқ орын ауыстыру, p ≤ 0,05. Моранның жаһандық I:",
     "Локальная статистика Морана (Anselin 1995): соседи по общей границе или точке (ферзь), "
     "999 случайных перестановок, p ≤ 0,05. Глобальный I Морана:",
     "Local Moran (Anselin 1995): neighbours share a border or a point (queen), 999 random "
     "permutations, p ≤ 0.05. Global Moran's I:"},
    {"lisa_too_few", "Кластерлерді іздеу үшін картада мәні бар кемінде 5 өңір қажет.",
     "Для поиска кластеров нужно не менее 5 регионов с границами и значениями.",
     "Clusters need at least 5 regions with a boundary and a value."},
    {"lisa_failed", "Шекаралардан көршілікті құру мүмкін болмады, кластерлер картасы жоқ.",
     "Не удалось построить соседство по границам; карты кластеров нет.",
     "Neighbours could not be built from the boundaries; no cluster map."},
    {"ranking", "Өңірлердің рейтингі", "Рейтинг регионов", "Regions ranked"},
    {"dots", "Өңірлердің орташа деңгейге қатысты орны", "Положение регионов относительно среднего",
     "Regions relative to the average"},
    {"dots_x", "Сол жылғы өңірлердің орташа мәніне қатынасы (1 = орташа)",
     "Отношение к среднему по регионам того же года (1 = среднее)",
     "Ratio to the regions' average of the same year (1 = average)"},
    {"dots_first", "деректер бар алғашқы жыл", "первый год с данными", "first year with data"},
    {"dots_note",
     "Орташа – сол жылғы өңірлердің салмақсыз орташасы, сондықтан ағымдағы бағалар салыстыруға кедергі "
     "жасамайды. Жаңа өңірлерде тек соңғы жыл көрсетілген.",
     "Среднее – невзвешенное среднее регионов того же года, поэтому текущие цены не мешают сравнению. "
     "У новых регионов показан только последний год.",
     "The average is the unweighted mean of the regions in the same year, so current prices do not "
     "distort the comparison. New regions show the latest year only."},
    {"lorenz", "Лоренц қисығы", "Кривая Лоренца", "Lorenz curve"},
    {"lorenz_x_w", "Халықтың жинақталған үлесі", "Накопленная доля населения",
     "Cumulative share of population"},
    {"lorenz_x_u", "Өңірлердің жинақталған үлесі", "Накопленная доля регионов",
     "Cumulative share of regions"},
    {"lorenz_y", "Көрсеткіштің жинақталған үлесі", "Накопленная доля показателя",
     "Cumulative share of the indicator"},
    {"lorenz_weighted", "Өңірлер халық санымен салмақталған; халық саны кезеңі:",
     "Регионы взвешены по численности населения; период численности:",
     "Regions weighted by population; population period:"},
    {"lorenz_unweighted", "Халық саны көрсеткіші жоқ: әр өңір бірдей салмақпен есептелді.",
     "Показателя численности населения нет: каждый регион учтён с одинаковым весом.",
     "No population indicator: every region counts once."},
    {"lorenz_pop_missing", "Кейбір өңірлердің халық саны жоқ, сондықтан салмақсыз есептелді; мысалы:",
     "У некоторых регионов нет численности населения, поэтому расчёт без весов; например:",
     "Some regions have no population, so the curve is unweighted; for example:"},
    {"equality", "Толық теңдік сызығы", "Линия равенства", "Line of equality"},
    {"series", "Өңірлік айырмашылықтардың динамикасы", "Динамика региональных различий",
     "Regional disparities over time"},
    {"series_note",
     "Әр жылы мәні бар өңірлер бойынша, салмақсыз. Өңірлер саны өзгерген жылдар толық "
     "салыстырмалы емес.",
     "По регионам, имеющим значение в данном году, без весов. Годы с разным числом регионов "
     "сравнимы не полностью.",
     "Over the regions with a value in each year, unweighted. Years with a different number "
     "of regions are not fully comparable."},
    {"year", "Жыл", "Год", "Year"},
    {"population_table", "Өңірлер бойынша халық саны", "Численность населения по регионам",
     "Population by region"},
    {"no_population", "Бұл бірліктердің халық саны туралы деректер жоқ.",
     "Нет данных о численности населения этих единиц.", "No population figures for these units."},
    {"rank", "Орны", "Место", "Rank"},
    {"code", "Коды", "Код", "Code"},
    {"region", "Өңір", "Регион", "Region"},
    {"population", "Халық саны", "Численность населения", "Population"},
    {"share", "Үлесі, %", "Доля, %", "Share, %"},
    {"total", "Барлығы", "Итого", "Total"},
    {"period", "Кезең", "Период", "Period"},
    {"class_summary", "Әлеует кластары бойынша жиынтық", "Сводка по классам потенциала",
     "Summary by potential class"},
    {"class", "Класс", "Класс", "Class"},
    {"count", "Саны", "Количество", "Count"},
    {"high", "жоғары", "высокий", "high"},
    {"medium", "орташа", "средний", "medium"},
    {"low", "төмен", "низкий", "low"},
    {"uninhabited", "тұрғындары жоқ", "без населения", "uninhabited"},
    {"provenance", "Деректердің шығу тегі", "Происхождение данных", "Provenance"},
    {"dataset", "Деректер жиыны", "Набор данных", "Dataset"},
    {"file", "Файл", "Файл", "File"},
    {"imported_at", "Импортталған уақыты (UTC)", "Время импорта (UTC)", "Imported at (UTC)"},
    {"checksum", "SHA-256", "SHA-256", "SHA-256"},
    {"version", "aimaq нұсқасы", "Версия aimaq", "aimaq version"},
    {"methodology", "Әдістеме", "Методика", "Methodology"},
    {"no_methodology", "әдістеме файлы қолданылмады", "файл методики не использовался",
     "no methodology file used"},
    {"generated", "Есеп жасалған уақыты (UTC)", "Отчёт сформирован (UTC)", "Report generated (UTC)"},
    {"store", "Қойма", "Хранилище", "Store"},
    {"thousand tenge (current prices)", "мың теңге (ағымдағы бағамен)", "тыс. тенге (в текущих ценах)",
     "thousand tenge (current prices)"},
    {"persons", "адам", "человек", "persons"},
    {NULL, NULL, NULL, NULL}};

bool aq__report_lang_ok(const char *lang)
{
    return lang && (strcmp(lang, "kk") == 0 || strcmp(lang, "ru") == 0 || strcmp(lang, "en") == 0);
}

const char *aq__report_str(const char *lang, const char *key)
{
    for (const rstr *r = strs; r->key; r++) {
        if (strcmp(r->key, key) != 0)
            continue;
        if (lang && strcmp(lang, "kk") == 0)
            return r->kk;
        if (lang && strcmp(lang, "ru") == 0)
            return r->ru;
        return r->en;
    }
    return key;
}

const char *aq_report_number(double v, int decimals, const char *lang, char *buf, size_t size)
{
    if (!size)
        return buf;
    if (!isfinite(v)) {
        snprintf(buf, size, "%s", "\u2013");
        return buf;
    }
    if (decimals < 0)
        decimals = 0;
    if (decimals > 15)
        decimals = 15;
    bool en = !lang || strcmp(lang, "en") == 0;
    const char sep = en ? ',' : ' ', dec = en ? '.' : ',';
    char raw[400];
    snprintf(raw, sizeof raw, "%.*f", decimals, fabs(v));
    /* "-0,0" is not a number anyone writes: the sign only when a digit
     * shown is non-zero. */
    bool neg = v < 0 && strspn(raw, "0.") != strlen(raw);
    const char *point = strchr(raw, '.');
    size_t nint = point ? (size_t)(point - raw) : strlen(raw);
    size_t o = 0;
#define PUT(ch) do { if (o + 1 < size) buf[o++] = (ch); } while (0)
    if (neg)
        PUT('-');
    for (size_t i = 0; i < nint; i++) {
        if (i > 0 && (nint - i) % 3 == 0)
            PUT(sep);
        PUT(raw[i]);
    }
    if (point) {
        PUT(dec);
        for (const char *p = point + 1; *p; p++)
            PUT(*p);
    }
#undef PUT
    buf[o] = '\0';
    return buf;
}
