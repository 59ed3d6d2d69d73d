from django.core.management.base import BaseCommand

from articles.models import Article
from articles.readability import measure

GRADE_LIMIT = 8


class Command(BaseCommand):
    help = "Print each article's Flesch-Kincaid grade, reading ease, word count and reading time."

    def handle(self, *args, **options):
        self.stdout.write(f"{'article':34} {'grade':>6} {'ease':>6} {'words':>6} {'minutes':>8}")
        for article in Article.objects.in_reading_order():
            figures = measure(article.body_html)
            flag = "  above grade 8" if figures.grade > GRADE_LIMIT else ""
            self.stdout.write(
                f"{article.slug[:34]:34} {figures.grade:6.1f} {figures.reading_ease:6.1f} "
                f"{figures.words:6d} {figures.minutes:8d}{flag}"
            )
