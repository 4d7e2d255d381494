"""Labels in kk, ru and en, chosen by QGIS's locale (locale/userLocale,
else the system's), or by AIMAQ_QGIS_LANG when set. A key missing in a
language falls back to English, then to the key itself."""
import os

_T = {
    "group_spatial": ("Spatial autocorrelation", "Пространственная автокорреляция",
                      "Кеңістіктік автокорреляция"),
    "group_ineq": ("Disparity", "Неравенство", "Теңсіздік"),
    "group_index": ("Classes and indices", "Классы и индексы", "Кластар мен индекстер"),
    "lisa": ("Local Moran (LISA)", "Локальный индекс Морана (LISA)",
             "Жергілікті Моран индексі (LISA)"),
    "moran": ("Global Moran's I", "Глобальный индекс Морана I", "Жаһандық Моран I индексі"),
    "local_g": ("Local Getis-Ord G", "Локальный G Гетиса-Орда", "Жергілікті Гетис-Орд G"),
    "disparity": ("Disparity measures", "Показатели неравенства", "Теңсіздік көрсеткіштері"),
    "classify": ("Map classes (Fisher-Jenks etc.)", "Классы карты (Фишер-Дженкс и др.)",
                 "Карта кластары (Фишер-Дженкс т.б.)"),
    "weights": ("Spatial weights (GAL/GWT)", "Пространственные веса (GAL/GWT)",
                "Кеңістіктік салмақтар (GAL/GWT)"),
    "potential": ("Development potential", "Потенциал развития", "Даму әлеуеті"),
    "depressed": ("Depressed towns", "Депрессивные населённые пункты",
                  "Депрессиялық елді мекендер"),
    "input": ("Input layer", "Входной слой", "Кіріс қабаты"),
    "value": ("Value field", "Поле значения", "Мән өрісі"),
    "id": ("ID field", "Поле идентификатора", "Идентификатор өрісі"),
    "weights_kind": ("Weights", "Веса", "Салмақтар"),
    "weights_file": ("Weights file (GAL/GWT), when Weights is 'file'",
                     "Файл весов (GAL/GWT), если Веса = 'файл'",
                     "Салмақтар файлы (GAL/GWT), Салмақтар = 'файл' болса"),
    "queen": ("queen contiguity", "смежность ферзя", "уәзір көршілестігі"),
    "rook": ("rook contiguity", "смежность ладьи", "тура көршілестігі"),
    "file": ("file", "файл", "файл"),
    "permutations": ("Permutations", "Перестановки", "Ауыстырулар"),
    "seed": ("Random seed", "Начальное число генератора", "Кездейсоқ сан бастамасы"),
    "alpha": ("Significance level", "Уровень значимости", "Мәнділік деңгейі"),
    "adjust": ("Multiple-test adjustment", "Поправка на множественные сравнения",
               "Көптік тексеру түзетуі"),
    "star": ("Gi* (include the unit itself)", "Gi* (с самой единицей)",
             "Gi* (бірліктің өзімен)"),
    "output": ("Output layer", "Выходной слой", "Шығыс қабаты"),
    "output_table": ("Output table", "Выходная таблица", "Шығыс кестесі"),
    "output_file": ("Output file", "Выходной файл", "Шығыс файлы"),
    "weight": ("Population weight field (optional)", "Поле весов населения (необязательно)",
               "Халық салмағы өрісі (міндетті емес)"),
    "group": ("Group field for decomposition (optional)",
              "Поле групп для декомпозиции (необязательно)",
              "Декомпозиция топтары өрісі (міндетті емес)"),
    "method": ("Method", "Метод", "Әдіс"),
    "k": ("Classes", "Число классов", "Кластар саны"),
    "methodology": ("Methodology file (YAML)", "Файл методики (YAML)",
                    "Әдістеме файлы (YAML)"),
    "High-High": ("High-High", "Высокий-Высокий", "Жоғары-Жоғары"),
    "Low-Low": ("Low-Low", "Низкий-Низкий", "Төмен-Төмен"),
    "Low-High": ("Low-High", "Низкий-Высокий", "Төмен-Жоғары"),
    "High-Low": ("High-Low", "Высокий-Низкий", "Жоғары-Төмен"),
    "ns": ("not significant", "не значимо", "мәнді емес"),
    "island": ("island (no neighbours)", "остров (без соседей)", "арал (көршісі жоқ)"),
    "hot": ("hot spot", "горячая точка", "ыстық нүкте"),
    "cold": ("cold spot", "холодная точка", "суық нүкте"),
    "group_access": ("Access", "Доступность", "Қолжетімділік"),
    "access": ("Access and 2SFCA on a road layer", "Доступность и 2SFCA по слою дорог",
               "Жол қабаты бойынша қолжетімділік және 2SFCA"),
    "roads": ("Road layer (lines)", "Слой дорог (линии)", "Жол қабаты (сызықтар)"),
    "road_class": ("Road class field (optional)", "Поле класса дороги (необязательно)",
                   "Жол класы өрісі (міндетті емес)"),
    "speeds": ("Speeds by class, km/h (primary=80,secondary=60,default=40)",
               "Скорости по классам, км/ч (primary=80,secondary=60,default=40)",
               "Кластар бойынша жылдамдық, км/сағ (primary=80,secondary=60,default=40)"),
    "minutes": ("Minutes field (optional)", "Поле минут (необязательно)",
                "Минут өрісі (міндетті емес)"),
    "centres": ("Centres or facilities (points)", "Центры или учреждения (точки)",
                "Орталықтар немесе мекемелер (нүктелер)"),
    "centre_name": ("Centre name field (optional)", "Поле названия центра (необязательно)",
                    "Орталық атауы өрісі (міндетті емес)"),
    "capacity": ("Capacity field (2SFCA)", "Поле мощности (2SFCA)", "Сыйымдылық өрісі (2SFCA)"),
    "settlements": ("Settlements (points)", "Населённые пункты (точки)",
                    "Елді мекендер (нүктелер)"),
    "population": ("Population field", "Поле населения", "Халық саны өрісі"),
    "cutoff": ("2SFCA catchment, minutes", "Зона 2SFCA, минут", "2SFCA аймағы, минут"),
    "convergence": ("Sigma and beta convergence", "Сигма- и бета-конвергенция",
                    "Сигма және бета конвергенция"),
    "series": ("Value fields, one per period in time order",
               "Поля значений, по одному на период, по порядку",
               "Мән өрістері, әр кезеңге бір, уақыт ретімен"),
    "times": ("Times of the periods (1940,2000; default: the years in the field names)",
              "Время периодов (1940,2000; по умолчанию годы из имён полей)",
              "Кезеңдер уақыты (1940,2000; әдепкі: өріс атауларындағы жылдар)"),
    "cancelled": ("Cancelled", "Отменено", "Тоқтатылды"),
}
_COL = {"en": 0, "ru": 1, "kk": 2}


def lang():
    """en, ru or kk from AIMAQ_QGIS_LANG, QGIS's user locale, or the system."""
    code = os.environ.get("AIMAQ_QGIS_LANG", "")
    if not code:
        try:
            from qgis.core import QgsSettings
            s = QgsSettings()
            if s.value("locale/overrideFlag", False, type=bool):
                code = s.value("locale/userLocale", "") or ""
        except Exception:
            code = ""
    if not code:
        try:
            from qgis.PyQt.QtCore import QLocale
            code = QLocale.system().name()
        except Exception:
            code = "en"
    code = (code or "en")[:2].lower()
    return code if code in _COL else "en"


def tr(key):
    row = _T.get(key)
    if row is None:
        return key
    return row[_COL[lang()]] or row[0]
