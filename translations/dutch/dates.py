NL = {
    "%(date)s at %(time)s": "%(date)s om %(time)s",
    "This happened on %(when)s.": "Dit gebeurde op %(when)s.",
}
