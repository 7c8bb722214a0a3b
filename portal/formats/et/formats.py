"""Django's Estonian formats leave the short date and time unset (they would fall back to the American
m/d/Y): the Estonian day.month.year instead."""
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
