"""The site's own addresses, reversed once per process.

Django's reverse() took 20 to 50 microseconds an address here, and an uncached story page
reversed several: a tenth of its time. The site's URL patterns never change while a process
runs (nor does its script prefix, which comes from the server's configuration), so each named
address is reversed once, with stand-in numbers for its arguments, and filled in after that.
"""

from functools import cache

from django.urls import reverse

# A number no real argument has: reversed in its place, then replaced by each real one.
_STAND_IN = 987654321


def address(name, *numbers):
    """reverse(name, args=numbers) for whole-number arguments (story numbers, say)."""
    return _pattern(name, len(numbers)).format(*(int(number) for number in numbers))


@cache
def _pattern(name, arguments):
    stand_ins = [str(_STAND_IN + position) for position in range(arguments)]
    pattern = reverse(name, args=stand_ins).replace("{", "{{").replace("}", "}}")
    for position, stand_in in enumerate(stand_ins):
        pattern = pattern.replace(stand_in, f"{{{position}}}")
    return pattern
