"""English pages keep the ISO dates finance teams in Estonia and Finland read in their systems; the decimal
point and the rest are Django's English formats. (Estonian and Finnish use Django's own: decimal comma.)"""
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
