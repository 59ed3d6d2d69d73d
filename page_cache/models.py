from django.db import models


class Generation(models.Model):
    """How many times one part of the public site has changed.

    A cached page records the generations it was rendered at and is served only
    while they are current. The number moves in the same transaction as the
    change itself, so no lost message or cache outage can leave an old page up.
    """

    class Scope(models.TextChoices):
        ARTICLES = "articles", "Articles, their reading order and the pages that list them"
        STORIES = "stories", "Approved stories and the pages that list them"
        THEMES = "themes", "Published themes, named on the story pages"

    scope = models.CharField(primary_key=True, max_length=20, choices=Scope.choices)
    number = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.scope}: {self.number}"
