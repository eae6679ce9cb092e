"""One way to write dates and times across PMHub (Django's localisation reads these first)."""

DATE_FORMAT = "j M Y"  # 1 Mar 2027
DATETIME_FORMAT = "j M Y H:i"  # 1 Mar 2027 14:05
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
