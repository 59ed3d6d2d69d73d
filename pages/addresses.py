"""The site's own addresses, reversed once per process.

Django's reverse() took 20 to 50 microseconds an address here, and an uncached story page
reversed several: a tenth of its time. The URL patterns never change while a process runs, so
each named address is reversed once (for each script prefix and URLconf in use, which the
server and the settings fix), with stand-in numbers for its arguments, and filled in after that.
"""

import operator
from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# A number no real argument has: reversed in its place, then replaced by each real one.
_STAND_IN = 987654321


def address(name, *numbers):
    """reverse(name, args=numbers) for arguments that are whole numbers, 0 or more (story numbers)."""
    numbers = [operator.index(number) for number in numbers]  # 3.9 or "7" is refused, as a TypeError
    if any(number < 0 for number in numbers):
        raise ValueError(f"The site's addresses take no negative numbers: {numbers}")
    return address_pattern(name, len(numbers)).format(*numbers)


def address_pattern(name, arguments):
    """The address as a str.format() pattern, for many numbers in a row (a list's story cards).

    Asking for the request's script prefix and URLconf costs a third of address(): once per
    list, not once per card.
    """
    return _pattern(*urls_in_use(), name, arguments)


def urls_in_use():
    """The script prefix and URLconf a link made now would follow: what a per-process copy is kept by."""
    return get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF


@cache
def _pattern(prefix, urlconf, name, arguments):
    stand_ins = [str(_STAND_IN + position) for position in range(arguments)]
    pattern = reverse(name, args=stand_ins, urlconf=urlconf).replace("{", "{{").replace("}", "}}")
    for position, stand_in in enumerate(stand_ins):
        # A converter that writes numbers its own way would leave the stand-in out: refuse the
        # address rather than link every story to the same wrong place.
        if pattern.count(stand_in) != 1:
            raise ValueError(f"{name} does not write its argument {position} as given: {pattern}")
        pattern = pattern.replace(stand_in, f"{{{position}}}")
    return pattern
