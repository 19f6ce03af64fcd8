# Every page shows a moment the same way: date, time to the second, zone (kazoo_zapier/display.py).
from kazoo_zapier.display import DATETIME_FORMAT

DATETIME_FORMAT = DATETIME_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
TIME_FORMAT = "H:i:s"
