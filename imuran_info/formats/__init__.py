"""The site's date formats (en_GB/formats.py), and the one helper Python code uses to write a date."""

from django.utils import formats, timezone


def site_datetime(value):
    """A moment as the site writes it everywhere, in site time: "2 December 2026, 14:05"."""
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
