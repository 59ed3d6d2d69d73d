from django.core.management.base import BaseCommand
from django.db import transaction

from insights.counts import recount
from page_cache.generations import Scope, changed


class Command(BaseCommand):
    help = "Count the insights page's answers again from the approved stories (after a bulk import or a repair)."

    def handle(self, *args, **options):
        with transaction.atomic():
            recount()
            changed(Scope.STORIES)  # the insights page shows the new counts at once
        self.stdout.write("Counted the answers of the approved stories again.")
