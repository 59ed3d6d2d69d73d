"""A URLconf whose story numbers are written in hexadecimal: an address no stand-in survives."""

from django.urls import path, register_converter


class HexNumber:
    regex = "[0-9a-f]+"

    def to_python(self, value):
        return int(value, 16)

    def to_url(self, value):
        return f"{int(value):x}"


register_converter(HexNumber, "hex")

urlpatterns = [path("stories/<hex:pk>/", lambda request, pk: None, name="hex-story")]
